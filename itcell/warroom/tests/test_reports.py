"""The daily report: its figures on a built day (27 October 2020, IST) for the state and for
Kishanganj district (Bahadurganj, AC 52, is one of its constituencies; Raghopur, AC 128, is
not), who may read it, the page, PDF and CSV, the command and the nightly job."""

import csv
import io
from datetime import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from itcell.compliance.tests.test_views import embedded_fonts
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import AssemblyConstituency, District
from itcell.monitoring.models import Alert
from itcell.monitoring.services import create_source, ingest
from itcell.monitoring.sources import Batch, RawItem, locmem
from itcell.organisation.tests.factories import shift
from itcell.publishing.models import Delivery, EngagementSample, Post
from itcell.publishing.services.posts import submit_post
from itcell.publishing.tests.factories import Cell
from itcell.warroom import report_files, reports, tasks
from itcell.warroom.tests.conftest import alert, published

pytestmark = pytest.mark.django_db

DAY = datetime(2020, 10, 27, tzinfo=IST).date()
SLUG = "bihar-2020"


def at(hour: int, minute: int = 0, day: int = 27) -> datetime:
    return datetime(2020, 10, day, hour, minute, tzinfo=IST)


def raghopur(post: Post) -> Post:
    """The post aimed at Raghopur (AC 128, Vaishali) instead of Bahadurganj."""
    post.acs.set([AssemblyConstituency.objects.get(number=128)])
    return post


@pytest.fixture
def day(cell: Cell, tmp_path, settings):  # type: ignore[no-untyped-def]
    """One of everything the report counts on 27 October, and some of it the day before or
    outside Kishanganj, which must not count."""
    settings.MEDIA_ROOT = tmp_path
    # Coverage: Bahadurganj's desk 08:00–14:00 and 12:00–20:00 (12 h covered), HQ 06:00–12:00.
    shift(cell.desk, cell.lead, at(8), at(14))
    shift(cell.desk, cell.writer, at(12), at(20))
    shift(cell.hq, cell.spokesperson, at(6), at(12))
    # Publishing: submitted at 09:00, approved 09:30 and 10:30 (median 60 min).
    clock.set_now(at(9))
    first = cell.draft(title="First")
    second = cell.draft(title="Second")
    for post in (first, second):
        submit_post(post=post, author=cell.writer)
    clock.set_now(at(9, 30))
    from itcell.publishing.services.review import approve_post, reject_post

    approve_post(post=first, reviewer=cell.lead)
    clock.set_now(at(11))
    approve_post(post=second, reviewer=cell.lead)
    clock.set_now(at(11, 30))
    third = cell.draft(title="Third")
    submit_post(post=third, author=cell.writer)
    reject_post(post=third, reviewer=cell.lead, reason="No")
    # Raghopur's post: state only.
    clock.set_now(at(12))
    elsewhere = raghopur(cell.draft(title="Raghopur"))
    clock.set_now(at(13))
    out = published(cell, at=at(13), title="Out")
    raghopur(published(cell, at=at(13), title="Out in Raghopur"))
    Delivery.objects.create(
        post=elsewhere,
        channel=cell.channel,
        state=Delivery.State.FAILED,
        due_at=at(13),
        finished_at=at(13, 5),
    )
    delivery = out.deliveries.get()
    EngagementSample.objects.create(delivery=delivery, at=at(14), likes=3, views=40)
    EngagementSample.objects.create(delivery=delivery, at=at(18), likes=10, views=100)
    EngagementSample.objects.create(delivery=delivery, at=at(9, day=28), likes=99, views=999)
    # Monitoring: Bahadurganj twice, Raghopur once on the day; Raghopur the day before.
    locmem.reset()
    source = create_source(election=cell.election, name="Stream", backend="locmem")
    texts = [
        ("1", "Bahadurganj me VIP ki rally, Lakhan Lal Pandit ne kaha vikas hoga", at(10)),
        ("2", "बहादुरगंज में बाढ़ राहत शिविर खुले", at(15)),
        ("3", "तेजस्वी यादव राघोपुर में आज सभा करेंगे, RJD कार्यकर्ता तैयार", at(16)),
        ("4", "तेजस्वी यादव राघोपुर में कल सभा करेंगे", at(10, day=26)),
    ]
    ingest(
        source=source,
        batch=Batch(
            [RawItem(external_id=i, text=t, published_at=w) for i, t, w in texts], cursor=4
        ),
    )
    clock.set_now(at(16))
    alert(cell, 52)
    alert(cell, 52, state=Alert.State.DISMISSED, hours_ago=1)
    alert(cell, 128, kind=Alert.Kind.CLAIM)
    clock.set_now(at(10, day=28))
    return cell


def area(name: str = "") -> reports.Area:
    district = District.objects.get(name_en=name) if name else None
    return reports.get_area(district=district)


def test_the_state_report_counts_the_day(day: Cell) -> None:
    report = reports.get_daily_report(election=day.election, day=DAY, area=area())
    c, p, e, m = report.coverage, report.publishing, report.engagement, report.monitoring
    assert (c.desks_staffed, c.shifts, c.people) == (2, 3, 3)
    assert c.hours["ac"][0] == 12
    assert c.hours["hq"] == (6, 18)
    assert (p.created, p.submitted, p.approved, p.rejected) == (6, 5, 4, 1)
    assert (p.posts_published, p.deliveries_published, p.deliveries_failed) == (2, 2, 1)
    # The factory approves at once; the two reviewed by hand waited 30 and 120 minutes.
    assert p.median_approval is not None
    assert (e.deliveries, e.measured, e.likes, e.views) == (2, 1, 10, 100)  # read by midnight
    assert m.items == 3  # the item of the 26th is not counted
    assert dict(m.top_acs and [(n, v) for n, _en, _hi, v in m.top_acs]) == {52: 2, 128: 1}
    assert (m.alerts_raised, m.alerts_open, m.alerts_dismissed) == (3, 2, 1)
    assert sum(m.by_language.values()) == 3


def test_a_district_report_counts_only_its_constituencies(day: Cell) -> None:
    report = reports.get_daily_report(election=day.election, day=DAY, area=area("Kishanganj"))
    c, p, m = report.coverage, report.publishing, report.monitoring
    assert "hq" not in c.hours
    assert (c.desks_staffed, c.shifts) == (1, 2)
    assert (p.posts_published, p.deliveries_published, p.deliveries_failed) == (1, 1, 0)
    assert (m.items, [n for n, *_rest in m.top_acs]) == (2, [52])
    assert (m.alerts_raised, sum(m.by_language.values())) == (2, 2)


def test_the_report_costs_a_fixed_number_of_queries(day: Cell, django_assert_num_queries):  # type: ignore[no-untyped-def]
    state, kishanganj = area(), area("Kishanganj")
    with django_assert_num_queries(reports.REPORT_QUERIES):
        reports.get_daily_report(election=day.election, day=DAY, area=state)
    with django_assert_num_queries(reports.DISTRICT_REPORT_QUERIES):
        reports.get_daily_report(election=day.election, day=DAY, area=kishanganj)


def url(name: str, **query: str) -> str:
    path = reverse(f"warroom:{name}", args=[SLUG, DAY.isoformat()])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_who_may_read_which_report(client, day: Cell) -> None:  # type: ignore[no-untyped-def]
    client.force_login(day.head)
    assert client.get(url("report")).status_code == 200
    assert client.get(url("report", district="Kishanganj")).status_code == 200
    assert client.get(url("report", district="Nowhere")).status_code == 404
    client.force_login(day.lead)  # Bahadurganj's desk: one of Kishanganj's four seats
    assert client.get(url("report")).status_code == 404
    assert client.get(url("report", district="Kishanganj")).status_code == 404
    client.force_login(day.writer)
    assert client.get(reverse("warroom:report_latest", args=[SLUG])).status_code == 404


def test_the_page_in_hindi_and_its_query_count(client, day: Cell, django_assert_num_queries):  # type: ignore[no-untyped-def]
    client.force_login(day.head)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    with django_assert_num_queries(28):
        response = client.get(url("report", district="Kishanganj"))
    html = response.content.decode()
    assert '<html lang="hi"' in html
    assert "किशनगंज" in html  # the district's name in Hindi
    assert client.get(reverse("warroom:report_latest", args=[SLUG])).url == url("report")


def test_the_csv_and_the_pdf_download(client, day: Cell) -> None:  # type: ignore[no-untyped-def]
    client.force_login(day.head)
    response = client.get(url("report_csv", district="Kishanganj"))
    assert response["Content-Disposition"].endswith('-2020-10-27-kishanganj.csv"')
    assert response.content.startswith("\ufeff".encode())
    found = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert found[0] == ["section", "metric", "value"]
    assert ["Publishing", "Deliveries published", "1"] in found
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"  # Kishanganj in Devanagari
    response = client.get(url("report_pdf", district="Kishanganj"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    fonts = embedded_fonts(response.content)
    assert "Noto-Sans" in fonts
    assert any(f.startswith("Noto-Sans-Devanagari") for f in fonts)
    report = reports.get_daily_report(election=day.election, day=DAY, area=area("Kishanganj"))
    with translation.override("hi"):
        assert '<html lang="hi">' in report_files.as_html(report)
        assert "किशनगंज" in report_files.as_html(report)  # the title names it in Hindi


def test_the_command_writes_a_report(day: Cell, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "k.csv"
    call_command(
        "report",
        "daily",
        "--date",
        "2020-10-27",
        "--district",
        "Kishanganj",
        "--election",
        SLUG,
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert ["Monitoring", "Items", "2"] in list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    call_command("report", "daily", "--date", "2020-10-27", "--output", str(tmp_path / "s.pdf"))
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")


def test_the_nightly_job_keeps_yesterdays_reports_once(day: Cell, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(report_files, "as_pdf", lambda report: b"%PDF-1.7 test")
    tasks.keep_yesterdays_reports.call()
    folder = report_files.report_dir(day.election, DAY)
    names = sorted(p.name for p in folder.iterdir())
    assert {"state-hi.pdf", "state-en.csv"} <= set(names)
    kishanganj = District.objects.get(name_en="Kishanganj")
    assert f"district-{kishanganj.pk}-en.csv" in names
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert report_files.keep_daily_reports(election=day.election, day=DAY) == []
    assert stamps == {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    # Listed on the report page and served through a view that checks reach.
    client.force_login(day.head)
    page = client.get(url("report")).content.decode()
    kept = reverse("warroom:report_kept", args=[SLUG, DAY.isoformat(), "state-en.csv"])
    assert kept in page
    assert client.get(kept).status_code == 200
    client.force_login(day.lead)
    assert client.get(kept).status_code == 404
    client.force_login(day.head)
    assert client.get(kept.replace("state-en.csv", "..%2Fstate-en.csv")).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_head_opens_the_report_and_downloads_it(page, day: Cell, tmp_path):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from itcell.organisation.tests.test_screens_browser import sign_in, snap

    sign_in(page, day.head.username)
    page.goto(f"/war/{SLUG}/")
    page.get_by_role("link", name="Daily report").click()
    expect(page.locator("h1")).to_contain_text("Daily report: the state")
    page.select_option("#report-district", label="Kishanganj")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("h1")).to_contain_text("Kishanganj")
    snap(page, "warroom-report")
    for fmt in ("PDF", "CSV"):
        with page.expect_download() as info:
            page.get_by_role("link", name=f"Download {fmt}").click()
        download = info.value
        assert download.suggested_filename.endswith(f"-kishanganj.{fmt.lower()}")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.stat().st_size > 0
