"""The user model and the account services."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from itcell.accounts.models import User
from itcell.accounts.services import create_user, set_preferred_language
from itcell.audit.models import AuditEvent
from itcell.audit.selectors import find_first_break
from itcell.core import clock

PASSWORD = "correct-horse-battery-9"
NO_DB = {"validate_unique": False, "validate_constraints": False}  # field checks only


@pytest.mark.django_db
def test_user_keeps_display_name_phone_and_language():
    user = create_user(
        username="asha",
        password=PASSWORD,
        display_name="Asha Kumari",
        phone="+91 98765 43210",
        preferred_language="hi",
    )

    stored = User.objects.get(pk=user.pk)
    assert stored.display_name == "Asha Kumari"
    assert stored.phone == "+91 98765 43210"
    assert stored.preferred_language == "hi"
    assert stored.check_password(PASSWORD)
    assert not stored.is_staff
    assert not stored.is_superuser


@pytest.mark.django_db
def test_new_user_defaults_to_english_and_empty_contact_fields():
    user = create_user(username="ravi", password=PASSWORD)

    stored = User.objects.get(pk=user.pk)
    assert stored.preferred_language == "en"
    assert stored.display_name == ""
    assert stored.phone == ""


def test_user_is_shown_by_display_name_else_username():
    assert str(User(username="asha", display_name="Asha Kumari")) == "Asha Kumari"
    assert str(User(username="ravi")) == "ravi"


def test_preferred_language_offers_only_the_shipped_languages():
    field = User._meta.get_field("preferred_language")

    assert [code for code, _label in field.choices] == ["en", "hi"]
    with pytest.raises(ValidationError):
        User(username="x", password="x", preferred_language="fr").full_clean(**NO_DB)


def test_phone_is_at_most_twenty_characters():
    user = User(username="x", password="x", phone="9" * 21)

    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(**NO_DB)

    assert "phone" in excinfo.value.message_dict


@pytest.mark.django_db
def test_create_user_writes_an_audit_event():
    admin = create_user(username="admin", password=PASSWORD, is_staff=True)
    at = datetime(2020, 10, 1, 6, 30, tzinfo=UTC)

    with clock.frozen(at):
        user = create_user(
            username="asha", password=PASSWORD, display_name="Asha Kumari", actor=admin
        )

    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.actor == admin
    assert event.actor_label == "admin"
    assert event.object_type == "accounts.user"
    assert event.object_repr == "Asha Kumari"
    assert event.at == at
    assert event.after == {"username": "asha", "display_name": "Asha Kumari", "is_staff": False}
    assert "password" not in str(event.after)
    assert find_first_break() is None


@pytest.mark.django_db
def test_create_user_without_actor_is_recorded_as_the_system():
    user = create_user(username="ravi", password=PASSWORD)

    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.actor is None
    assert event.actor_label == "system"


@pytest.mark.django_db(transaction=True)
def test_duplicate_username_creates_no_user_and_no_event():
    create_user(username="asha", password=PASSWORD)

    with pytest.raises(IntegrityError):
        create_user(username="asha", password=PASSWORD)

    assert User.objects.filter(username="asha").count() == 1
    assert AuditEvent.objects.filter(action="user.created").count() == 1


@pytest.mark.django_db
def test_set_preferred_language_saves_and_audits_the_change():
    user = create_user(username="asha", password=PASSWORD)

    set_preferred_language(user=user, language="hi", source_address="10.0.0.7")

    assert User.objects.get(pk=user.pk).preferred_language == "hi"
    event = AuditEvent.objects.get(action="user.language_changed")
    assert event.actor == user
    assert event.before == {"preferred_language": "en"}
    assert event.after == {"preferred_language": "hi"}
    assert event.source_address == "10.0.0.7"


@pytest.mark.django_db
def test_set_preferred_language_to_the_same_one_writes_nothing():
    user = create_user(username="asha", password=PASSWORD, preferred_language="hi")
    before = AuditEvent.objects.count()

    set_preferred_language(user=user, language="hi")

    assert AuditEvent.objects.count() == before
