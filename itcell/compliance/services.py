"""Writes of the compliance app: findings and overrides on posts, MCMC applications and
certificates, the expenditure ledger, takedown incidents and the AI register. Each write is
audited; each check it makes is a rule of the engine."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as language

from itcell.accounts.models import User
from itcell.audit.models import AuditEvent
from itcell.audit.services import record
from itcell.compliance import engine
from itcell.compliance.engine import Finding, Severity, evaluate, hours
from itcell.compliance.errors import ComplianceError, RuleBlocks
from itcell.compliance.models import (
    Application,
    Certificate,
    FindingRecord,
    Override,
    Spend,
    SyntheticMedium,
    Takedown,
)
from itcell.compliance.selectors import (
    findings_for,
    get_book,
    get_context,
    get_spent,
    post_hash,
)
from itcell.core import clock
from itcell.elections.calendar import Calendar
from itcell.elections.models import Candidacy, Election, Phase
from itcell.elections.selectors import get_calendar
from itcell.notifications.models import Kind
from itcell.notifications.services import notify
from itcell.organisation.models import Membership
from itcell.organisation.permissions import allows
from itcell.organisation.roles import Action, Role
from itcell.organisation.selectors import get_grants
from itcell.publishing import tasks as publishing_tasks
from itcell.publishing.errors import Reason
from itcell.publishing.models import Delivery, MediaAsset, Post
from itcell.publishing.services.delivery import DELIVERABLE, WAITING, recheck
from itcell.publishing.services.notices import people_for


def record_findings(
    *, post: Post, checkpoint: str, findings: Iterable[tuple[Finding, bool]]
) -> None:
    """Keep the findings a checkpoint saw (for the dossier): all but notes, and at delivery
    only those that stopped it (a delivery is screened on every try)."""
    rows = [
        FindingRecord(
            post=post,
            version=post.version,
            checkpoint=checkpoint,
            rule=f.rule,
            severity=f.severity,
            message_en=f.text("en"),
            message_hi=f.text("hi"),
        )
        for f, stopped in findings
        if f.severity != Severity.INFO and (stopped or checkpoint != "deliver")
    ]
    FindingRecord.objects.bulk_create(rows)


def _require(actor: User, election: Election, action: Action) -> None:
    if not allows(get_grants(user=actor, election=election), action):
        raise ComplianceError(_("Your role does not allow this."))


@transaction.atomic
def override_finding(
    *,
    post: Post,
    rule: str,
    justification: str,
    actor: User,
    source_address: str | None = None,
) -> Override:
    """Let one finding pass for the post's current version: only the head or the
    spokesperson, only a rule that allows it, always with a written reason."""
    _require(actor, post.election, Action.OVERRIDE_FINDING)
    if not justification.strip():
        raise ComplianceError(_("Write why this finding may pass: it goes into the dossier."))
    finding = next((f for f in findings_for(post, at=clock.now()) if f.rule == rule), None)
    if finding is None:
        raise ComplianceError(_("The post has no such finding now."))
    if not finding.overridable:
        raise ComplianceError(
            _("%(rule)s cannot be overridden: change the post instead.") % {"rule": rule}
        )
    override, _created = Override.objects.update_or_create(
        post=post,
        version=post.version,
        rule=rule,
        defaults={"justification": justification.strip(), "by": actor, "at": clock.now()},
    )
    record(
        actor=actor,
        action="compliance.overridden",
        obj=post,
        after={"rule": rule, "version": post.version, "justification": override.justification},
        source_address=source_address,
    )
    return override


# ---- MCMC pre-certification -----------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationInput:
    applicant: str
    intended_release_at: datetime
    production_cost_inr: int
    placement_cost_inr: int
    outlets: str
    candidacy: Candidacy | None = None


@transaction.atomic
def apply_for_certificate(
    *, post: Post, data: ApplicationInput, actor: User, source_address: str | None = None
) -> tuple[Application, list[Finding]]:
    """Record an application to the right MCMC (R-ADV-4) for the post as it is now; returns
    it with the timing findings (R-ADV-3: late applications may be refused)."""
    _require(actor, post.election, Action.KEEP_COMPLIANCE)
    district = data.candidacy.ac.district.name_en if data.candidacy else ""
    now = clock.now()
    subject = engine.Application(data.applicant, now, data.intended_release_at, district)
    findings = evaluate(subject, get_context(election=post.election, at=now, places=False))
    application = Application.objects.create(
        election=post.election,
        post=post,
        applicant=data.applicant,
        candidacy=data.candidacy,
        intended_release_at=data.intended_release_at,
        submitted_at=now,
        production_cost_inr=data.production_cost_inr,
        placement_cost_inr=data.placement_cost_inr,
        outlets=data.outlets,
        content_hash=post_hash(post),
        submitted_by=actor,
    )
    with language("en"):
        committee = str(application.committee)
    record(
        actor=actor,
        action="compliance.applied",
        obj=application,
        after={"post": post.pk, "committee": committee, "hash": application.content_hash},
        source_address=source_address,
    )
    return application, findings


@transaction.atomic
def record_certificate(
    *,
    application: Application,
    number: str,
    issued_at: datetime,
    actor: User,
    source_address: str | None = None,
) -> Certificate:
    """The MCMC certified the version applied for: the certificate covers that version's hash
    only, and its number goes on the post."""
    _require(actor, application.election, Action.KEEP_COMPLIANCE)
    number = number.strip()
    if not number:
        raise ComplianceError(_("Enter the certificate number."))
    if Certificate.objects.filter(election=application.election, number=number).exists():
        raise ComplianceError(_("Certificate %(number)s is already recorded.") % {"number": number})
    certificate = Certificate.objects.create(
        election=application.election,
        application=application,
        number=number,
        content_hash=application.content_hash,
        issued_at=issued_at,
    )
    Application.objects.filter(pk=application.pk).update(
        state=Application.State.CERTIFIED, decided_at=issued_at
    )
    Post.objects.filter(pk=application.post_id).update(mcmc_certificate=number)
    record(
        actor=actor,
        action="compliance.certified",
        obj=certificate,
        after={"post": application.post_id, "number": number, "hash": certificate.content_hash},
        source_address=source_address,
    )
    return certificate


# ---- expenditure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendInput:
    on: date
    vendor: str
    amount_inr: int
    category: str
    mode: str
    candidacy: Candidacy | None = None
    post: Post | None = None
    certificate: str = ""
    ad_reference: str = ""
    note: str = ""


def spend_findings(*, election: Election, data: SpendInput) -> list[Finding]:
    subject = engine.Spend(
        on=data.on,
        amount_inr=data.amount_inr,
        mode=data.mode,
        category=data.category,
        vendor=data.vendor,
        candidate=data.candidacy.name if data.candidacy else "",
        spent_before_inr=get_spent(candidacy=data.candidacy) if data.candidacy else 0,
        certificate=data.certificate,
    )
    return evaluate(subject, get_context(election=election, at=clock.now(), places=False))


@transaction.atomic
def book_spend(
    *, election: Election, data: SpendInput, actor: User, source_address: str | None = None
) -> tuple[Spend, list[Finding]]:
    """Book a spend to a candidate's ledger (or the party's). A block (a missing field, the
    ceiling reached, an ad without its certificate) refuses it; warnings come back."""
    _require(actor, election, Action.KEEP_COMPLIANCE)
    if data.candidacy is not None:  # one booking at a time per candidate: totals stay true
        Candidacy.objects.select_for_update().get(pk=data.candidacy.pk)
    findings = spend_findings(election=election, data=data)
    blocks = [f for f in findings if f.severity == Severity.BLOCK]
    if blocks:
        raise RuleBlocks(blocks)
    spend = Spend.objects.create(election=election, booked_by=actor, **data.__dict__)
    record(
        actor=actor,
        action="compliance.spend_booked",
        obj=spend,
        after={
            "candidate": data.candidacy.pk if data.candidacy else None,
            "amount": data.amount_inr,
            "category": data.category,
            "mode": data.mode,
        },
        source_address=source_address,
    )
    return spend, findings


# ---- takedown incidents -----------------------------------------------------------------------


def _leads(election: Election) -> list[User]:
    members = Membership.objects.filter(
        Q(role__in=[Role.HEAD, Role.SPOKESPERSON]), desk__election=election, is_active=True
    ).select_related("user")
    return list({m.user for m in members})


def _incident_url(incident: Takedown) -> str:
    from django.urls import reverse

    return reverse("compliance:takedowns", args=[incident.election.slug])


@transaction.atomic
def open_takedown(
    *,
    delivery: Delivery,
    source: str,
    reason: str,
    noticed_at: datetime,
    misinformation: bool,
    actor: User,
    source_address: str | None = None,
) -> Takedown:
    """A notice on a published post starts the clock (R-AI-5): the handle's owners are
    alerted at once; ``tick_takedowns`` escalates and reports a breach."""
    election = delivery.post.election
    _require(actor, election, Action.KEEP_COMPLIANCE)
    if not reason.strip():
        raise ComplianceError(_("Say what the notice says."))
    book = get_book(election=election)
    incident = Takedown.objects.create(
        election=election,
        delivery=delivery,
        source=source,
        reason=reason.strip(),
        misinformation=misinformation,
        noticed_at=noticed_at,
        due_at=noticed_at + hours(book.takedown_hours),
        alerted_at=clock.now(),
        opened_by=actor,
    )
    record(
        actor=actor,
        action="compliance.takedown_opened",
        obj=incident,
        after={"delivery": delivery.pk, "source": source, "due": incident.due_at.isoformat()},
        source_address=source_address,
    )
    _tell(incident, people_for(delivery.post), gettext_lazy("Take down by {due}: {post}"))
    if delivery.state == Delivery.State.PUBLISHED:
        transaction.on_commit(
            lambda: publishing_tasks.remove_delivery.enqueue(delivery_id=delivery.pk)
        )
    return incident


def _tell(incident: Takedown, recipients: Iterable[User], title: Any) -> None:
    from itcell.compliance.rules._text import ist

    notify(
        recipients=recipients,
        kind=Kind.TAKEDOWN,
        title=format_lazy(title, due=ist(incident.due_at), post=incident.delivery.post.title),
        body=incident.reason,
        url=_incident_url(incident),
        dedupe_key=f"takedown:{incident.pk}:{title}",
    )


def takedown_subject(incident: Takedown, *, closing: bool = False) -> engine.Takedown:
    return engine.Takedown(
        noticed_at=incident.noticed_at,
        removed_at=incident.removed_at,
        alerted_at=incident.alerted_at,
        escalated_at=incident.escalated_at,
        misinformation=incident.misinformation,
        responsible=incident.responsible,
        warned_at=incident.warned_at,
        closing=closing,
    )


@transaction.atomic
def record_removal(
    *, incident: Takedown, removed_at: datetime, how: str, actor: User | None
) -> Takedown:
    if actor is not None:
        _require(actor, incident.election, Action.KEEP_COMPLIANCE)
    incident.removed_at, incident.removed_how = removed_at, how.strip() or _("by hand")
    incident.save(update_fields=["removed_at", "removed_how", "updated_at"])
    record(
        actor=actor,
        action="compliance.taken_down",
        obj=incident,
        after={"at": removed_at.isoformat(), "how": incident.removed_how},
    )
    return incident


@transaction.atomic
def record_warning(*, incident: Takedown, responsible: str, actor: User) -> Takedown:
    """R-AI-6: who in the party was responsible, and that they were warned, now."""
    _require(actor, incident.election, Action.KEEP_COMPLIANCE)
    if not responsible.strip():
        raise ComplianceError(_("Name the person responsible."))
    incident.responsible, incident.warned_at = responsible.strip(), clock.now()
    incident.save(update_fields=["responsible", "warned_at", "updated_at"])
    record(actor=actor, action="compliance.warned", obj=incident, after={"who": responsible})
    return incident


@transaction.atomic
def close_takedown(*, incident: Takedown, actor: User) -> Takedown:
    _require(actor, incident.election, Action.KEEP_COMPLIANCE)
    if incident.removed_at is None:
        raise ComplianceError(_("Record that the post was taken down first."))
    ctx = get_context(election=incident.election, at=clock.now(), places=False)
    blocks = [
        f
        for f in evaluate(takedown_subject(incident, closing=True), ctx)
        if f.rule == "R-AI-6" and f.severity == Severity.BLOCK
    ]
    if blocks:
        raise RuleBlocks(blocks)
    incident.closed_at = clock.now()
    incident.save(update_fields=["closed_at", "updated_at"])
    record(actor=actor, action="compliance.takedown_closed", obj=incident)
    return incident


def _raise(incident: Takedown, field: str, title: Any, action: str, now: datetime) -> None:
    """Tell the head and the spokesperson, once: ``field`` records that they were told."""
    Takedown.objects.filter(pk=incident.pk).update(**{field: now})
    setattr(incident, field, now)
    _tell(incident, _leads(incident.election), title)
    record(actor=None, action=action, obj=incident)


def tick_takedowns(*, now: datetime | None = None) -> int:
    """The clock of every open incident: note removals done through the connector, escalate
    at +2 h, report a breach once late. Returns how many incidents changed."""
    now = now or clock.now()
    changed = 0
    open_incidents = Takedown.objects.filter(closed_at=None).select_related(
        "delivery", "delivery__post", "election"
    )
    for incident in open_incidents:
        delivery = incident.delivery
        if incident.removed_at is None and delivery.state == Delivery.State.WITHDRAWN:
            record_removal(
                incident=incident,
                removed_at=delivery.finished_at or now,
                how=_("deleted through the platform's API"),
                actor=None,
            )
            changed += 1
        book = get_book(election=incident.election)
        late = (incident.removed_at or now) > incident.due_at
        if (
            incident.removed_at is None
            and incident.escalated_at is None
            and now >= incident.noticed_at + hours(book.escalate_after_hours)
        ):
            title = gettext_lazy("Escalated: take down by {due}: {post}")
            _raise(incident, "escalated_at", title, "compliance.takedown_escalated", now)
            changed += 1
        if late and incident.breach_reported_at is None:
            title = gettext_lazy("Breach: not taken down by {due}: {post}")
            _raise(incident, "breach_reported_at", title, "compliance.takedown_breach", now)
            changed += 1
    return changed


# ---- AI register ------------------------------------------------------------------------------


def file_hash(medium: MediaAsset) -> str:
    """The SHA-256 of a medium's file, as the AI register keeps it."""
    digest = hashlib.sha256()
    with medium.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def register_synthetic(
    *, medium: MediaAsset, actor: User, source_address: str | None = None, **details: Any
) -> SyntheticMedium:
    """Record how an AI-made medium was made and labelled (R-AI-7), with its file's hash."""
    _require(actor, medium.election, Action.KEEP_COMPLIANCE)
    entry, _created = SyntheticMedium.objects.update_or_create(
        medium=medium,
        defaults={**details, "file_hash": file_hash(medium), "registered_by": actor},
    )
    MediaAsset.objects.filter(pk=medium.pk, ai_made=False).update(ai_made=True)
    record(
        actor=actor,
        action="compliance.ai_registered",
        obj=entry,
        after={"medium": medium.pk, "hash": entry.file_hash, "tool": entry.tool},
        source_address=source_address,
    )
    return entry


# ---- silence windows --------------------------------------------------------------------------


def hold_silenced(*, now: datetime | None = None) -> int:
    """Hold, and tell their desks, the waiting deliveries that reach a constituency whose
    silence window is open, as soon as it opens (not only when each falls due)."""
    now = now or clock.now()
    held = 0
    for election in Election.objects.filter(mcc_from__lte=now, mcc_until__gt=now):
        calendar = get_calendar(election=election)
        silent = calendar.silent_acs(now)
        if not silent:
            continue
        _record_silence_opened(election, calendar, silent)
        ends = max(calendar.silence_window(ac).end for ac in silent)
        waiting = (
            Delivery.objects.filter(
                state__in=WAITING,
                post__election=election,
                post__state__in=DELIVERABLE,
                post__acs__number__in=silent,
                due_at__lt=ends,
            )
            .exclude(reason=Reason.HELD)
            .values_list("pk", flat=True)
            .distinct()
        )
        held += sum(recheck(delivery_id=pk) for pk in waiting)
    return held


def _record_silence_opened(election: Election, calendar: Calendar, silent: frozenset[int]) -> None:
    """Record once, when the first of its constituencies falls silent, that a phase's
    silence window opened (other systems hear of it through webhooks)."""
    numbers = {calendar.phase_of[ac] for ac in silent if ac in calendar.phase_of}
    phases = list(election.phases.filter(number__in=numbers))
    seen = set(
        AuditEvent.objects.filter(
            action="compliance.silence_opened",
            object_type=Phase._meta.label_lower,
            object_id__in=[str(p.pk) for p in phases],
        ).values_list("object_id", flat=True)
    )
    for phase in phases:
        if str(phase.pk) in seen:
            continue
        window = calendar.phase_silence(phase.number)
        record(
            actor=None,
            action="compliance.silence_opened",
            obj=phase,
            after={
                "phase": phase.number,
                "starts": window.start.isoformat(),
                "ends": window.end.isoformat(),
                "acs": len(calendar.acs_in_phase(phase.number)),
            },
        )
