"""The head's tokens screen: made with the secret shown once, bad input named, revoked."""

import pytest

from itcell.api.models import ApiToken
from itcell.organisation.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client, user):  # type: ignore[no-untyped-def]
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url(cell, *rest: str) -> str:  # type: ignore[no-untyped-def]
    return "/".join(["", "integrations", cell.election.slug, "tokens", *rest, ""])


def test_only_the_head_sees_the_screen(client, cell):  # type: ignore[no-untyped-def]
    assert signed_in(client, cell.spokesperson).get(url(cell)).status_code == 404
    assert signed_in(client, cell.head).get(url(cell)).status_code == 200


def test_a_token_is_made_its_secret_shown_once_then_revoked(client, cell):  # type: ignore[no-untyped-def]
    client = signed_in(client, cell.head)
    made = client.post(
        url(cell),
        {
            "name": "Call centre",
            "user": cell.writer.pk,
            "desk": cell.desk.pk,
            "scopes": ["posts:read", "posts:write"],
            "rate_per_minute": 60,
        },
    )
    token = ApiToken.objects.get()
    page = made.content.decode()
    assert f"itc_{token.prefix}_" in page
    assert f"itc_{token.prefix}_" not in client.get(url(cell)).content.decode().replace(
        f"<code>itc_{token.prefix}</code>", ""
    )
    assert (token.user, token.desk, token.scopes) == (
        cell.writer,
        cell.desk,
        ["posts:read", "posts:write"],
    )

    client.post(url(cell, str(token.pk), "revoke"))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_bad_input_is_named_and_nothing_is_made(client, cell):  # type: ignore[no-untyped-def]
    from itcell.organisation.tests.factories import desk as desk_at

    answer = signed_in(client, cell.head).post(
        url(cell),
        {
            "name": "Dashboard",
            "user": cell.writer.pk,
            "desk": desk_at(cell.election, 54).pk,  # not the writer's
            "scopes": ["posts:read"],
            "rate_per_minute": 60,
        },
    )
    assert "The member does not reach that desk" in answer.content.decode()
    assert not ApiToken.objects.exists()
