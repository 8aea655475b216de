"""Monitoring screens: the feed with its filters, an item, the alerts inbox (and the response
it starts), the claims library, and the sources' health. Each translates HTTP only."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from itcell.core import clock
from itcell.core.errors import InvalidInput, ItcellError
from itcell.core.http import client_address, query_id
from itcell.elections.models import AssemblyConstituency, District
from itcell.monitoring import alerts as alerting
from itcell.monitoring import selectors, tipline
from itcell.monitoring import stance as stances
from itcell.monitoring.forms import ClaimForm, TipForm
from itcell.monitoring.models import Alert, Claim, ClaimMatch, Item, Source, Tip
from itcell.monitoring.sources.tipline import image_type
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.roles import Action
from itcell.organisation.selectors import state_target

LANGUAGES = [
    ("hi", gettext_lazy("Hindi")),
    ("hi-Latn", gettext_lazy("Hindi in Latin letters")),
    ("en", gettext_lazy("English")),
    ("bho", gettext_lazy("Bhojpuri")),
    ("mai", gettext_lazy("Maithili")),
]


def _asker(request: SignedInRequest, slug: str) -> Asker:
    asker = asker_for(request, slug)
    asker.require(Action.MONITOR)
    return asker


def _page(request: SignedInRequest, asker: Asker, template: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        f"monitoring/{template}",
        {"election": asker.election, "asker": asker, **extra},
    )


def feed(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    get = request.GET
    before = None
    if get.get("before"):
        try:
            before = datetime.fromisoformat(get["before"])
        except ValueError:
            before = None
    where = selectors.FeedFilter(
        ac=query_id(get.get("ac")),
        district=get.get("district", ""),
        party=get.get("party", ""),
        language=get.get("language", ""),
        source=query_id(get.get("source")),
        flag=get.get("flag", ""),
        narrative=query_id(get.get("narrative")),
        stance=get.get("stance", ""),
        before=before,
    )
    items = selectors.list_feed(election=asker.election, where=where)
    state = asker.election.state
    more = request.GET.copy()
    if items:
        more["before"] = items[-1].published_at.isoformat()
    return _page(
        request,
        asker,
        "feed.html",
        items=items,
        where=where,
        acs=AssemblyConstituency.objects.filter(state=state).only("number", "name_en", "name_hi"),
        districts=District.objects.filter(state=state).only("name_en", "name_hi"),
        parties=selectors.list_tagged_parties(election=asker.election),
        languages=LANGUAGES,
        sources=Source.objects.filter(election=asker.election),
        stances=STANCE_FILTERS,
        older=more.urlencode() if len(items) == selectors.FEED_PAGE else "",
    )


def item_page(request: SignedInRequest, slug: str, item_id: int) -> HttpResponse:
    asker = _asker(request, slug)
    item = selectors.access_item(election=asker.election, item_id=item_id)
    return _page(
        request,
        asker,
        "item.html",
        item=item,
        snapshots=item.snapshots.order_by("at"),
        **_stance_box(asker, item),
    )


STANCE_FILTERS = [
    ("for", gettext_lazy("For us")),
    ("against", gettext_lazy("Against us")),
    ("neutral", gettext_lazy("Neutral")),
    (selectors.UNCLASSIFIED, gettext_lazy("Not classified")),
]


def _stance_box(asker: Asker, item: Item) -> dict[str, Any]:
    """What the item's stance box shows: the label or the model's guess, and the buttons."""
    return {
        "guess": None
        if item.stance_by_id
        else selectors.guess_stance(election=asker.election, item=item),
        "may_label": asker.may(Action.MONITOR, selectors.item_target(item)),
        "labels": [(s.value, s.label) for s in stances.LABELS],
    }


@require_POST
def label_stance(request: SignedInRequest, slug: str, item_id: int) -> HttpResponse:
    asker = _asker(request, slug)
    item = selectors.access_item(election=asker.election, item_id=item_id)
    asker.require(Action.MONITOR, selectors.item_target(item))
    try:
        item = stances.label_stance(
            item=item,
            stance=request.POST.get("stance", ""),
            user=asker.user,
            source_address=client_address(request),
        )
    except InvalidInput as refused:
        messages.error(request, str(refused))
        return redirect("monitoring:item", slug, item_id)
    if request.htmx:
        item = selectors.access_item(election=asker.election, item_id=item_id)
        return render(
            request,
            "monitoring/item.html#stance-box",
            {
                "election": asker.election,
                "item": item,
                "next": request.POST.get("next", ""),
                **_stance_box(asker, item),
            },
        )
    messages.success(request, _("Stance recorded."))
    if request.POST.get("next") == "queue":
        return redirect("monitoring:stance", slug)
    return redirect("monitoring:item", slug, item_id)


def stance_queue(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    return _page(
        request,
        asker,
        "stance.html",
        rows=selectors.list_to_label(asker=asker),
        status=selectors.get_stance_status(election=asker.election),
        may_train=asker.may(Action.MONITOR, state_target(election=asker.election)),
        labels=[(s.value, s.label) for s in stances.LABELS],  # the rows' buttons
    )


@require_POST
def train_stance(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    asker.require(Action.MONITOR, state_target(election=asker.election))
    model = stances.train_stance_model(
        election=asker.election,
        now=clock.now(),
        actor=asker.user,
        source_address=client_address(request),
    )
    if model is None:
        messages.info(
            request,
            _(
                "Nothing to train: the model needs %(n)d labels of at least two stances, and "
                "new labels since it was last trained."
            )
            % {"n": stances.MIN_LABELS},
        )
    else:
        messages.success(request, _("The stance model was trained; new items are guessed with it."))
    return redirect("monitoring:stance", slug)


@require_POST
def decide_match(request: SignedInRequest, slug: str, match_id: int) -> HttpResponse:
    asker = _asker(request, slug)
    match = (
        ClaimMatch.objects.filter(item__election=asker.election, pk=match_id)
        .prefetch_related("item__tags")
        .first()
    )
    if match is None:
        raise Http404
    # Deciding a match acts on its item, as labelling its stance does: within one's scope.
    asker.require(Action.MONITOR, selectors.item_target(match.item))
    alerting.decide_match(match=match, user=asker.user, confirmed="confirm" in request.POST)
    messages.success(request, _("Recorded."))
    return redirect("monitoring:item", slug, match.item_id)


def alerts(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    state = request.GET.get("state", Alert.State.OPEN)
    if state not in Alert.State.values:
        state = Alert.State.OPEN
    found = selectors.list_alerts(asker=asker, state=state)
    rows = [
        (
            alert,
            alerting.title_of(alert),
            alerting.describe(alert),
            asker.may(Action.DRAFT, selectors.alert_target(alert)),
        )
        for alert in found
    ]
    return _page(request, asker, "alerts.html", rows=rows, state=state, states=Alert.State.choices)


@require_POST
def alert_act(request: SignedInRequest, slug: str, alert_id: int, verb: str) -> HttpResponse:
    asker = _asker(request, slug)
    alert = Alert.objects.filter(election=asker.election, pk=alert_id).first()
    if alert is None or verb not in ("respond", "dismiss"):
        raise Http404
    target = selectors.alert_target(alert)
    asker.require(Action.DRAFT if verb == "respond" else Action.MONITOR, target)
    try:
        if verb == "dismiss":
            alerting.dismiss_alert(
                alert=alert, user=asker.user, source_address=client_address(request)
            )
            messages.success(request, _("Alert dismissed."))
            return redirect("monitoring:alerts", slug)
        post = alerting.respond_to_alert(
            alert=alert, user=asker.user, source_address=client_address(request)
        )
    except ItcellError as error:
        messages.error(request, str(error))
        return redirect("monitoring:alerts", slug)
    messages.success(
        request,
        _("A response is in the review queue (fast lane).")
        if post.state != "draft"
        else _("A response draft is ready: finish it and send it for review."),
    )
    return redirect("publishing:post", slug, post.pk)


@require_http_methods(["GET", "POST"])
def claims(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    may_edit = asker.may(Action.MONITOR, state_target(election=asker.election))
    form = ClaimForm(request.POST or None, election=asker.election)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            alerting.create_claim(election=asker.election, actor=asker.user, **form.cleaned_data)
            messages.success(request, _("Claim added: new items are matched against it."))
            return redirect("monitoring:claims", slug)
    library = Claim.objects.filter(election=asker.election).select_related("talking_point")
    return _page(
        request,
        asker,
        "claims.html",
        claims=selectors.with_match_counts(library),
        form=form,
        may_edit=may_edit,
    )


def narratives(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    hours = query_id(request.GET.get("hours")) or 24
    found = selectors.list_narratives(
        election=asker.election, since=clock.now() - timedelta(hours=min(hours, 24 * 14))
    )
    return _page(request, asker, "narratives.html", narratives=found, hours=hours)


def sources(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    return _page(
        request, asker, "sources.html", rows=selectors.list_sources_health(election=asker.election)
    )


@require_http_methods(["GET", "POST"])
def tips(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)  # every member of the cell may forward what they see
    form = TipForm(request.POST, request.FILES) if request.method == "POST" else TipForm()
    if form.is_valid():
        try:
            _tip, created = tipline.submit_tip(
                election=asker.election,
                member=asker.user,
                via=Tip.Via.FORM,
                source_address=client_address(request),
                **form.cleaned_data,
            )
        except InvalidInput as refused:
            for problem in refused.problems:
                form.add_error(problem.field or None, problem.message)
        else:
            messages.success(
                request,
                _("Tip received: the cell will look at it.")
                if created
                else _("You sent this tip already; the cell has it."),
            )
            return redirect("monitoring:tips", slug)
    bot = selectors.get_tipline_bot(election=asker.election)
    return _page(
        request,
        asker,
        "tips.html",
        form=form,
        tips=selectors.list_my_tips(election=asker.election, user=asker.user),
        bot=bot,
        link_code=tipline.telegram_link_code(user=asker.user) if bot else "",
        telegram_link=selectors.get_telegram_link(user=asker.user),
        may_monitor=asker.may(Action.MONITOR),
    )


def tip_screenshot(request: SignedInRequest, slug: str, item_id: int) -> FileResponse:
    asker = asker_for(request, slug)
    asker.require(Action.VIEW)
    tip = selectors.access_tip(asker=asker, item_id=item_id)
    if not tip.screenshot:
        raise Http404
    try:
        screenshot = tip.screenshot.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = image_type(screenshot.read(12))
    screenshot.seek(0)
    # Served only here, after the access check: never from a public media address.
    response = FileResponse(screenshot, content_type=kind or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
