"""Test data for publishing, built through the services (factories, not fixture files)."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itcell.accounts.models import User
from itcell.core import clock
from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.organisation.services import create_desks
from itcell.organisation.tests.factories import desk as desk_at
from itcell.organisation.tests.factories import person
from itcell.publishing import crypto
from itcell.publishing.models import Channel, Post
from itcell.publishing.services.posts import PostInput, create_post, submit_post
from itcell.publishing.services.review import approve_post


@dataclass
class Cell:
    """Bahadurganj (AC 52): a writer, a desk lead; the state's spokesperson and head; an
    X-like channel on the in-memory platform for the state, and one for the desk."""

    election: Election
    hq: Desk
    desk: Desk
    writer: User
    lead: User
    spokesperson: User
    head: User
    channel: Channel

    @classmethod
    def build(cls, election: Election) -> "Cell":
        create_desks(election=election)
        hq, desk = desk_at(election, "hq"), desk_at(election, 52)
        return cls(
            election=election,
            hq=hq,
            desk=desk,
            writer=person("writer", desk, Role.WRITER),
            lead=person("lead", desk, Role.DESK_LEAD),
            spokesperson=person("spokesperson", hq, Role.SPOKESPERSON),
            head=person("head", hq, Role.HEAD),
            channel=channel(election, handle="@vip_bihar"),
        )

    def draft(self, **changes: Any) -> Post:
        data = post_input(self.channel, **changes)
        return create_post(desk=self.desk, author=self.writer, data=data)

    def approved(self, **changes: Any) -> Post:
        post = self.draft(**changes)
        submit_post(post=post, author=self.writer)
        approve_post(post=post, reviewer=self.lead)
        post.refresh_from_db()
        return post

    def scheduled(self, in_minutes: int = 30, **changes: Any) -> Post:
        at = clock.now() + timedelta(minutes=in_minutes)
        return self.approved(publish_at=at, **changes)


def channel(
    election: Election,
    *,
    handle: str,
    connector: str = "locmem",
    platform: str = "x",
    desk: Desk | None = None,
    language: str = "hi",
) -> Channel:
    return Channel.objects.create(
        election=election,
        platform=platform,
        handle=handle,
        name=handle,
        owner=Channel.Owner.DESK if desk else Channel.Owner.PARTY,
        desk=desk,
        language=language,
        connector=connector,
        credentials_sealed=crypto.seal({"access_token": "secret-token"}),
    )


def post_input(*channels: Channel, **changes: Any) -> PostInput:
    values: dict[str, Any] = {
        "title": "Flood relief camps",
        "text_hi": "बहादुरगंज में राहत शिविर आज से खुले हैं। #बाढ़_राहत",
        "text_en": "Relief camps in Bahadurganj are open from today. #FloodRelief",
        "variants": {c.pk: "" for c in channels},
        "ac_numbers": frozenset({52}),
    }
    values.update(changes)
    return PostInput(**values)
