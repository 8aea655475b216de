"""Settings for the installations ``test_backup`` runs as subprocesses: the site's own, with
a fast password hasher (the demo makes eight users; PBKDF2 takes seconds each)."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
