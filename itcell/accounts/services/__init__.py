"""Account writes: people and their language (users), failed sign-ins and locks (lockout),
second factors (two_factor). Everything is re-exported here."""

from itcell.accounts.services.lockout import (
    check_sign_in_allowed,
    record_failed_sign_in,
    record_sign_in,
)
from itcell.accounts.services.two_factor import (
    confirm_enrolment,
    reset_two_factor,
    start_enrolment,
    verify_two_factor,
)
from itcell.accounts.services.users import (
    create_user,
    first_sign_in_path,
    set_preferred_language,
)

__all__ = [
    "check_sign_in_allowed",
    "confirm_enrolment",
    "create_user",
    "first_sign_in_path",
    "record_failed_sign_in",
    "record_sign_in",
    "reset_two_factor",
    "set_preferred_language",
    "start_enrolment",
    "verify_two_factor",
]
