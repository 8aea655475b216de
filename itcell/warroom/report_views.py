"""The daily report's screens: the page (``report/<date>/``), its PDF and CSV, and the kept
reports the nightly job wrote, each for whoever may monitor the area it covers: the state's
report for those who see the whole state, a district's for those who see all its
constituencies. Anything else answers 404, like a district that does not exist."""

from datetime import date, timedelta

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from itcell.core import clock
from itcell.core.clock import IST
from itcell.organisation.access import Asker, SignedInRequest
from itcell.warroom import report_files, reports
from itcell.warroom.views import _asker


def _day(value: str) -> date:
    """The report's day: a past or current IST date, else 404."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Http404 from None
    if day > clock.now().astimezone(IST).date():
        raise Http404
    return day


def _area(asker: Asker, ref: str) -> reports.Area:
    """The area asked for (``?district=`` id or name; none: the state), if the person may
    read its report; else 404."""
    district = None
    if ref:
        district = reports.find_district(election=asker.election, ref=ref)
        if district is None:
            raise Http404
    area = reports.get_area(district=district)
    if not reports.may_report(asker, area):
        raise Http404
    return area


@require_GET
def latest(request: SignedInRequest, slug: str) -> HttpResponse:
    """Yesterday's report (the last whole day): the state's, or the first district the person
    may read when they do not see the whole state."""
    asker = _asker(request, slug)
    yesterday = clock.now().astimezone(IST).date() - timedelta(days=1)
    url = reverse("warroom:report", args=[slug, yesterday.isoformat()])
    if reports.may_report(asker, reports.Area()):
        return redirect(url)
    districts = reports.list_report_districts(asker=asker)
    if not districts:
        raise Http404
    return redirect(f"{url}?{urlencode({'district': districts[0].pk})}")


@require_GET
def daily(request: SignedInRequest, slug: str, day: str, fmt: str = "html") -> HttpResponse:
    asker = _asker(request, slug)
    when = _day(day)
    area = _area(asker, request.GET.get("district", ""))
    report = reports.get_daily_report(election=asker.election, day=when, area=area)
    if fmt in report_files.FORMATS:
        body = report_files.as_pdf(report) if fmt == "pdf" else report_files.as_csv(report)
        response = HttpResponse(
            body, content_type="application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
        )
        name = report_files.download_name(report, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = "" if area.is_state else f"?district={area.district_id}"
    return render(
        request,
        "warroom/report.html",
        {
            "election": asker.election,
            "report": report,
            "rows": reports.rows(report),
            "query": query,
            "districts": reports.list_report_districts(asker=asker),
            "state": reports.may_report(asker, reports.Area()),
            "kept": report_files.list_kept_reports(
                election=asker.election, area=area, lang=get_language()
            ),
        },
    )


@require_GET
def kept(request: SignedInRequest, slug: str, day: str, name: str) -> FileResponse:
    """A report the nightly job kept, to whoever may read its area's report."""
    asker = _asker(request, slug)
    when = _day(day)
    parsed = report_files.parse_name(name)
    if parsed is None:
        raise Http404
    district_id, _lang, fmt = parsed
    area = _area(asker, str(district_id) if district_id else "")
    path = report_files.report_dir(asker.election, when) / report_files.kept_name(area, _lang, fmt)
    if not path.is_file():
        raise Http404
    area_part = f"-district-{district_id}" if district_id else ""
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"report-{asker.election.slug}-{when.isoformat()}{area_part}-{_lang}.{fmt}",
    )
