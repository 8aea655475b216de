"""Settings of the worker process that ``test_reliability.py`` starts and kills.

The test's own settings (the pytest ``settings`` fixture) do not reach another process, so
the worker runs with these: the project's settings (the database comes from DATABASE_URL,
which the test points at its own test database), a lease short enough for a test to wait
out, and connector timeouts inside that lease, as in production (20 s < 120 s).
"""

from config.settings import *  # noqa: F403

_PACKAGE = "itcell.publishing.connectors"

ITCELL_DELIVERY_LEASE_SECONDS = 2.0
ITCELL_CONNECTORS = {
    "webhook": {"BACKEND": f"{_PACKAGE}.webhook.WebhookConnector", "OPTIONS": {"timeout": 1.0}},
    "x": {"BACKEND": f"{_PACKAGE}.x.XConnector", "OPTIONS": {"timeout": 1.0}},
}
