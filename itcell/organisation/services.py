"""Every write to the organisation: desks, roles, invitations, the roster, handovers."""

import csv
import hashlib
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itcell.accounts.models import User
from itcell.audit.services import record
from itcell.core import clock
from itcell.core.clock import IST
from itcell.core.errors import Problem
from itcell.elections.models import AssemblyConstituency, Election
from itcell.notifications.services import notify
from itcell.organisation import coverage
from itcell.organisation.errors import InvitationError, RosterError
from itcell.organisation.models import Desk, Handover, Invitation, Membership, Shift, ShiftTemplate
from itcell.organisation.roles import Role

INVITATION_LIFETIME = timedelta(days=3)
AC_POSITIONS = 10_000  # constituency desks list after HQ (0) and the districts (1, 2, …)
CHECK_IN_EARLY = timedelta(minutes=30)  # how early before a shift its member may check in


@dataclass(frozen=True)
class DeskCounts:
    created: int
    existing: int


@transaction.atomic
def create_desks(*, election: Election, actor: User | None = None) -> DeskCounts:
    """HQ (the whole state), one desk per district and one per constituency, each covering its
    area. Idempotent: desks that exist (by kind and place) are left as they are."""
    acs = list(AssemblyConstituency.objects.filter(state=election.state).select_related("district"))
    existing = Desk.objects.filter(election=election)
    have_hq = existing.filter(kind=Desk.Kind.HQ).exists()
    have_districts = set(
        existing.filter(kind=Desk.Kind.DISTRICT).values_list("district_id", flat=True)
    )
    have_acs = set(existing.filter(kind=Desk.Kind.AC).values_list("acs__id", flat=True))
    created = 0
    if not have_hq:
        hq = Desk.objects.create(
            election=election, kind=Desk.Kind.HQ, name_en="HQ", name_hi="मुख्यालय"
        )
        hq.acs.set(acs)
        created += 1
    districts = {ac.district_id: ac.district for ac in acs}
    ordered = sorted(districts.items(), key=lambda kv: kv[1].name_en)
    for position, (district_id, district) in enumerate(ordered, start=1):
        if district_id in have_districts:
            continue
        desk = Desk.objects.create(
            election=election,
            kind=Desk.Kind.DISTRICT,
            position=position,
            district=district,
            name_en=district.name_en,
            name_hi=district.name_hi,
        )
        desk.acs.set([ac for ac in acs if ac.district_id == district_id])
        created += 1
    for ac in acs:
        if ac.pk in have_acs:
            continue
        desk = Desk.objects.create(
            election=election,
            kind=Desk.Kind.AC,
            position=AC_POSITIONS + ac.number,
            district=ac.district,
            name_en=f"{ac.number} {ac.name_en}",
            name_hi=f"{ac.number} {ac.name_hi}" if ac.name_hi else "",
        )
        desk.acs.set([ac])
        created += 1
    total = Desk.objects.filter(election=election).count()
    if created:
        record(
            actor=actor,
            action="desks.created",
            obj=election,
            after={"created": created, "total": total},
        )
    return DeskCounts(created=created, existing=total - created)


@transaction.atomic
def rename_desk(*, desk: Desk, name_en: str, name_hi: str = "", actor: User) -> Desk:
    before = {"name_en": desk.name_en, "name_hi": desk.name_hi}
    desk.name_en, desk.name_hi = name_en.strip(), name_hi.strip()
    if not desk.name_en:
        raise RosterError([Problem(_("A desk needs a name."), field="name_en")])
    desk.save(update_fields=["name_en", "name_hi"])
    record(
        actor=actor,
        action="desk.renamed",
        obj=desk,
        before=before,
        after={"name_en": desk.name_en, "name_hi": desk.name_hi},
    )
    return desk


@transaction.atomic
def merge_desks(*, into: Desk, desks: Iterable[Desk], actor: User) -> Desk:
    """One team covers several areas: ``into`` takes over the others' constituencies and
    members; the others stay, inactive, pointing at ``into``, so their history is kept."""
    merged = [d for d in desks if d.pk != into.pk]
    for desk in merged:
        if desk.election_id != into.election_id or desk.kind == Desk.Kind.HQ:
            raise RosterError(
                [Problem(_("Only desks of the same election, other than HQ, can be merged."))]
            )
        into.acs.add(*desk.acs.all())
        for membership in desk.memberships.filter(is_active=True):
            # A role once revoked at ``into`` comes back: the person is still on the merged team.
            Membership.objects.update_or_create(
                user_id=membership.user_id,
                desk=into,
                role=membership.role,
                defaults={"is_active": True},
            )
        desk.is_active = False
        desk.merged_into = into
        desk.save(update_fields=["is_active", "merged_into"])
    record(actor=actor, action="desks.merged", obj=into, after={"merged": [d.pk for d in merged]})
    return into


@transaction.atomic
def set_desk_active(*, desk: Desk, active: bool, actor: User) -> Desk:
    if desk.kind == Desk.Kind.HQ and not active:
        raise RosterError(
            [Problem(_("HQ cannot be deactivated: it answers when no other desk does."))]
        )
    before = {"is_active": desk.is_active}
    desk.is_active = active
    desk.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="desk.activated" if active else "desk.deactivated",
        obj=desk,
        before=before,
        after={"is_active": active},
    )
    return desk


@transaction.atomic
def grant_role(*, user: User, desk: Desk, role: Role, actor: User | None) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, desk=desk, role=role)
    if not created and membership.is_active:
        return membership
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="membership.granted",
        obj=membership,
        after={"user": user.get_username(), "desk": desk.pk, "role": str(role)},
    )
    return membership


@transaction.atomic
def revoke_role(*, membership: Membership, actor: User) -> None:
    if not membership.is_active:
        return
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="membership.revoked",
        obj=membership,
        before={"is_active": True},
        after={"is_active": False},
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite(
    *, desk: Desk, role: Role, display_name: str, phone: str = "", actor: User
) -> tuple[Invitation, str]:
    """An invitation and its token (shown once, in the link; only its hash is stored)."""
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        token_hash=_token_hash(token),
        desk=desk,
        role=role,
        display_name=display_name.strip(),
        phone=phone.strip(),
        expires_at=clock.now() + INVITATION_LIFETIME,
        created_by=actor,
    )
    record(
        actor=actor,
        action="invitation.created",
        obj=invitation,
        after={"desk": desk.pk, "role": str(role), "expires_at": invitation.expires_at},
    )
    return invitation, token


def find_invitation(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("desk").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Ask the cell head for a new one.")
        )
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used. Log in instead."))
    if invitation.expires_at <= clock.now():
        raise InvitationError(_("This invitation has expired. Ask the cell head for a new one."))
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, username: str, password: str) -> User:
    invitation = find_invitation(token=token)
    # Re-read under the lock: two people sending the same link at once must not both join.
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk)
    if locked.values_list("accepted_at", flat=True).first() is not None:
        raise InvitationError(_("This invitation has already been used. Log in instead."))
    problems = []
    if User.objects.filter(username__iexact=username).exists():
        problems.append(Problem(_("This username is taken."), field="username"))
    try:
        validate_password(password)
    except ValidationError as error:
        problems += [Problem(str(m), field="password") for m in error.messages]
    if problems:
        raise RosterError(problems)
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=invitation.display_name,
        phone=invitation.phone,
    )
    invitation.accepted_by, invitation.accepted_at = user, clock.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    Membership.objects.create(user=user, desk=invitation.desk, role=invitation.role)
    record(
        actor=user,
        action="invitation.accepted",
        obj=invitation,
        after={"user": username, "desk": invitation.desk_id, "role": invitation.role},
    )
    return user


PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,18}[0-9]$")


def canonical_phone(phone: str) -> str:
    """One spelling per number, so a person is found however the sheet writes it: an Indian
    mobile as +91 and ten digits ("98000 00001", "919800000001" and "+91 98000-00001" agree)."""
    digits = re.sub(r"[^0-9]", "", phone)
    if len(digits) == 10:
        return "+91" + digits
    if len(digits) == 12 and digits.startswith("91"):
        return "+" + digits
    return ("+" if phone.strip().startswith("+") else "") + digits


IMPORT_COLUMNS = ["name", "phone", "desk", "role"]


@dataclass(frozen=True)
class ImportedMember:
    user: User
    membership: Membership
    created_user: bool


@transaction.atomic
def import_members(
    *, election: Election, csv_text: str, actor: User, source: str = "members.csv"
) -> list[ImportedMember]:
    """Members from CSV (name, phone, desk, role). A person is found by phone, or created with
    an unusable password (they set one through an invitation or a reset). Every bad row is
    reported with its line number; when any row is bad, nothing is imported."""
    # newline="": a file whose lines end in a bare CR (old spreadsheets) splits too.
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"), newline=""))
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise RosterError([Problem(str(error), source, reader.line_num + 1)]) from error
    missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RosterError([Problem(_("missing column(s): %s") % ", ".join(missing), source, 1)])
    desks = {
        d.name_en.casefold(): d for d in Desk.objects.filter(election=election, is_active=True)
    }
    roles = {r.value: r for r in Role} | {r.label.casefold(): r for r in Role}
    longest_name = User._meta.get_field("display_name").max_length or 0
    longest_phone = User._meta.get_field("phone").max_length or 0
    problems, rows = [], []
    for line, row in records:
        # ``line`` is the reader's own count: it skips blank lines, which enumerate() would not.
        if None in row or any(v is None for v in row.values()):
            problems.append(Problem(_("wrong number of fields"), source, line))
            continue
        if not all(_storable(v) for v in row.values()):
            problems.append(
                Problem(_("holds a NUL or a broken character: remove it"), source, line)
            )
            continue
        name, phone = row["name"].strip(), row["phone"].strip()
        if len(name) > longest_name:
            problems.append(
                Problem(_("is longer than %d characters") % longest_name, source, line, "name")
            )
            continue
        desk = desks.get(row["desk"].strip().casefold())
        role = roles.get(row["role"].strip().casefold())
        if not name:
            problems.append(Problem(_("is empty"), source, line, "name"))
        # 20 digits pass the pattern but not the column: "+" and 20 digits are 21 characters.
        phone_ok = bool(PHONE.match(phone)) and len(canonical_phone(phone)) <= longest_phone
        if not phone_ok:
            problems.append(Problem(_("%r is not a phone number") % phone, source, line, "phone"))
        if desk is None:
            problems.append(
                Problem(_("no active desk is called %r") % row["desk"], source, line, "desk")
            )
        if role is None:
            problems.append(Problem(_("%r is not a role") % row["role"], source, line, "role"))
        if name and phone_ok and desk and role:
            rows.append((name, canonical_phone(phone), desk, role))
    if not rows and not problems:
        problems.append(Problem(_("no rows"), source))
    if problems:
        raise RosterError(problems)
    imported = []
    for name, phone, desk, role in rows:
        user = User.objects.filter(phone=phone).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(
                username=f"m{phone.lstrip('+')}", display_name=name, phone=phone
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        membership = grant_role(user=user, desk=desk, role=role, actor=actor)
        imported.append(ImportedMember(user, membership, created))
    record(
        actor=actor,
        action="members.imported",
        obj=election,
        after={"rows": len(rows), "new_people": sum(i.created_user for i in imported)},
    )
    return imported


def _storable(text: str) -> bool:
    """Whether a database stores ``text``: PostgreSQL no NUL, none a lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _check_shift(*, desk: Desk, user: User, starts_at: datetime, ends_at: datetime) -> None:
    problems = []
    if ends_at <= starts_at:
        problems.append(Problem(_("A shift must end after it starts."), field="ends_at"))
    if not desk.is_active:
        problems.append(
            Problem(
                _("%(desk)s is closed: roster people at an active desk.") % {"desk": desk},
                field="desk",
            )
        )
    if ends_at - starts_at > timedelta(hours=16):
        problems.append(Problem(_("A shift cannot be longer than 16 hours."), field="ends_at"))
    if not Membership.objects.filter(user=user, is_active=True, desk=desk).exists():
        problems.append(
            Problem(
                _("%(person)s has no role at %(desk)s: give them one before rostering them there.")
                % {"person": user, "desk": desk},
                field="user",
            )
        )
    if not problems:
        clash = (
            Shift.objects.filter(user=user, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .select_related("desk")
            .first()
        )
        if clash is not None:
            problems.append(
                Problem(
                    _("%(person)s is already on duty at %(desk)s from %(start)s to %(end)s.")
                    % {
                        "person": user,
                        "desk": clash.desk,
                        "start": date_format(clash.starts_at.astimezone(IST), "j M H:i"),
                        "end": date_format(clash.ends_at.astimezone(IST), "j M H:i"),
                    },
                    field="starts_at",
                )
            )
    if problems:
        raise RosterError(problems)


@transaction.atomic
def assign_shift(
    *, desk: Desk, user: User, starts_at: datetime, ends_at: datetime, actor: User | None
) -> Shift:
    # Lock the person's row so two leads rostering them at once cannot both pass the check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _check_shift(desk=desk, user=user, starts_at=starts_at, ends_at=ends_at)
    shift = Shift.objects.create(desk=desk, user=user, starts_at=starts_at, ends_at=ends_at)
    record(
        actor=actor,
        action="shift.assigned",
        obj=shift,
        after={
            "desk": desk.pk,
            "user": user.get_username(),
            "starts_at": starts_at,
            "ends_at": ends_at,
        },
    )
    return shift


@transaction.atomic
def remove_shift(*, shift: Shift, actor: User) -> None:
    record(
        actor=actor,
        action="shift.removed",
        obj=shift,
        before={
            "desk": shift.desk_id,
            "user": shift.user_id,
            "starts_at": shift.starts_at,
            "ends_at": shift.ends_at,
        },
    )
    shift.delete()


def template_slots(template: ShiftTemplate, day: date) -> list[coverage.Interval]:
    start = datetime.combine(day, template.first_start, tzinfo=IST)
    length = timedelta(hours=template.shift_hours)
    return [
        coverage.Interval(start + n * length, start + (n + 1) * length)
        for n in range(template.shifts_per_day)
    ]


@transaction.atomic
def apply_template(
    *,
    desk: Desk,
    template: ShiftTemplate,
    people: list[User],
    first_day: date,
    days: int,
    actor: User | None,
) -> list[Shift]:
    """Fill ``days`` days of ``desk`` with the template's shifts, rotating ``people`` through
    the slots. All or nothing: one clash refuses the whole run, naming it."""
    if not people:
        raise RosterError([Problem(_("Choose at least one person."), field="people")])
    slots = [s for n in range(days) for s in template_slots(template, first_day + timedelta(n))]
    shifts, problems = [], []
    for index, slot in enumerate(slots):
        person = people[index % len(people)]
        try:
            shifts.append(
                assign_shift(
                    desk=desk, user=person, starts_at=slot.start, ends_at=slot.end, actor=actor
                )
            )
        except RosterError as error:
            problems += error.problems
    if problems:
        raise RosterError(problems)
    return shifts


@transaction.atomic
def check_in(*, shift: Shift, user: User) -> Shift:
    if shift.user_id != user.pk:
        raise RosterError([Problem(_("You can check in to your own shifts only."))])
    now = clock.now()
    if not shift.starts_at - CHECK_IN_EARLY <= now < shift.ends_at:
        raise RosterError([Problem(_("Check in from 30 minutes before your shift until it ends."))])
    if shift.checked_in_at is None:
        shift.checked_in_at = now
        shift.save(update_fields=["checked_in_at"])
        record(actor=user, action="shift.checked_in", obj=shift, after={"at": now})
    return shift


@transaction.atomic
def check_out(*, shift: Shift, user: User) -> Shift:
    if shift.user_id != user.pk:
        raise RosterError([Problem(_("You can check out of your own shifts only."))])
    if shift.checked_in_at is None:
        raise RosterError([Problem(_("Check in before you check out."))])
    if shift.checked_out_at is None:
        shift.checked_out_at = clock.now()
        shift.save(update_fields=["checked_out_at"])
        record(
            actor=user, action="shift.checked_out", obj=shift, after={"at": shift.checked_out_at}
        )
    return shift


@transaction.atomic
def write_handover(
    *, desk: Desk, author: User, pending_items: str, open_alerts: str, notes: str
) -> Handover:
    if not (pending_items.strip() or open_alerts.strip() or notes.strip()):
        raise RosterError(
            [Problem(_("Write at least one line for the next shift."), field="notes")]
        )
    handover = Handover.objects.create(
        desk=desk,
        written_by=author,
        pending_items=pending_items,
        open_alerts=open_alerts,
        notes=notes,
    )
    record(
        actor=author,
        action="handover.written",
        obj=handover,
        after={
            "desk": desk.pk,
            "pending_items": pending_items,
            "open_alerts": open_alerts,
            "notes": notes,
        },
    )
    _tell_next_shift(handover)
    return handover


def _tell_next_shift(handover: Handover) -> None:
    """The people on the desk's next shift (the earliest one starting within 12 hours) get
    the handover in their inbox, pushed to them since they are about to be on duty."""
    now = clock.now()
    upcoming = Shift.objects.filter(
        desk=handover.desk,
        starts_at__gte=now - timedelta(minutes=30),
        starts_at__lt=now + timedelta(hours=12),
    ).exclude(user=handover.written_by)
    first = upcoming.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is None:
        return
    people = [s.user for s in upcoming.filter(starts_at=first).select_related("user")]
    notify(
        recipients=people,
        kind="handover",
        title=format_lazy(
            gettext_lazy("Handover from {author} at {desk}"),
            author=str(handover.written_by),
            desk=handover.desk.name_en,
        ),
        body=handover.pending_items or handover.notes,
        url=reverse("organisation:desk", args=[handover.desk.election.slug, handover.desk_id]),
        dedupe_key=f"handover:{handover.pk}",
        push_to={p.pk for p in people},
    )


@transaction.atomic
def acknowledge_handover(*, handover: Handover, user: User) -> Handover:
    if handover.written_by_id == user.pk:
        raise RosterError([Problem(_("The next shift acknowledges a handover, not its author."))])
    if handover.acknowledged_at is None:
        handover.acknowledged_by, handover.acknowledged_at = user, clock.now()
        handover.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record(
            actor=user,
            action="handover.acknowledged",
            obj=handover,
            after={"at": handover.acknowledged_at},
        )
    return handover


def ist(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=IST)
