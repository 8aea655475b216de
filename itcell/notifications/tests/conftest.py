"""Factories and fakes for the notifications tests: members with their channel choices, the
task backend that runs pushes inline, and channels that keep what they are given."""

import pytest

from itcell.notifications import channels

TOKEN = "123456:TEST-TOKEN"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DEFERRING = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
LOCMEM = "itcell.notifications.channels.LocmemChannel"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Every member is made with a password; the production hasher takes ~0.5 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(make_user):  # type: ignore[no-untyped-def]
    """Make a member: ``member("asha", language="hi", email="a@x.in", telegram="111")``
    turns on each channel that gets an address."""
    from itcell.notifications.services import set_preferences

    def make(  # type: ignore[no-untyped-def]
        username: str,
        *,
        language: str = "en",
        email: str = "",
        telegram: str = "",
        kinds: tuple[str, ...] | None = None,
    ):
        user = make_user(username, preferred_language=language)
        if email:
            user.email = email
            user.save(update_fields=["email"])
        if email or telegram:
            from itcell.notifications.models import Kind

            chosen = list(kinds) if kinds is not None else list(Kind.values)
            set_preferences(
                user=user,
                email_enabled=bool(email),
                email_kinds=chosen,
                telegram_enabled=bool(telegram),
                telegram_chat_id=telegram,
                telegram_kinds=chosen,
            )
        return user

    return make


@pytest.fixture
def tasks_inline(settings):  # type: ignore[no-untyped-def]
    """Pushes run inside ``enqueue`` (after commit), as a worker would run them."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def tasks_deferred(settings):  # type: ignore[no-untyped-def]
    """Pushes wait in the dummy backend, which keeps them and supports ``run_after``."""
    from django.tasks import default_task_backend

    settings.TASKS = DEFERRING
    return default_task_backend


@pytest.fixture
def outbox(settings):  # type: ignore[no-untyped-def]
    """Both channels keep their messages in ``channels.outbox``."""
    settings.ITCELL_NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": LOCMEM, "OPTIONS": {"name": "email"}},
        "telegram": {"BACKEND": LOCMEM, "OPTIONS": {"name": "telegram"}},
    }
    channels.outbox.clear()
    yield channels.outbox
    channels.outbox.clear()


@pytest.fixture
def telegram(settings, httpserver):  # type: ignore[no-untyped-def]
    """A local server in the Bot API's place; tests say how it answers ``sendMessage``."""
    settings.ITCELL_NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": "itcell.notifications.channels.EmailChannel"},
        "telegram": {
            "BACKEND": "itcell.notifications.channels.TelegramChannel",
            "OPTIONS": {"token": TOKEN, "base_url": httpserver.url_for(""), "timeout": 0.5},
        },
    }
    return httpserver


def send_message_path() -> str:
    return f"/bot{TOKEN}/sendMessage"
