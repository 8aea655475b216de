"""Test data for the playbook, built through its services (factories, not fixture files)."""

from typing import Any

from itcell.accounts.models import User
from itcell.elections.models import Election
from itcell.playbook import services
from itcell.playbook.models import Guidance, PostTemplate, TalkingPoint, Theme
from itcell.playbook.services import Fact, GuidanceInput, PointInput, TemplateInput, ThemeInput

SOURCE = "https://example.org/report-2020"


def theme(election: Election, actor: User, title: str = "Jobs", **changes: Any) -> Theme:
    return services.save_theme(
        election=election, data=ThemeInput(title_en=title, **changes), actor=actor
    )


def point_input(**changes: Any) -> PointInput:
    values: dict[str, Any] = {
        "title_en": "Jobs at home",
        "title_hi": "घर के पास रोज़गार",
        "summary_en": "Work near home for young people.",
        "summary_hi": "युवाओं को घर के पास काम।",
        "facts": (Fact("Unemployment is high.", "बेरोज़गारी ऊँची है।", SOURCE),),
    }
    values.update(changes)
    return PointInput(**values)


def approved_point(
    election: Election, author: User, reviewer: User, **changes: Any
) -> TalkingPoint:
    revision = services.propose_revision(
        election=election, author=author, data=point_input(**changes)
    )
    return services.approve_revision(revision=revision, reviewer=reviewer)


def guidance(
    election: Election, actor: User, kind: str, en: str = "", hi: str = "", **kw: Any
) -> Guidance:
    return services.save_guidance(
        election=election,
        data=GuidanceInput(kind=kind, text_en=en, text_hi=hi, **kw),
        actor=actor,
    )


def template(
    election: Election, actor: User, name: str, hi: str, en: str, **kw: Any
) -> PostTemplate:
    return services.save_template(
        election=election,
        data=TemplateInput(name=name, text_hi=hi, text_en=en, **kw),
        actor=actor,
    )
