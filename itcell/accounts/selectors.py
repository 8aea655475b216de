from django.conf import settings

from itcell.accounts.models import TwoFactorDevice, User
from itcell.organisation.models import Membership


def needs_two_factor(*, user: User) -> bool:
    """Whether ``user`` holds, at any desk, a role that signs in with a second factor
    (ITCELL_TWO_FACTOR_ROLES: the head and the spokesperson)."""
    roles = list(settings.ITCELL_TWO_FACTOR_ROLES)
    return (
        bool(roles)
        and Membership.objects.filter(user=user, role__in=roles, is_active=True).exists()
    )


def get_confirmed_device(*, user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
