from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from itcell.accounts.models import User
from itcell.audit.services import record


@transaction.atomic
def set_preferred_language(*, user: User, language: str, source_address: str | None = None) -> None:
    if user.preferred_language == language:
        return
    before = user.preferred_language
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    record(
        actor=user,
        action="user.language_changed",
        obj=user,
        before={"preferred_language": before},
        after={"preferred_language": language},
        source_address=source_address,
    )


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    preferred_language: str = "en",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: User | None = None,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        phone=phone,
        preferred_language=preferred_language,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    record(
        actor=actor,
        action="user.created",
        obj=user,
        after={"username": username, "display_name": display_name, "is_staff": is_staff},
    )
    return user


def first_sign_in_path(*, user: User) -> str:
    """A link with which a person who has no password yet (e.g. imported from a sheet) sets
    one. It works once: setting the password changes what the token was made from; and it
    expires after PASSWORD_RESET_TIMEOUT (three days)."""
    return reverse(
        "accounts:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
