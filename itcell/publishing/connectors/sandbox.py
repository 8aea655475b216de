"""The demo's platform: "publishes" into the in-app sandbox feed (``SandboxPost``) and makes
up engagement that grows with the hours since publishing, the same on every read."""

import hashlib
import math

from django.conf import settings
from django.db import IntegrityError
from django.urls import reverse

from itcell.core import clock
from itcell.publishing.connectors.base import (
    Account,
    BaseConnector,
    Metrics,
    Outgoing,
    Published,
)
from itcell.publishing.errors import Reason, Rejected


class SandboxConnector(BaseConnector):
    idempotent_publish = True  # the feed keeps one post per idempotency key
    can_find = True
    supports_delete = True
    supports_metrics = True

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        from itcell.publishing.models import SandboxPost

        found = self.find(account=account, outgoing=outgoing)
        if found is not None:
            return found
        try:
            post = SandboxPost.objects.create(
                channel_id=int(account.options["channel_id"]),
                idempotency_key=outgoing.idempotency_key,
                text=outgoing.text,
                media=[m.path.name for m in outgoing.media],
                published_at=clock.now(),
            )
        except IntegrityError:  # a concurrent try with the same key won
            found = self.find(account=account, outgoing=outgoing)
            if found is None:
                raise
            return found
        return _published(post.pk)

    def find(self, *, account: Account, outgoing: Outgoing) -> Published | None:
        from itcell.publishing.models import SandboxPost

        pk = (
            SandboxPost.objects.filter(idempotency_key=outgoing.idempotency_key)
            .values_list("pk", flat=True)
            .first()
        )
        return _published(pk) if pk is not None else None

    def delete(self, *, account: Account, remote_id: str) -> None:
        from itcell.publishing.models import SandboxPost

        if not SandboxPost.objects.filter(pk=remote_id, removed_at=None).update(
            removed_at=clock.now()
        ):
            raise Rejected(Reason.NOT_FOUND, remote_id)

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        from itcell.publishing.models import SandboxPost

        post = SandboxPost.objects.filter(pk=remote_id).first()
        if post is None:
            raise Rejected(Reason.NOT_FOUND, remote_id)
        hours = max((clock.now() - post.published_at).total_seconds() / 3600, 0)
        seed = int(hashlib.sha256(post.idempotency_key.encode()).hexdigest()[:6], 16)
        reach = 50 + seed % 450  # how much this post "catches on"
        grown = reach * (1 - math.exp(-hours / 6))  # fast at first, then levelling off
        return Metrics(
            likes=round(grown),
            shares=round(grown / 8),
            replies=round(grown / 15),
            views=round(grown * 40),
        )


def _published(pk: int) -> Published:
    from itcell.publishing.models import SandboxPost

    slug = SandboxPost.objects.values_list("channel__election__slug", flat=True).get(pk=pk)
    feed = reverse("publishing:sandbox", args=[slug])
    return Published(str(pk), f"{settings.ITCELL_SITE_URL.rstrip('/')}{feed}#sandbox-{pk}")
