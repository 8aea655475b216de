"""Failed sign-ins and the locks they lead to.

Two counters share one table of failures: per username (as typed, lower-cased, so "Asha"
and "asha" are one target) and per client address. When either reaches its limit within the
window, that key is locked for a while and the lock is put on the audit trail. Failures
before a lock's end are not counted again after it. A locked attempt is refused before the
password is checked, so a right and a wrong password get the same answer.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from itcell.accounts.errors import SignInLocked
from itcell.accounts.models import SignInFailure, SignInLock, User
from itcell.audit.services import record
from itcell.core import clock


def username_key(username: str) -> str:
    return username.strip().lower()[:150]


def _window() -> timedelta:
    return timedelta(seconds=settings.ITCELL_SIGN_IN_WINDOW_SECONDS)


def _current_lock(*, username: str, address: str | None, now: datetime) -> SignInLock | None:
    keys = Q(kind=SignInLock.Kind.USERNAME, key=username_key(username))
    if address:
        keys |= Q(kind=SignInLock.Kind.ADDRESS, key=address)
    return SignInLock.objects.filter(keys, until__gt=now).order_by("-until").first()


def check_sign_in_allowed(*, username: str, address: str | None) -> None:
    """Raise SignInLocked while the username or the address is locked."""
    lock = _current_lock(username=username, address=address, now=clock.now())
    if lock is not None:
        raise SignInLocked(lock.until)


@transaction.atomic
def record_failed_sign_in(
    *, username: str, address: str | None, stage: str = "password"
) -> SignInLock | None:
    """Count one failure (``stage``: "password" or "two_factor"); return the lock it set off,
    if any (the username's before the address's)."""
    now = clock.now()
    name = username_key(username)
    SignInFailure.objects.create(username=name, address=address, at=now)
    # Nothing older than the window is ever counted again.
    SignInFailure.objects.filter(at__lt=now - _window()).delete()
    SignInLock.objects.filter(until__lt=now - _window()).delete()

    limits = [
        (SignInLock.Kind.USERNAME, name, settings.ITCELL_SIGN_IN_USERNAME_LIMIT),
        (SignInLock.Kind.ADDRESS, address, settings.ITCELL_SIGN_IN_ADDRESS_LIMIT),
    ]
    set_off = None
    for kind, key, limit in limits:
        if not key:
            continue
        last = SignInLock.objects.filter(kind=kind, key=key).order_by("-until").first()
        if last is not None and last.until > now:
            continue
        since = max(now - _window(), last.until) if last is not None else now - _window()
        field = "username" if kind == SignInLock.Kind.USERNAME else "address"
        failures = SignInFailure.objects.filter(**{field: key, "at__gt": since}).count()
        if failures < limit:
            continue
        lock = SignInLock.objects.create(
            kind=kind,
            key=key,
            until=now + timedelta(seconds=settings.ITCELL_SIGN_IN_LOCK_SECONDS),
            created_at=now,
        )
        user = User.objects.filter(username__iexact=name).first() if field == "username" else None
        record(
            actor=None,
            action="user.sign_in_locked",
            obj=user,
            object_type="" if user else "accounts.signinlock",
            object_id="" if user else str(lock.pk),
            object_repr="" if user else f"{kind}: {key}",
            after={
                "kind": kind,
                "key": key,
                "failures": failures,
                "stage": stage,
                "until": lock.until,
            },
            source_address=address,
        )
        set_off = set_off or lock
    return set_off


def record_sign_in(*, user: User, source_address: str | None, second_factor: str = "") -> None:
    """Put a complete sign-in on the audit trail; the username's earlier failures no longer
    count. The address's still do: one good account must not let an address guess at others."""
    SignInFailure.objects.filter(username=username_key(user.get_username())).delete()
    record(
        actor=user,
        action="user.signed_in",
        obj=user,
        after={"second_factor": second_factor or None},
        source_address=source_address,
    )
