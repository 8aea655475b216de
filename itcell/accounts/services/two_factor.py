"""A person's second factor: enrolment on first sign-in, checking codes, and the head's reset.

The secret is sealed (``itcell.publishing.crypto``) before it is stored, so a database dump
alone does not give anyone a code.
"""

from django.db import transaction

from itcell.accounts import totp
from itcell.accounts.errors import WrongCode
from itcell.accounts.models import SignInFailure, TwoFactorDevice, User
from itcell.accounts.services.lockout import username_key
from itcell.audit.services import record
from itcell.core import clock
from itcell.publishing.crypto import open_sealed, seal


def device_secret(device: TwoFactorDevice) -> str:
    return open_sealed(device.sealed_secret)["secret"]


@transaction.atomic
def start_enrolment(*, user: User) -> TwoFactorDevice:
    """The person's unconfirmed device, made with a fresh secret the first time; the same one
    on a reload, so the secret already typed into a phone stays good."""
    device, created = TwoFactorDevice.objects.select_for_update().get_or_create(
        user=user, defaults={"sealed_secret": seal({"secret": totp.new_secret()})}
    )
    if created:
        record(actor=user, action="user.two_factor_secret_issued", obj=user)
    return device


def _check(device: TwoFactorDevice, code: str) -> int:
    step = totp.matching_step(
        totp.secret_bytes(device_secret(device)),
        code,
        at=clock.now(),
        last_used_step=device.last_used_step,
    )
    if step is None:
        raise WrongCode()
    return step


@transaction.atomic
def confirm_enrolment(
    *, device: TwoFactorDevice, code: str, source_address: str | None = None
) -> TwoFactorDevice:
    """Confirm the device with its first good code; raise WrongCode otherwise."""
    device = TwoFactorDevice.objects.select_for_update().get(pk=device.pk)
    device.last_used_step = _check(device, code)
    device.confirmed_at = clock.now()
    device.save(update_fields=["last_used_step", "confirmed_at"])
    record(
        actor=device.user,
        action="user.two_factor_enrolled",
        obj=device.user,
        after={"method": "totp"},
        source_address=source_address,
    )
    _signed_in(device.user, source_address)
    return device


def _signed_in(user: User, source_address: str | None) -> None:
    """As lockout.record_sign_in: the username's failures are forgotten, the sign-in kept."""
    SignInFailure.objects.filter(username=username_key(user.get_username())).delete()
    record(
        actor=user,
        action="user.signed_in",
        obj=user,
        after={"second_factor": "totp"},
        source_address=source_address,
    )


@transaction.atomic
def verify_two_factor(
    *, device: TwoFactorDevice, code: str, source_address: str | None = None
) -> None:
    """Accept a code once (the row is locked, so two requests cannot both use it) and record
    the sign-in; raise WrongCode for a wrong, stale or replayed one."""
    device = TwoFactorDevice.objects.select_for_update().get(pk=device.pk)
    device.last_used_step = _check(device, code)
    device.save(update_fields=["last_used_step"])
    _signed_in(device.user, source_address)


@transaction.atomic
def reset_two_factor(*, user: User, actor: User | None = None) -> bool:
    """Forget the person's device (a lost phone); they enrol again at their next sign-in.
    Return whether there was one."""
    deleted, _ = TwoFactorDevice.objects.filter(user=user).delete()
    if deleted:
        record(
            actor=actor,
            action="user.two_factor_reset",
            obj=user,
            before={"method": "totp"},
        )
    return bool(deleted)
