"""Channel credentials, sealed at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from ``ITCELL_CREDENTIAL_KEYS`` (comma-separated Fernet keys, newest first: the
first seals, all open, so keys can be rotated), or else are derived from SECRET_KEY. A
database dump alone never reveals a platform token.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "ITCELL_CREDENTIAL_KEYS", []))
    if not keys:
        digest = hashlib.sha256(b"itcell channel credentials:" + settings.SECRET_KEY.encode())
        keys = [base64.urlsafe_b64encode(digest.digest()).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(credentials: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()


def open_sealed(token: str) -> dict[str, str]:
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "channel credentials cannot be opened: ITCELL_CREDENTIAL_KEYS or SECRET_KEY changed"
        ) from exc
