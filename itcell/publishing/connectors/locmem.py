"""An in-memory platform for tests: keeps what it "published" in ``posts`` and answers with
whatever a test queues in ``script`` (an exception to raise, or "land" then an exception to
publish *and* fail, as a timeout after the platform acted would)."""

from dataclasses import dataclass
from itertools import count

from itcell.publishing.connectors.base import (
    Account,
    BaseConnector,
    Metrics,
    Outgoing,
    Published,
)
from itcell.publishing.errors import ConnectorError, Reason, Rejected


@dataclass(frozen=True)
class Post:
    handle: str
    text: str
    idempotency_key: str
    remote_id: str
    media: int = 0


posts: list[Post] = []  # everything published, oldest first; tests clear it
deleted: list[str] = []  # remote ids removed
#: What the next calls do, in order: an exception to raise before publishing, or a tuple
#: ("land", exception) to publish and then raise (the platform acted, the answer was lost).
script: list[ConnectorError | tuple[str, ConnectorError]] = []
_ids = count(1)


def reset() -> None:
    posts.clear()
    deleted.clear()
    script.clear()


class LocmemConnector(BaseConnector):
    platform = "mastodon"
    supports_delete = True
    supports_metrics = True

    def __init__(self, *, can_find: bool = False, idempotent: bool = False) -> None:
        self.can_find = can_find
        self.idempotent_publish = idempotent

    def publish(self, *, account: Account, outgoing: Outgoing) -> Published:
        step = script.pop(0) if script else None
        if isinstance(step, ConnectorError):
            raise step
        existing = self._existing(outgoing.idempotency_key)
        if existing is not None and self.idempotent_publish:
            return existing
        post = Post(
            handle=account.handle,
            text=outgoing.text,
            idempotency_key=outgoing.idempotency_key,
            remote_id=f"locmem-{next(_ids)}",
            media=len(outgoing.media),
        )
        posts.append(post)
        if step is not None:
            raise step[1]
        return Published(post.remote_id, f"https://locmem.test/{post.remote_id}")

    def _existing(self, key: str) -> Published | None:
        for post in posts:
            if post.idempotency_key == key and post.remote_id not in deleted:
                return Published(post.remote_id, f"https://locmem.test/{post.remote_id}")
        return None

    def find(self, *, account: Account, outgoing: Outgoing) -> Published | None:
        if not self.can_find:
            return super().find(account=account, outgoing=outgoing)
        return self._existing(outgoing.idempotency_key)

    def delete(self, *, account: Account, remote_id: str) -> None:
        if not any(p.remote_id == remote_id for p in posts):
            raise Rejected(Reason.NOT_FOUND, remote_id)
        deleted.append(remote_id)

    def metrics(self, *, account: Account, remote_id: str) -> Metrics:
        return Metrics(likes=3, shares=1, replies=0)
