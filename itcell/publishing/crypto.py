"""Channel credentials, sealed at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from ``ITCELL_CREDENTIAL_KEYS`` (comma-separated Fernet keys, newest first: the
first seals, all open, so keys can be rotated), or else are derived from SECRET_KEY. A
database dump alone never reveals a platform token.

The word ``SECRET_KEY`` in the list stands for the key derived from SECRET_KEY, so an
installation that started without keys of its own can move to them: set
``ITCELL_CREDENTIAL_KEYS=<new key>,SECRET_KEY``, run ``itcell rotate-credential-keys``, then
drop ``SECRET_KEY`` from the list (docs/backup.md, "Rotating the credential keys").
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# In ITCELL_CREDENTIAL_KEYS, this word stands for the key derived from SECRET_KEY.
FROM_SECRET_KEY = "SECRET_KEY"  # noqa: S105  (a name, not a key)


def _derived_key() -> str:
    digest = hashlib.sha256(b"itcell channel credentials:" + settings.SECRET_KEY.encode())
    return base64.urlsafe_b64encode(digest.digest()).decode()


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "ITCELL_CREDENTIAL_KEYS", [])) or [FROM_SECRET_KEY]
    try:
        return MultiFernet(
            [Fernet(_derived_key() if key == FROM_SECRET_KEY else key) for key in keys]
        )
    except ValueError as exc:  # never echo the keys themselves
        raise ImproperlyConfigured(
            "ITCELL_CREDENTIAL_KEYS holds a malformed key: each must be 32 url-safe base64 "
            "bytes, as `itcell rotate-credential-keys --generate-key` prints"
        ) from exc


def generate_key() -> str:
    """A new Fernet key, to put first in ITCELL_CREDENTIAL_KEYS."""
    return Fernet.generate_key().decode()


def seal(credentials: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def reseal(token: str) -> str:
    """The same credentials sealed again with the first key (the token must open with one of
    the keys). Raises ``ImproperlyConfigured`` when none opens it."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "sealed credentials cannot be opened by any key in ITCELL_CREDENTIAL_KEYS: "
            "put back the key they were sealed with"
        ) from exc


def open_sealed(token: str) -> dict[str, str]:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "channel credentials cannot be opened: ITCELL_CREDENTIAL_KEYS or SECRET_KEY changed"
        ) from exc
