"""The audit trail's screen: events with filters, newest first; the chain checked on demand;
the same events exported for re-verification."""

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from itcell.audit import selectors
from itcell.audit.chain import Verdict
from itcell.audit.export import FORMATS, WRITERS
from itcell.audit.forms import EventFilterForm
from itcell.core import clock
from itcell.core.http import query_id
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.roles import Action

PAGE_SIZE = 50


def _auditor(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW_AUDIT)
    return asker


@require_GET
def events(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _auditor(request, slug)
    form = EventFilterForm(request.GET)
    where = form.where()
    page, has_newer, has_older = selectors.page_of_events(
        where=where,
        before=query_id(request.GET.get("before")),
        after=query_id(request.GET.get("after")),
        size=PAGE_SIZE,
    )
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return render(
        request,
        "audit/events.html",
        {
            "election": asker.election,
            "form": form,
            "events": page,
            "query": query.urlencode(),
            "newer": page[0].pk if page and has_newer else None,
            "older": page[-1].pk if page and has_older else None,
            "filtered": any(value for value in form.data.values() if value),
        },
    )


@require_POST
def verify(request: SignedInRequest, slug: str) -> HttpResponse:
    """Walk the whole chain: on millions of events this takes a while, so only on request."""
    asker = _auditor(request, slug)
    verdict = selectors.verify_chain()
    broken = selectors.get_event(event_id=verdict.broken_id) if verdict.broken_id else None
    if request.htmx:
        return render(
            request,
            "audit/_verdict.html",
            {"election": asker.election, "verdict": verdict, "broken": broken},
        )
    messages.add_message(
        request, messages.SUCCESS if verdict.intact else messages.ERROR, _summary(verdict)
    )
    return redirect("audit:events", slug)


def _summary(verdict: Verdict) -> str:
    if verdict.intact:
        return _("%(count)s events, chain intact, last #%(id)s hash %(hash)s…") % {
            "count": f"{verdict.count:,}",
            "id": verdict.last_id,
            "hash": verdict.last_hash[:12],
        }
    return _("The chain is broken at event #%(id)s: %(why)s.") % {
        "id": verdict.broken_id,
        "why": verdict.why,
    }


@require_GET
def export(request: SignedInRequest, slug: str, fmt: str) -> StreamingHttpResponse:
    """The events the filters select, oldest first, streamed: each with its hashes."""
    asker = _auditor(request, slug)
    if fmt not in WRITERS:
        raise Http404
    where = EventFilterForm(request.GET).where()
    rows = selectors.chain_rows(selectors.list_events(where=where))
    response = StreamingHttpResponse(WRITERS[fmt](rows), content_type=FORMATS[fmt])
    name = f"audit-{asker.election.slug}-{clock.now():%Y%m%d-%H%M}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
