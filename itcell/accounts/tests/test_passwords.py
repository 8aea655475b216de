"""Passwords are held to the validators wherever one is chosen."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from itcell.accounts.models import User

pytestmark = pytest.mark.django_db
STRONG = "monsoon-ledger-4417"


def link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/set-password/{uid}/{default_token_generator.make_token(user)}/"


def choose(client, user: User, password: str):  # type: ignore[no-untyped-def]
    form = client.get(link(user), follow=True)
    return client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("sunita", "short1", "This password is too short. It must contain at least 10 characters."),
        ("sunita", "password123", "This password is too common."),
        ("sunita", "8462913570", "This password is entirely numeric."),
        ("sunitadevi", "sunitadevi1", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_with_a_clear_message(
    client, make_user, username, password, message
):
    user = make_user(username)

    response = choose(client, user, password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.get(pk=user.pk).check_password(password)


def test_a_strong_password_is_taken(client, make_user):
    user = make_user("sunita")

    response = choose(client, user, STRONG)

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(STRONG)
