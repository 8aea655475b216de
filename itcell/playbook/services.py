"""Every write to the playbook: talking-point revisions and their review, themes, guidance,
post templates and the messaging calendar. Each is one transaction with its audit event;
input is checked first and refused as a whole (``InvalidInput``, each problem naming its
field), so nothing is ever half-saved.

Who may call what is the views' question (``Action.DRAFT`` proposes, ``Action.EDIT_PLAYBOOK``
reviews and edits); the four-eyes rule and the stale check are the services' own.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import InvalidInput, Problem
from itcell.core.templatetags.itcell import day as format_day
from itcell.elections.models import Election, Phase
from itcell.playbook import templating
from itcell.playbook.errors import NotWaiting, SelfReview, StaleRevision
from itcell.playbook.models import (
    CalendarDay,
    Guidance,
    PostTemplate,
    Revision,
    TalkingPoint,
    Theme,
)

R = Revision.State
_url = URLValidator(schemes=["http", "https"])


# Inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    fact_en: str = ""
    fact_hi: str = ""
    source: str = ""


@dataclass(frozen=True)
class PointInput:
    """A talking point's text as proposed."""

    title_en: str
    title_hi: str = ""
    summary_en: str = ""
    summary_hi: str = ""
    theme_id: int | None = None
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class ThemeInput:
    title_en: str
    title_hi: str = ""
    summary_en: str = ""
    summary_hi: str = ""
    order: int = 0


@dataclass(frozen=True)
class GuidanceInput:
    kind: str
    text_en: str = ""
    text_hi: str = ""
    reason_en: str = ""
    reason_hi: str = ""
    applies: str = Guidance.Applies.ALWAYS


@dataclass(frozen=True)
class TemplateInput:
    name: str
    text_hi: str = ""
    text_en: str = ""
    talking_point_id: int | None = None
    is_active: bool = True


@dataclass(frozen=True)
class DayInput:
    date: date
    theme_id: int
    phase_id: int | None = None
    note_en: str = ""
    note_hi: str = ""


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise InvalidInput(problems)


def _theme_of(election: Election, theme_id: int | None, problems: list[Problem]) -> Theme | None:
    if theme_id is None:
        return None
    theme = Theme.objects.filter(election=election, pk=theme_id).first()
    if theme is None:
        problems.append(Problem(_("Choose one of this election's themes."), field="theme"))
    return theme


# Talking points: proposed, reviewed, versioned -------------------------------------------------

POINT_FIELDS = ("title_en", "title_hi", "summary_en", "summary_hi", "facts", "theme_id")


def point_fields(thing: TalkingPoint | Revision) -> dict[str, Any]:
    """The fields a revision proposes and approval copies onto the point."""
    return {field: getattr(thing, field) for field in POINT_FIELDS}


def _facts(facts: tuple[Fact, ...], problems: list[Problem]) -> list[dict[str, str]]:
    kept = []
    for n, fact in enumerate(facts, start=1):
        fact_en, fact_hi, source = fact.fact_en.strip(), fact.fact_hi.strip(), fact.source.strip()
        if not (fact_en or fact_hi or source):
            continue  # an empty row of the form
        if not (fact_en or fact_hi):
            problems.append(
                Problem(_("Fact %(n)d has a source but no fact.") % {"n": n}, field="facts", row=n)
            )
        try:
            _url(source)
        except ValidationError:
            problems.append(
                Problem(
                    _("Fact %(n)d needs the link to its source (http:// or https://).") % {"n": n},
                    field="facts",
                    row=n,
                )
            )
        kept.append({"fact_en": fact_en, "fact_hi": fact_hi, "source": source})
    return kept


@transaction.atomic
def propose_revision(
    *,
    election: Election,
    author: User,
    data: PointInput,
    point: TalkingPoint | None = None,
    based_on: int | None = None,
    note: str = "",
) -> Revision:
    """Propose a new talking point (``point`` None) or a change to one, written against its
    version ``based_on`` (its current version when not given)."""
    problems: list[Problem] = []
    if point is not None and point.election_id != election.pk:
        raise ValueError("the talking point is not of this election")
    if not data.title_en.strip():
        problems.append(Problem(_("Give the point a title in English."), field="title_en"))
    theme = _theme_of(election, data.theme_id, problems)
    facts = _facts(data.facts, problems)
    fields = {
        "title_en": data.title_en.strip(),
        "title_hi": data.title_hi.strip(),
        "summary_en": data.summary_en.strip(),
        "summary_hi": data.summary_hi.strip(),
        "facts": facts,
        "theme_id": theme.pk if theme else None,
    }
    if point is not None and not problems and fields == point_fields(point):
        problems.append(Problem(_("Nothing is changed from the current version.")))
    _refuse(problems)
    base = point.version if point is not None else 0
    if point is not None and based_on is not None and based_on != point.version:
        raise StaleRevision(_stale_message(point))
    revision = Revision.objects.create(
        election=election,
        talking_point=point,
        note=note.strip(),
        based_on=base,
        author=author,
        **fields,
    )
    record(
        actor=author,
        action="playbook.revision.proposed",
        obj=revision,
        after={**fields, "talking_point": point.pk if point else None, "based_on": base},
    )
    return revision


def _stale_message(point: TalkingPoint) -> str:
    return _(
        "“%(title)s” changed since (it is at version %(version)d now): propose again on the "
        "new version."
    ) % {"title": point.title_en, "version": point.version}


def _locked_waiting(revision: Revision) -> Revision:
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.state != R.PROPOSED:
        raise NotWaiting(
            _("This revision is no longer waiting for review (%(state)s).")
            % {"state": revision.get_state_display()}
        )
    return revision


def _not_own(revision: Revision, reviewer: User) -> None:
    if revision.author_id == reviewer.pk:
        raise SelfReview(
            _("You proposed this revision: someone else with the playbook's review must decide it.")
        )


def _keep_current_version(point: TalkingPoint, actor: User) -> None:
    """A point made before its versions were reviewed here (the admin, an import) has no
    revision for its current text: keep one, so that version stays readable."""
    if not Revision.objects.filter(talking_point=point, version=point.version).exists():
        Revision.objects.create(
            election_id=point.election_id,
            talking_point=point,
            state=R.APPROVED,
            version=point.version,
            based_on=point.version - 1,
            author=actor,
            reviewer=actor,
            reviewed_at=clock.now(),
            note=_("The text as it stood before its next version was approved."),
            **point_fields(point),
        )


@transaction.atomic
def approve_revision(*, revision: Revision, reviewer: User, comment: str = "") -> TalkingPoint:
    """Make the revision the point's next version (or create the point)."""
    revision = _locked_waiting(revision)
    _not_own(revision, reviewer)
    fields = point_fields(revision)
    before: dict[str, Any] | None = None
    if revision.talking_point_id is None:
        point = TalkingPoint.objects.create(election_id=revision.election_id, version=1, **fields)
        revision.talking_point = point
    else:
        point = TalkingPoint.objects.select_for_update().get(pk=revision.talking_point_id)
        if revision.based_on != point.version:
            raise StaleRevision(_stale_message(point))
        _keep_current_version(point, reviewer)
        before = {**point_fields(point), "version": point.version}
        for field, value in fields.items():
            setattr(point, field, value)
        point.version += 1
        point.save()
    revision.state, revision.version = R.APPROVED, point.version
    revision.reviewer, revision.reviewed_at, revision.comment = reviewer, clock.now(), comment
    revision.save()
    record(
        actor=reviewer,
        action="playbook.revision.approved",
        obj=revision,
        before=before,
        after={**fields, "talking_point": point.pk, "version": point.version, "comment": comment},
    )
    return point


@transaction.atomic
def reject_revision(*, revision: Revision, reviewer: User, comment: str) -> Revision:
    """Send a revision back, saying why."""
    revision = _locked_waiting(revision)
    _not_own(revision, reviewer)
    if not comment.strip():
        raise InvalidInput(
            [Problem(_("Say why it goes back, so its author can propose again."), field="comment")]
        )
    revision.state, revision.reviewer = R.REJECTED, reviewer
    revision.reviewed_at, revision.comment = clock.now(), comment.strip()
    revision.save()
    record(
        actor=reviewer,
        action="playbook.revision.rejected",
        obj=revision,
        after={"comment": revision.comment},
    )
    return revision


@transaction.atomic
def withdraw_revision(*, revision: Revision, author: User) -> Revision:
    revision = _locked_waiting(revision)
    if revision.author_id != author.pk:
        raise NotWaiting(_("Only its author withdraws a revision."))
    revision.state = R.WITHDRAWN
    revision.save(update_fields=["state", "updated_at"])
    record(actor=author, action="playbook.revision.withdrawn", obj=revision)
    return revision


def _save[M: Theme | Guidance | PostTemplate](
    model: type[M],
    instance: M | None,
    *,
    election: Election,
    fields: dict[str, Any],
    actor: User,
    noun: str,
) -> M:
    """Create ``model`` with ``fields`` (``instance`` None) or change ``instance``, audited as
    ``playbook.<noun>.created`` or ``.changed`` with what it was before."""
    before = None
    if instance is None:
        instance = model(election=election)
    else:
        before = {field: getattr(instance, field) for field in fields}
    for field, value in fields.items():
        setattr(instance, field, value)
    instance.save()
    action = "changed" if before else "created"
    record(
        actor=actor, action=f"playbook.{noun}.{action}", obj=instance, before=before, after=fields
    )
    return instance


# Themes ---------------------------------------------------------------------------------------


@transaction.atomic
def save_theme(
    *, election: Election, data: ThemeInput, actor: User, theme: Theme | None = None
) -> Theme:
    """Create a theme (``theme`` None) or change one."""
    if not data.title_en.strip():
        raise InvalidInput([Problem(_("Give the theme a title in English."), field="title_en")])
    fields = {
        "title_en": data.title_en.strip(),
        "title_hi": data.title_hi.strip(),
        "summary_en": data.summary_en.strip(),
        "summary_hi": data.summary_hi.strip(),
        "order": data.order,
    }
    return _save(Theme, theme, election=election, fields=fields, actor=actor, noun="theme")


@transaction.atomic
def delete_theme(*, theme: Theme, actor: User) -> None:
    days = theme.days.count()
    if days:
        raise InvalidInput(
            [
                Problem(
                    _("It is the theme of %(n)d calendar days: give those days another first.")
                    % {"n": days}
                )
            ]
        )
    record(
        actor=actor, action="playbook.theme.deleted", obj=theme, before={"title": theme.title_en}
    )
    theme.delete()


# Guidance -------------------------------------------------------------------------------------


def _hashtag(text: str, field: str, problems: list[Problem]) -> str:
    tag = text.strip()
    if not tag:
        return ""
    tag = "#" + tag.lstrip("#")
    if len(tag) < 2 or any(ch.isspace() for ch in tag) or "#" in tag[1:]:
        problems.append(
            Problem(
                _("A hashtag is one word after #, without spaces: “%(tag)s” is not.")
                % {"tag": text.strip()},
                field=field,
            )
        )
    return tag


@transaction.atomic
def save_guidance(
    *, election: Election, data: GuidanceInput, actor: User, guidance: Guidance | None = None
) -> Guidance:
    """Create a line of guidance (``guidance`` None) or change one."""
    problems: list[Problem] = []
    if data.kind not in Guidance.Kind.values:
        problems.append(Problem(_("Choose what kind of guidance this is."), field="kind"))
    if data.applies not in Guidance.Applies.values:
        problems.append(Problem(_("Choose which posts it applies to."), field="applies"))
    elif data.applies == Guidance.Applies.PAID and data.kind != Guidance.Kind.DISCLAIMER:
        problems.append(
            Problem(_("Only a disclaimer can be required on paid promotion only."), field="applies")
        )
    text_en, text_hi = data.text_en.strip(), data.text_hi.strip()
    if data.kind == Guidance.Kind.HASHTAG:
        text_en = _hashtag(text_en, "text_en", problems)
        text_hi = _hashtag(text_hi, "text_hi", problems)
    if not (text_en or text_hi):
        problems.append(Problem(_("Write it in English or in Hindi."), field="text_en"))
    _refuse(problems)
    fields = {
        "kind": data.kind,
        "text_en": text_en,
        "text_hi": text_hi,
        "reason_en": data.reason_en.strip(),
        "reason_hi": data.reason_hi.strip(),
        "applies": data.applies,
    }
    return _save(Guidance, guidance, election=election, fields=fields, actor=actor, noun="guidance")


@transaction.atomic
def delete_guidance(*, guidance: Guidance, actor: User) -> None:
    record(
        actor=actor,
        action="playbook.guidance.deleted",
        obj=guidance,
        before={"kind": guidance.kind, "text_en": guidance.text_en, "text_hi": guidance.text_hi},
    )
    guidance.delete()


# Post templates -------------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *,
    election: Election,
    data: TemplateInput,
    actor: User,
    template: PostTemplate | None = None,
) -> PostTemplate:
    """Create a post template (``template`` None) or change one. Both texts are checked:
    a variable that does not exist is named, and nothing is saved."""
    problems: list[Problem] = []
    name = data.name.strip()
    if not name:
        problems.append(Problem(_("Give the template a name."), field="name"))
    else:
        same = PostTemplate.objects.filter(election=election, name=name)
        if template is not None:
            same = same.exclude(pk=template.pk)
        if same.exists():
            problems.append(
                Problem(_("Another template is called “%(name)s”.") % {"name": name}, field="name")
            )
    if not (data.text_hi.strip() or data.text_en.strip()):
        problems.append(Problem(_("Write the template in Hindi or in English."), field="text_hi"))
    problems += templating.check(data.text_hi, field="text_hi")
    problems += templating.check(data.text_en, field="text_en")
    if (
        data.talking_point_id is not None
        and not TalkingPoint.objects.filter(election=election, pk=data.talking_point_id).exists()
    ):
        problems.append(
            Problem(_("Choose one of this election's talking points."), field="talking_point")
        )
    _refuse(problems)
    fields = {
        "name": name,
        "text_hi": data.text_hi.strip(),
        "text_en": data.text_en.strip(),
        "talking_point_id": data.talking_point_id,
        "is_active": data.is_active,
    }
    return _save(
        PostTemplate, template, election=election, fields=fields, actor=actor, noun="template"
    )


@transaction.atomic
def delete_template(*, template: PostTemplate, actor: User) -> None:
    record(
        actor=actor,
        action="playbook.template.deleted",
        obj=template,
        before={"name": template.name},
    )
    template.delete()


# The messaging calendar -----------------------------------------------------------------------


def last_campaign_day(election: Election) -> date:
    """The last day a calendar can hold: the Model Code of Conduct's last day in IST."""
    return (timezone.localtime(election.mcc_until, IST) - timedelta(microseconds=1)).date()


@transaction.atomic
def save_calendar_day(
    *, election: Election, data: DayInput, actor: User, day: CalendarDay | None = None
) -> CalendarDay:
    """Set the theme of a day, for the whole election or for one phase's constituencies.
    The day falls before the end of the Model Code of Conduct and, for a phase, on or before
    its poll."""
    problems: list[Problem] = []
    theme = _theme_of(election, data.theme_id, problems)
    phase = None
    if data.phase_id is not None:
        phase = Phase.objects.filter(election=election, pk=data.phase_id).first()
        if phase is None:
            problems.append(Problem(_("Choose one of this election's phases."), field="phase"))
    last = last_campaign_day(election)
    if data.date > last:
        problems.append(
            Problem(
                _(
                    "The campaign ends with the Model Code of Conduct on %(last)s: choose a day "
                    "up to then."
                )
                % {"last": format_day(last)},
                field="date",
            )
        )
    elif phase is not None and data.date > phase.poll_date:
        problems.append(
            Problem(
                _("Phase %(n)d polls on %(poll)s: its constituencies' days end there.")
                % {"n": phase.number, "poll": format_day(phase.poll_date)},
                field="date",
            )
        )
    if not problems:
        taken = CalendarDay.objects.filter(election=election, date=data.date, phase=phase)
        if day is not None:
            taken = taken.exclude(pk=day.pk)
        if taken.exists():
            problems.append(
                Problem(
                    _("That day already has a theme for %(whom)s: change that day instead.")
                    % {
                        "whom": _("phase %(n)d") % {"n": phase.number}
                        if phase
                        else _("every phase")
                    },
                    field="date",
                )
            )
    _refuse(problems)
    fields = {
        "date": data.date,
        "phase": phase,
        "theme": theme,
        "note_en": data.note_en.strip(),
        "note_hi": data.note_hi.strip(),
    }
    before = None
    if day is None:
        day = CalendarDay.objects.create(election=election, **fields)
    else:
        before = _day_record(day)
        for field, value in fields.items():
            setattr(day, field, value)
        day.save()
    record(
        actor=actor,
        action="playbook.day.changed" if before else "playbook.day.set",
        obj=day,
        before=before,
        after=_day_record(day),
    )
    return day


def _day_record(day: CalendarDay) -> dict[str, Any]:
    return {
        "date": day.date,
        "phase": day.phase.number if day.phase else None,
        "theme": day.theme_id,
        "note_en": day.note_en,
        "note_hi": day.note_hi,
    }


@transaction.atomic
def delete_calendar_day(*, day: CalendarDay, actor: User) -> None:
    record(actor=actor, action="playbook.day.deleted", obj=day, before=_day_record(day))
    day.delete()
