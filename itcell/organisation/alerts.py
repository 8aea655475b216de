"""Roster gaps become notifications for the desk's leads and the cell's heads."""

from datetime import timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.notifications.services import notify
from itcell.organisation import coverage
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.selectors import get_coverage, list_duties

LOOK_AHEAD = timedelta(days=3)


def _when(interval: coverage.Interval) -> Promise:
    """Rendered when the notification is, in the reader's language (month names included)."""
    return format_lazy(
        "{start}–{end} IST",
        start=lazy(date_format, str)(interval.start.astimezone(IST), "j M H:i"),
        end=lazy(date_format, str)(interval.end.astimezone(IST), "j M H:i"),
    )


def raise_gap_alerts(*, election: Election) -> int:
    """Notify about every gap in the next three days; each gap once (deduplicated by desk and
    start). Returns how many gaps were found."""
    now = clock.now()
    window = coverage.Interval(now, now + LOOK_AHEAD)
    report = get_coverage(election=election, within=window)
    heads = list(
        User.objects.filter(
            memberships__desk__election=election,
            memberships__role=Role.HEAD,
            memberships__is_active=True,
        ).distinct()
    )
    on_duty = {
        d.user_id
        for d in coverage.on_duty(
            list_duties(
                election=election, within=coverage.Interval(now, now + timedelta(seconds=1))
            ),
            now,
        )
    }
    desks = Desk.objects.in_bulk(report.desk_gaps)
    for desk_id, gaps in report.desk_gaps.items():
        leads = list(
            User.objects.filter(
                memberships__desk_id=desk_id,
                memberships__role=Role.DESK_LEAD,
                memberships__is_active=True,
            ).distinct()
        )
        for gap in gaps:
            notify(
                recipients=[*leads, *heads],
                kind="roster_gap",
                title=format_lazy(
                    _("Nobody is on duty at {desk}: {when}"),
                    desk=desks[desk_id].name_en,
                    when=_when(gap),
                ),
                url=reverse("organisation:roster", args=[election.slug, desk_id]),
                dedupe_key=f"gap:{desk_id}:{gap.start.isoformat()}",
                push_to={u.pk for u in leads} | on_duty,
            )
    for gap in report.approver_gaps:
        notify(
            recipients=heads,
            kind="roster_gap",
            title=format_lazy(_("No approver on duty for the state: {when}"), when=_when(gap)),
            url=reverse("organisation:coverage", args=[election.slug]),
            dedupe_key=f"approver-gap:{gap.start.isoformat()}",
        )
    return sum(len(g) for g in report.desk_gaps.values()) + len(report.approver_gaps)
