"""Rotating the keys that seal credentials (``publishing.crypto``): every sealed value in the
database is sealed again with the first key of ITCELL_CREDENTIAL_KEYS, so the older keys can
then be dropped.

Sealed values live in four places: a channel's credentials, a webhook subscription's signing
secret, a member's two-factor secret, and the secret options of a monitoring source
(``{"sealed": ...}`` inside its JSON).
The audit trail also holds sealed copies of source options as they were set; those are part of
the hash chain and are left as written (they are a record, never opened to connect).
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from itcell.accounts.models import TwoFactorDevice
from itcell.api.models import WebhookSubscription
from itcell.audit.services import record
from itcell.monitoring.models import Source
from itcell.publishing import crypto
from itcell.publishing.models import Channel

BATCH = 500


def _resealed_options(options: Any) -> Any:
    if not isinstance(options, Mapping):
        return options
    return {
        name: {"sealed": crypto.reseal(str(value["sealed"]))}
        if isinstance(value, Mapping) and set(value) == {"sealed"}
        else value
        for name, value in options.items()
    }


def _has_sealed_option(options: Any) -> bool:
    return isinstance(options, Mapping) and any(
        isinstance(value, Mapping) and set(value) == {"sealed"} for value in options.values()
    )


def _reseal_column(model: type[models.Model], field: str) -> int:
    rows: list[models.Model] = list(
        model._default_manager.select_for_update().exclude(**{field: ""}).only("pk", field)
    )
    for row in rows:
        try:
            setattr(row, field, crypto.reseal(getattr(row, field)))
        except ImproperlyConfigured as exc:
            raise ImproperlyConfigured(f"{model._meta.label_lower} #{row.pk}: {exc}") from exc
    model._default_manager.bulk_update(rows, [field], batch_size=BATCH)
    return len(rows)


@transaction.atomic
def reseal_all() -> dict[str, int]:
    """Seal every sealed value again with the first key, in one transaction: all rows move to
    the new key or, if any value opens with none of the keys, none do (``ImproperlyConfigured``
    naming the row). Returns the rows resealed per model label."""
    counts = {
        Channel._meta.label_lower: _reseal_column(Channel, "credentials_sealed"),
        WebhookSubscription._meta.label_lower: _reseal_column(WebhookSubscription, "sealed_secret"),
        TwoFactorDevice._meta.label_lower: _reseal_column(TwoFactorDevice, "sealed_secret"),
    }
    sources = [
        source
        for source in Source.objects.select_for_update().only("pk", "options")
        if _has_sealed_option(source.options)
    ]
    for source in sources:
        try:
            source.options = _resealed_options(source.options)
        except ImproperlyConfigured as exc:
            raise ImproperlyConfigured(f"monitoring.source #{source.pk}: {exc}") from exc
    Source.objects.bulk_update(sources, ["options"], batch_size=BATCH)
    counts[Source._meta.label_lower] = len(sources)
    record(actor=None, action="credentials.keys_rotated", object_type="credentials", after=counts)
    return counts
