"""The head and the spokesperson sign in with a TOTP code as well as a password."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from itcell.accounts import totp
from itcell.accounts.models import TwoFactorDevice
from itcell.accounts.services import reset_two_factor, start_enrolment
from itcell.accounts.services.two_factor import device_secret
from itcell.accounts.tests.conftest import CODE, ENROL, LOGIN, code_for, is_signed_in, sign_in
from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.organisation.roles import Role

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed sign-ins; try again in"


def enrolled(member, username: str, role: Role = Role.HEAD):  # type: ignore[no-untyped-def]
    user = member(username, role)
    device = start_enrolment(user=user)
    device.confirmed_at = clock.now() - timedelta(days=1)
    device.save()
    return user


def test_a_writer_signs_in_in_one_step(client, member, now):
    member("ravi", Role.WRITER)

    response = sign_in(client, "ravi")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)


@pytest.mark.parametrize("role", [Role.HEAD, Role.SPOKESPERSON])
def test_the_password_alone_does_not_sign_in_a_head_or_spokesperson(client, member, now, role):
    member("asha", role)

    response = sign_in(client, "asha")

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302  # still sent to the login page


def test_a_head_without_a_device_is_sent_to_enrol(client, member, now):
    member("asha", Role.HEAD)
    sign_in(client, "asha")

    response = client.get(CODE)

    assert response.status_code == 302
    assert response["Location"] == ENROL


def test_enrolment_shows_the_secret_and_a_link_for_the_phone(client, member, now):
    asha = member("asha", Role.HEAD)
    sign_in(client, "asha")

    page = client.get(ENROL).content.decode()

    secret = device_secret(TwoFactorDevice.objects.get(user=asha))
    assert totp.grouped(secret) in page
    assert f"otpauth://totp/itcell:asha?secret={secret}&amp;issuer=itcell" in page
    assert 'for="id_code"' in page
    assert not TwoFactorDevice.objects.get(user=asha).confirmed_at


def test_reloading_the_enrolment_page_keeps_the_secret(client, member, now):
    asha = member("asha", Role.HEAD)
    sign_in(client, "asha")
    client.get(ENROL)
    first = TwoFactorDevice.objects.get(user=asha).sealed_secret

    client.get(ENROL)

    assert TwoFactorDevice.objects.get(user=asha).sealed_secret == first


def test_the_secret_is_sealed_at_rest(client, member, now):
    asha = member("asha", Role.HEAD)
    device = start_enrolment(user=asha)

    assert device_secret(device) not in device.sealed_secret


def test_enrolment_with_a_good_code_confirms_the_device_and_signs_in(client, member, now):
    asha = member("asha", Role.HEAD)
    sign_in(client, "asha", next="/org/")
    client.get(ENROL)

    response = client.post(ENROL, {"code": code_for(asha)})

    assert response.status_code == 302
    assert response["Location"] == "/org/"
    assert is_signed_in(client)
    device = TwoFactorDevice.objects.get(user=asha)
    assert device.confirmed_at == now
    event = AuditEvent.objects.get(action="user.two_factor_enrolled")
    assert event.actor == asha
    assert event.source_address == "127.0.0.1"


def test_enrolment_with_a_wrong_code_does_not_sign_in(client, member, now):
    asha = member("asha", Role.HEAD)
    sign_in(client, "asha")
    client.get(ENROL)
    wrong = str((int(code_for(asha)) + 1) % 1_000_000).zfill(6)

    response = client.post(ENROL, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not is_signed_in(client)
    assert not TwoFactorDevice.objects.get(user=asha).confirmed_at
    assert not AuditEvent.objects.filter(action="user.two_factor_enrolled").exists()


def test_a_head_with_a_device_is_asked_for_the_code(client, member, now):
    enrolled(member, "asha")
    sign_in(client, "asha")

    response = client.get(CODE)

    assert response.status_code == 200
    assert 'autocomplete="one-time-code"' in response.content.decode()
    assert client.get(ENROL)["Location"] == CODE  # no second enrolment


def test_a_wrong_code_is_refused(client, member, now):
    asha = enrolled(member, "asha")
    sign_in(client, "asha")
    wrong = str((int(code_for(asha)) + 1) % 1_000_000).zfill(6)

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not is_signed_in(client)


def test_the_right_code_signs_in_and_sets_the_language(client, member, now):
    asha = enrolled(member, "asha")
    asha.preferred_language = "hi"
    asha.save()
    sign_in(client, "asha", next="/org/")

    response = client.post(CODE, {"code": code_for(asha)})

    assert response.status_code == 302
    assert response["Location"] == "/org/"
    assert is_signed_in(client)
    assert response.cookies["itcell_language"].value == "hi"


def test_a_code_from_the_step_before_is_accepted(client, member, now):
    asha = enrolled(member, "asha")
    sign_in(client, "asha")

    response = client.post(CODE, {"code": code_for(asha, now - timedelta(seconds=30))})

    assert is_signed_in(client)
    assert response.status_code == 302


def test_a_code_from_two_steps_before_is_refused(client, member, now):
    asha = enrolled(member, "asha")
    sign_in(client, "asha")

    client.post(CODE, {"code": code_for(asha, now - timedelta(seconds=60))})

    assert not is_signed_in(client)


def test_a_code_cannot_be_used_twice(client, member, now):
    asha = enrolled(member, "asha")
    code = code_for(asha)
    sign_in(client, "asha")
    client.post(CODE, {"code": code})
    assert is_signed_in(client)

    other = Client()
    sign_in(other, "asha")
    response = other.post(CODE, {"code": code})

    assert "That code is not right" in response.content.decode()
    assert not is_signed_in(other)


def test_the_code_page_without_a_password_first_goes_to_the_login(client, member, now):
    enrolled(member, "asha")

    assert client.get(CODE)["Location"] == LOGIN
    assert client.get(ENROL)["Location"] == LOGIN
    assert client.post(CODE, {"code": "123456"})["Location"] == LOGIN


def test_a_half_done_sign_in_expires(client, member, now):
    asha = enrolled(member, "asha")
    sign_in(client, "asha")
    clock.advance(timedelta(minutes=11))

    response = client.post(CODE, {"code": code_for(asha)})

    assert response["Location"] == LOGIN
    assert not is_signed_in(client)


def test_wrong_codes_count_toward_the_lockout(client, member, now):
    asha = enrolled(member, "asha")
    sign_in(client, "asha")
    wrong = str((int(code_for(asha)) + 1) % 1_000_000).zfill(6)
    for _ in range(4):
        client.post(CODE, {"code": wrong})

    response = client.post(CODE, {"code": wrong})

    assert f"{LOCKED} 15 minutes." in response.content.decode()
    event = AuditEvent.objects.get(action="user.sign_in_locked")
    assert event.after["stage"] == "two_factor"
    assert event.object_id == str(asha.pk)
    # The half-done sign-in is over, and the password is refused while the lock lasts.
    assert client.post(CODE, {"code": code_for(asha)})["Location"] == LOGIN
    assert LOCKED in sign_in(client, "asha").content.decode()
    assert not is_signed_in(client)


def test_failed_passwords_and_codes_count_together(client, member, now):
    asha = enrolled(member, "asha")
    for _ in range(3):
        sign_in(client, "asha", "not the password")
    sign_in(client, "asha")
    wrong = str((int(code_for(asha)) + 1) % 1_000_000).zfill(6)
    client.post(CODE, {"code": wrong})

    response = client.post(CODE, {"code": wrong})

    assert LOCKED in response.content.decode()


def test_the_right_password_does_not_reset_the_count_before_the_code(client, member, now):
    asha = enrolled(member, "asha")
    wrong = str((int(code_for(asha)) + 1) % 1_000_000).zfill(6)
    for _ in range(2):
        sign_in(client, "asha")
        client.post(CODE, {"code": wrong})
        client.post(CODE, {"code": wrong})
    sign_in(client, "asha")

    response = client.post(CODE, {"code": wrong})

    assert LOCKED in response.content.decode()


def test_a_locked_username_is_refused_at_the_code_step_even_with_the_right_code(
    client, member, now
):
    asha = enrolled(member, "asha")
    sign_in(client, "asha")
    for _ in range(5):
        sign_in(Client(), "asha", "not the password")

    response = client.post(CODE, {"code": code_for(asha)})

    assert LOCKED in response.content.decode()
    assert not is_signed_in(client)


def test_force_login_is_untouched_for_tests(client, member, now):
    asha = member("asha", Role.HEAD)
    client.force_login(asha)

    response = client.get("/")

    assert not response.get("Location", "").startswith(LOGIN)
    assert is_signed_in(client)


def test_an_inactive_head_role_does_not_ask_for_a_code(client, member, now):
    asha = member("asha", Role.HEAD)
    asha.memberships.update(is_active=False)

    assert sign_in(client, "asha")["Location"] == "/"


def test_the_roles_that_need_a_code_come_from_the_settings(client, member, now, settings):
    settings.ITCELL_TWO_FACTOR_ROLES = ["desk_lead"]
    member("asha", Role.HEAD)
    member("lead", Role.DESK_LEAD)

    assert sign_in(client, "asha")["Location"] == "/"
    assert sign_in(Client(), "lead")["Location"] == CODE


def test_reset_forgets_the_device_and_the_head_enrols_again(client, member, now):
    asha = enrolled(member, "asha")
    head = member("head", Role.HEAD)

    assert reset_two_factor(user=asha, actor=head)

    assert not TwoFactorDevice.objects.filter(user=asha).exists()
    event = AuditEvent.objects.get(action="user.two_factor_reset")
    assert event.actor == head
    assert event.object_id == str(asha.pk)
    sign_in(client, "asha")
    assert client.get(CODE)["Location"] == ENROL
    assert not reset_two_factor(user=asha, actor=head)


def test_the_reset_command(member, now):
    asha = enrolled(member, "asha")
    out = StringIO()

    call_command("reset_two_factor", "asha", stdout=out)

    assert not TwoFactorDevice.objects.filter(user=asha).exists()
    assert "asha" in out.getvalue()


def test_each_sign_in_is_on_the_audit_trail_with_its_factor(client, member, now):
    asha = enrolled(member, "asha")
    ravi = member("ravi", Role.WRITER)
    sign_in(client, "asha")
    client.post(CODE, {"code": code_for(asha)})
    sign_in(Client(), "ravi")

    events = {e.actor: e for e in AuditEvent.objects.filter(action="user.signed_in")}
    assert events[asha].after == {"second_factor": "totp"}
    assert events[ravi].after == {"second_factor": None}
    assert events[asha].source_address == "127.0.0.1"


def test_the_password_alone_writes_no_sign_in_event_for_a_head(client, member, now):
    enrolled(member, "asha")

    sign_in(client, "asha")

    assert not AuditEvent.objects.filter(action="user.signed_in").exists()


def test_issuing_a_secret_is_audited_once(client, member, now):
    asha = member("asha", Role.HEAD)
    sign_in(client, "asha")
    client.get(ENROL)
    client.get(ENROL)

    assert (
        AuditEvent.objects.filter(action="user.two_factor_secret_issued", actor=asha).count() == 1
    )
