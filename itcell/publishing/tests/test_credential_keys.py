"""``itcell rotate-credential-keys``: every sealed value moves to the first key, so the old
key can be dropped; nothing secret is ever printed."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from itcell.accounts.models import TwoFactorDevice
from itcell.accounts.services.two_factor import device_secret
from itcell.api.models import WebhookSubscription
from itcell.audit.models import AuditEvent
from itcell.monitoring.models import Source
from itcell.monitoring.sources import seal_secrets
from itcell.publishing import crypto
from itcell.publishing.connectors.base import Account
from itcell.publishing.models import Channel
from itcell.publishing.tests.factories import channel

TOKEN = "platform-token-do-not-print"
HOOK_SECRET = "hook-secret-do-not-print"
FEED_KEY = "feed-api-key-do-not-print"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def key() -> str:
    return Fernet.generate_key().decode()


def seal_everywhere(bihar, make_user):  # type: ignore[no-untyped-def]
    """A channel, a webhook subscription, a monitoring source and a two-factor device, each
    holding a secret sealed with the keys of the moment (and a channel without credentials)."""
    kept = channel(bihar, handle="@vip_bihar")
    Channel.objects.filter(pk=kept.pk).update(
        credentials_sealed=crypto.seal({"access_token": TOKEN})
    )
    Channel.objects.create(
        election=bihar, platform="x", handle="@none", name="none", connector="locmem"
    )
    WebhookSubscription.objects.create(
        election=bihar,
        name="newsroom",
        url="https://example.com/hook",
        sealed_secret=crypto.seal({"secret": HOOK_SECRET}),
        created_by=(head := make_user("head")),
    )
    TwoFactorDevice.objects.create(user=head, sealed_secret=crypto.seal({"secret": TOTP_SECRET}))
    Source.objects.create(
        election=bihar,
        name="feed",
        backend="locmem",
        options=seal_secrets({"api_key": FEED_KEY, "stream": "plain"}),
    )


def stored_tokens() -> list[str]:
    return [
        *Channel.objects.exclude(credentials_sealed="").values_list(
            "credentials_sealed", flat=True
        ),
        *WebhookSubscription.objects.values_list("sealed_secret", flat=True),
        *(s.options["api_key"]["sealed"] for s in Source.objects.all()),
        *TwoFactorDevice.objects.values_list("sealed_secret", flat=True),
    ]


def opened_secrets() -> list[object]:
    return [
        Channel.objects.get(handle="@vip_bihar").credentials["access_token"],
        crypto.open_sealed(WebhookSubscription.objects.get().sealed_secret)["secret"],
        crypto.open_sealed(Source.objects.get().options["api_key"]["sealed"])["api_key"],
        device_secret(TwoFactorDevice.objects.get()),
    ]


def test_rotation_moves_every_sealed_value_to_the_new_key(settings, bihar, make_user):
    old, new = key(), key()
    settings.ITCELL_CREDENTIAL_KEYS = [old]
    seal_everywhere(bihar, make_user)
    before = stored_tokens()

    settings.ITCELL_CREDENTIAL_KEYS = [new, old]
    out, err = StringIO(), StringIO()
    call_command("rotate_credential_keys", stdout=out, stderr=err)

    settings.ITCELL_CREDENTIAL_KEYS = [new]  # the old key dropped: everything still opens
    assert opened_secrets() == [TOKEN, HOOK_SECRET, FEED_KEY, TOTP_SECRET]
    assert not set(before) & set(stored_tokens())
    printed = out.getvalue() + err.getvalue()
    assert "publishing.channel: 1 resealed" in printed
    assert "api.webhooksubscription: 1 resealed" in printed
    assert "monitoring.source: 1 resealed" in printed
    assert "accounts.twofactordevice: 1 resealed" in printed
    for secret in (TOKEN, HOOK_SECRET, FEED_KEY, TOTP_SECRET, old, new, *before, *stored_tokens()):
        assert secret not in printed
    assert AuditEvent.objects.filter(action="credentials.keys_rotated").exists()


def test_a_value_no_key_opens_stops_the_rotation_with_nothing_changed(settings, bihar, make_user):
    settings.ITCELL_CREDENTIAL_KEYS = [key()]
    seal_everywhere(bihar, make_user)
    before = stored_tokens()

    settings.ITCELL_CREDENTIAL_KEYS = [key()]  # the sealing key is lost
    with pytest.raises(CommandError, match="put back the key") as error:
        call_command("rotate_credential_keys", stdout=StringIO())

    assert stored_tokens() == before
    assert TOKEN not in str(error.value)


def test_an_installation_without_keys_moves_to_its_own_key(settings, bihar, make_user):
    settings.ITCELL_CREDENTIAL_KEYS = []  # sealed with the key derived from SECRET_KEY
    seal_everywhere(bihar, make_user)
    new = key()

    settings.ITCELL_CREDENTIAL_KEYS = [new, crypto.FROM_SECRET_KEY]
    call_command("rotate_credential_keys", stdout=StringIO())

    settings.ITCELL_CREDENTIAL_KEYS = [new]
    assert opened_secrets() == [TOKEN, HOOK_SECRET, FEED_KEY, TOTP_SECRET]


def test_generate_key_prints_a_usable_key_and_changes_nothing(settings, bihar, make_user):
    settings.ITCELL_CREDENTIAL_KEYS = [key()]
    seal_everywhere(bihar, make_user)
    before = stored_tokens()
    out = StringIO()

    call_command("rotate_credential_keys", "--generate-key", stdout=out, stderr=StringIO())

    Fernet(out.getvalue().strip())
    assert stored_tokens() == before


def test_a_malformed_key_is_named_without_echoing_it(settings):
    settings.ITCELL_CREDENTIAL_KEYS = ["not-a-key-but-a-secret"]
    with pytest.raises(ImproperlyConfigured) as error:
        crypto.seal({"a": "b"})
    assert "not-a-key-but-a-secret" not in str(error.value)


def test_an_account_never_shows_its_credentials_in_its_repr():
    account = Account(handle="@vip_bihar", credentials={"access_token": TOKEN})

    assert TOKEN not in repr(account)
