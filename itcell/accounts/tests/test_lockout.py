"""Failed sign-ins lock the username, and the client address, for a while."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from conftest import PASSWORD
from itcell.accounts.models import SignInLock
from itcell.accounts.tests.conftest import LOGIN, is_signed_in, sign_in
from itcell.audit.models import AuditEvent
from itcell.audit.selectors import find_first_break
from itcell.core import clock

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed sign-ins; try again in"


def alert(html: str) -> str:
    return re.search(r'<div class="errorlist" role="alert">(.*?)</div>', html, re.S).group(1)  # type: ignore[union-attr]


def fail(client: Client, username: str, times: int, **extra: str) -> None:
    for _ in range(times):
        response = sign_in(client, username, "not the password", **extra)
        assert response.status_code == 200


def test_four_failures_still_let_the_right_password_in(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 4)

    response = sign_in(client, "asha")

    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_fifth_failure_locks_the_username_and_says_for_how_long(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 4)

    response = sign_in(client, "asha", "not the password")

    assert f"{LOCKED} 15 minutes." in response.content.decode()
    assert SignInLock.objects.filter(kind="username", key="asha").exists()


def test_a_locked_username_gets_the_same_answer_for_the_right_password(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 5)

    wrong = sign_in(client, "asha", "not the password").content.decode()
    right = sign_in(client, "asha").content.decode()

    assert f"{LOCKED} 15 minutes." in right
    assert alert(right) == alert(wrong)
    assert not is_signed_in(client)


def test_the_lock_ignores_the_case_of_the_username(client, make_user, now):
    make_user("asha")
    fail(client, "Asha", 5)

    response = sign_in(client, "asha")

    assert LOCKED in response.content.decode()
    assert not is_signed_in(client)


def test_the_minutes_left_count_down(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 5)
    clock.advance(timedelta(minutes=10, seconds=30))

    response = sign_in(client, "asha")

    assert f"{LOCKED} 5 minutes." in response.content.decode()


def test_the_lock_ends_after_its_period(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 5)
    clock.advance(timedelta(minutes=15, seconds=1))

    response = sign_in(client, "asha")

    assert response.status_code == 302
    assert is_signed_in(client)


def test_after_a_lock_one_more_failure_does_not_lock_again(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 5)
    clock.advance(timedelta(minutes=15, seconds=1))
    fail(client, "asha", 1)

    response = sign_in(client, "asha")

    assert response.status_code == 302


def test_failures_older_than_the_window_do_not_count(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 4)
    clock.advance(timedelta(minutes=16))
    fail(client, "asha", 4)

    response = sign_in(client, "asha")

    assert response.status_code == 302
    assert not SignInLock.objects.exists()


def test_a_good_sign_in_forgets_the_usernames_failures(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 4)
    sign_in(client, "asha")
    client.logout()
    fail(client, "asha", 4)

    assert sign_in(client, "asha").status_code == 302


def test_a_username_that_does_not_exist_is_locked_alike(client, now):
    fail(client, "nobody", 5)

    response = sign_in(client, "nobody")

    assert LOCKED in response.content.decode()


def test_one_address_trying_many_usernames_is_locked(client, make_user, now, settings):
    make_user("asha")
    for number in range(settings.ITCELL_SIGN_IN_ADDRESS_LIMIT):
        fail(client, f"guess{number}", 1)

    response = sign_in(client, "asha")

    assert LOCKED in response.content.decode()
    assert not is_signed_in(client)
    assert SignInLock.objects.filter(kind="address", key="127.0.0.1").exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert sign_in(other, "asha").status_code == 302


def test_the_address_lock_does_not_lock_the_username_elsewhere(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 4)
    for number in range(16):
        fail(client, f"guess{number}", 1)

    elsewhere = Client(REMOTE_ADDR="10.0.0.9")

    assert sign_in(elsewhere, "asha").status_code == 302


def test_a_lock_is_written_to_the_audit_trail(client, make_user, now):
    asha = make_user("asha")
    fail(client, "asha", 5)

    event = AuditEvent.objects.get(action="user.sign_in_locked")
    assert event.actor is None
    assert event.object_type == "accounts.user"
    assert event.object_id == str(asha.pk)
    assert event.source_address == "127.0.0.1"
    assert event.after["kind"] == "username"
    assert event.after["failures"] == 5
    assert event.after["stage"] == "password"
    assert "not the password" not in str(event.after)
    assert find_first_break() is None


def test_attempts_while_locked_write_no_more_events(client, make_user, now):
    make_user("asha")
    fail(client, "asha", 8)

    assert AuditEvent.objects.filter(action="user.sign_in_locked").count() == 1


def test_an_address_lock_is_audited_with_the_address(client, now, settings):
    for number in range(settings.ITCELL_SIGN_IN_ADDRESS_LIMIT):
        fail(client, f"guess{number}", 1)

    event = AuditEvent.objects.get(action="user.sign_in_locked", after__kind="address")
    assert event.object_repr == "address: 127.0.0.1"


def test_the_limits_come_from_the_settings(client, make_user, now, settings):
    settings.ITCELL_SIGN_IN_USERNAME_LIMIT = 2
    settings.ITCELL_SIGN_IN_LOCK_SECONDS = 60
    make_user("asha")
    fail(client, "asha", 2)

    assert f"{LOCKED} 1 minute." in sign_in(client, "asha").content.decode()


def test_the_lock_message_is_in_hindi_for_a_hindi_reader(client, make_user, now):
    make_user("asha")
    client.cookies["itcell_language"] = "hi"
    fail(client, "asha", 5)

    response = sign_in(client, "asha")

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_login_page_still_refuses_a_wrong_password_plainly(client, make_user, now):
    make_user("asha")

    response = client.post(LOGIN, {"username": "asha", "password": PASSWORD + "x"})

    assert "correct username and password" in response.content.decode()


def test_behind_a_proxy_each_client_has_its_own_address_limit(make_user, now, settings):
    settings.ITCELL_PROXY_HOPS = 1
    make_user("asha")
    guesser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for number in range(settings.ITCELL_SIGN_IN_ADDRESS_LIMIT):
        fail(guesser, f"guess{number}", 1)
    assert SignInLock.objects.filter(kind="address", key="203.0.113.7").exists()

    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert sign_in(colleague, "asha").status_code == 302  # the proxy's address is not locked
    # A forged header start does not escape the lock: the proxy appends the real address.
    forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert LOCKED in sign_in(forged, "asha").content.decode()
