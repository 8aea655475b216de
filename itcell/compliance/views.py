"""The compliance screens: the election's rule calendar, overrides, the MCMC applications and
certificates, the expenditure ledger, takedown incidents, the dossier, and the JSON check."""

import json
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from itcell.compliance import services
from itcell.compliance.described import parse
from itcell.compliance.dossier import as_csv, as_pdf
from itcell.compliance.engine import at_publication, evaluate
from itcell.compliance.errors import ComplianceError, RuleBlocks
from itcell.compliance.forms import ApplicationForm, CertificateForm, SpendForm, TakedownForm
from itcell.compliance.models import Application, Certificate, Spend, Takedown
from itcell.compliance.rules.expenditure import candidate_account_due, party_statement_due
from itcell.compliance.rules.precertification import apply_by
from itcell.compliance.selectors import get_context, get_dossier
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput
from itcell.core.http import client_address, query_id
from itcell.elections.models import Candidacy
from itcell.organisation.access import Asker, SignedInRequest, asker_for
from itcell.organisation.permissions import Target
from itcell.organisation.roles import Action
from itcell.publishing.models import Post
from itcell.publishing.selectors import visible_posts


def _asker(request: SignedInRequest, slug: str, action: Action = Action.VIEW) -> Asker:
    asker = asker_for(request, slug)
    asker.require(action)
    return asker


def _page(request: SignedInRequest, asker: Asker, template: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        f"compliance/{template}",
        {
            "election": asker.election,
            "asker": asker,
            "may_keep": asker.may(Action.KEEP_COMPLIANCE),
            "may_audit": asker.may(Action.VIEW_AUDIT),
            "now": clock.now(),
            **extra,
        },
    )


def overview(request: SignedInRequest, slug: str) -> HttpResponse:
    """The rules' calendar: silence per phase, the exit-poll ban, MCMC deadlines, reports."""
    asker = _asker(request, slug)
    now = clock.now()
    ctx = get_context(election=asker.election, at=now, places=False)
    calendar = ctx.calendar
    pending = Application.objects.filter(
        election=asker.election, state=Application.State.SUBMITTED
    ).select_related("post", "candidacy__ac__district")
    return _page(
        request,
        asker,
        "overview.html",
        mcc=calendar.mcc,
        exit_poll_ban=calendar.exit_poll_ban,
        phases=[
            (p, calendar.phase_silence(p.number), calendar.phase_status(p.number, now))
            for p in calendar.phases
        ],
        silent=sorted(calendar.silent_acs(now)),
        statement_due=party_statement_due(calendar, ctx.book),
        account_due=candidate_account_due(calendar, ctx.book),
        applications=[(a, apply_by(a.applicant, a.intended_release_at, ctx)) for a in pending],
        book=ctx.book,
        open_takedowns=Takedown.objects.filter(election=asker.election, closed_at=None).count(),
    )


@require_POST
def override(request: SignedInRequest, slug: str, post_id: int) -> HttpResponse:
    asker = _asker(request, slug, Action.OVERRIDE_FINDING)
    post = Post.objects.filter(election=asker.election, pk=post_id).first()
    if post is None:
        raise Http404
    try:
        services.override_finding(
            post=post,
            rule=request.POST.get("rule", ""),
            justification=request.POST.get("justification", ""),
            actor=asker.user,
            source_address=client_address(request),
        )
    except ComplianceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Overridden for this version of the post."))
    return redirect("publishing:post", slug, post.pk)


@require_POST
def check_json(request: SignedInRequest, slug: str) -> JsonResponse:
    """The JSON check of ``itcell compliance check``: a post described in JSON, its findings."""
    asker = _asker(request, slug)
    try:
        content = parse(json.loads(request.body or b"null"), "body")
    except json.JSONDecodeError as error:
        return JsonResponse({"problems": [{"message": f"not JSON: {error.msg}"}]}, status=400)
    except UnicodeDecodeError as error:  # json.loads reads bytes as UTF-8, -16 or -32
        return JsonResponse({"problems": [{"message": f"not JSON: {error.reason}"}]}, status=400)
    except InvalidInput as invalid:
        problems = [{"field": p.field, "message": p.message} for p in invalid.problems]
        return JsonResponse({"problems": problems}, status=400)
    ctx = get_context(election=asker.election, at=at_publication(content, clock.now()))
    return JsonResponse(
        {
            "at": ctx.at.astimezone(IST).isoformat(),
            "findings": [f.as_json() for f in evaluate(content, ctx)],
        }
    )


def _visible_posts(asker: Asker) -> QuerySet[Post]:
    return visible_posts(Post.objects.filter(election=asker.election), asker.grants, Action.VIEW)


@require_http_methods(["GET", "POST"])
def ledger(request: SignedInRequest, slug: str) -> HttpResponse:
    """Spend per candidate against the ceiling in force today; booking a spend."""
    asker = _asker(request, slug)
    election = asker.election
    form = SpendForm(request.POST or None, election=election, posts=_visible_posts(asker))
    if request.method == "POST":
        asker.require(Action.KEEP_COMPLIANCE)
        if form.is_valid():
            try:
                _spend, found = services.book_spend(
                    election=election,
                    data=services.SpendInput(**form.cleaned_data),
                    actor=asker.user,
                    source_address=client_address(request),
                )
            except RuleBlocks as blocked:
                for finding in blocked.findings:
                    form.add_error(None, f"{finding.rule}: {finding.message}")
            except ComplianceError as error:
                form.add_error(None, str(error))
            else:
                for finding in found:
                    messages.warning(request, f"{finding.rule}: {finding.message}")
                messages.success(request, _("Booked."))
                return redirect("compliance:ledger", slug)
    ctx = get_context(election=election, at=clock.now(), places=False)
    ceiling = ctx.book.ceiling_on(clock.today_ist())
    totals: dict[int | None, int] = {
        row["candidacy"]: row["total"]
        for row in Spend.objects.filter(election=election)
        .values("candidacy")
        .annotate(total=Sum("amount_inr"))
    }
    candidates = Candidacy.objects.filter(
        election=election, pk__in=[pk for pk in totals if pk]
    ).select_related("ac")
    return _page(
        request,
        asker,
        "ledger.html",
        form=form,
        ceiling=ceiling,
        rows=[
            (c, totals[c.pk], totals[c.pk] * 100 // ceiling if ceiling else None)
            for c in candidates
        ],
        party_total=totals.get(None, 0),
        statement_due=party_statement_due(ctx.calendar, ctx.book),
        spends=Spend.objects.filter(election=election).select_related("candidacy", "post")[:200],
        warn_pct=ctx.book.spend_warn_pct,
    )


@require_http_methods(["GET", "POST"])
def certificates(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    election = asker.election
    apply_form = ApplicationForm(
        request.POST if "apply" in request.POST else None,
        election=election,
        posts=_visible_posts(asker),
    )
    certificate_form = CertificateForm(
        request.POST if "certify" in request.POST else None, election=election
    )
    if request.method == "POST":
        asker.require(Action.KEEP_COMPLIANCE)
        where = client_address(request)
        try:
            if apply_form.is_bound and apply_form.is_valid():
                data = dict(apply_form.cleaned_data)
                post = data.pop("post")
                _application, found = services.apply_for_certificate(
                    post=post,
                    data=services.ApplicationInput(**data),
                    actor=asker.user,
                    source_address=where,
                )
                for finding in found:
                    messages.info(request, f"{finding.rule}: {finding.message}")
                return redirect("compliance:certificates", slug)
            if certificate_form.is_bound and certificate_form.is_valid():
                services.record_certificate(
                    **certificate_form.cleaned_data, actor=asker.user, source_address=where
                )
                messages.success(request, _("Certificate recorded."))
                return redirect("compliance:certificates", slug)
        except ComplianceError as error:
            (apply_form if apply_form.is_bound else certificate_form).add_error(None, str(error))
    ctx = get_context(election=election, at=clock.now(), places=False)
    applications = Application.objects.filter(election=election).select_related(
        "post", "candidacy__ac__district"
    )
    return _page(
        request,
        asker,
        "certificates.html",
        apply_form=apply_form,
        certificate_form=certificate_form,
        applications=[(a, apply_by(a.applicant, a.intended_release_at, ctx)) for a in applications],
        issued=Certificate.objects.filter(election=election).select_related("application__post"),
    )


@require_http_methods(["GET", "POST"])
def takedowns(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = _asker(request, slug)
    election = asker.election
    form = TakedownForm(request.POST if "open" in request.POST else None, election=election)
    if request.method == "POST":
        asker.require(Action.KEEP_COMPLIANCE)
        try:
            if form.is_bound:
                if form.is_valid():
                    services.open_takedown(
                        **form.cleaned_data,
                        actor=asker.user,
                        source_address=client_address(request),
                    )
                    return redirect("compliance:takedowns", slug)
            else:
                _incident_action(request, asker)
                return redirect("compliance:takedowns", slug)
        except ComplianceError as error:
            messages.error(request, str(error))
            if not form.is_bound:
                return redirect("compliance:takedowns", slug)
            form.add_error(None, str(error))
    ctx = get_context(election=election, at=clock.now(), places=False)
    incidents = Takedown.objects.filter(election=election).select_related(
        "delivery__post", "delivery__channel"
    )
    return _page(
        request,
        asker,
        "takedowns.html",
        form=form,
        incidents=[
            (i, evaluate(services.takedown_subject(i), ctx) if i.closed_at is None else [])
            for i in incidents
        ],
    )


def _incident_action(request: SignedInRequest, asker: Asker) -> None:
    incident = Takedown.objects.filter(
        election=asker.election, pk=request.POST.get("incident") or 0
    ).first()
    if incident is None:
        raise Http404
    verb = request.POST.get("verb")
    if verb == "removed":
        services.record_removal(
            incident=incident,
            removed_at=clock.now(),
            how=request.POST.get("how", ""),
            actor=asker.user,
        )
    elif verb == "warned":
        services.record_warning(
            incident=incident, responsible=request.POST.get("responsible", ""), actor=asker.user
        )
    elif verb == "close":
        try:
            services.close_takedown(incident=incident, actor=asker.user)
        except RuleBlocks as blocked:
            raise ComplianceError(str(blocked.findings[0].message)) from blocked
    else:
        raise Http404


def dossier(request: SignedInRequest, slug: str, fmt: str) -> HttpResponse:
    """Every post for a candidate (``?candidate=``) or a constituency (``?ac=``), with its
    approvals, findings, overrides, certificates and spend: CSV or PDF, for the expenditure
    observer or the MCMC."""
    asker = _asker(request, slug, Action.VIEW_AUDIT)
    candidate, ac = query_id(request.GET.get("candidate")), query_id(request.GET.get("ac"))
    if candidate is not None:
        candidacy = (
            Candidacy.objects.filter(election=asker.election, pk=candidate)
            .select_related("ac")
            .first()
        )
        ac = candidacy.ac.number if candidacy else None
    if ac is None:
        raise Http404
    # A dossier lists a constituency's posts: an observer at a desk reads only their area's.
    asker.require(Action.VIEW_AUDIT, Target(acs=frozenset({ac})))
    found = get_dossier(election=asker.election, candidacy_id=candidate, ac_number=ac)
    if fmt == "pdf":
        response = HttpResponse(
            as_pdf(found, election=asker.election), content_type="application/pdf"
        )
    else:
        response = HttpResponse(as_csv(found), content_type="text/csv; charset=utf-8")
    name = f"dossier-{asker.election.slug}-{f'candidate-{candidate}' if candidate else f'ac-{ac}'}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
