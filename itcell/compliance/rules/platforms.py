"""The platforms' Voluntary Code of Ethics, IAMAI 2019 (ECI-RULES.md §7): defensive checks.
R-VCE-2 is R-ADV-1 (precertification.py)."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import ngettext_lazy

from itcell.compliance.engine import Content, Context, Found, Severity, rule
from itcell.compliance.rules._text import say

VCE = "IAMAI Voluntary Code of Ethics (March 2019)"


@rule("R-VCE-1", Content, source=VCE)
def notices(content: Content, ctx: Context) -> Iterator[Found]:
    if content.notices_on_handle:
        yield Found(
            Severity.INFO,
            say(
                ngettext_lazy(
                    "%(handle)s has had %(count)s takedown notice in this election.",
                    "%(handle)s has had %(count)s takedown notices in this election.",
                    content.notices_on_handle,
                ),
                handle=content.handle,
                count=content.notices_on_handle,
            ),
        )


@dataclass(frozen=True)
class Mismatch:
    reference: str  # the ad's id in the platform's library / the certificate number
    booked_inr: int | None  # None: running on the platform, not in the ledger
    reported_inr: int | None  # None: in the ledger, not in the platform's library


def reconcile(
    ledger: Mapping[str, int], library: Mapping[str, int], tolerance_inr: int = 0
) -> list[Mismatch]:
    """R-VCE-3: the ad library's spend per ad against the ledger's, both keyed by the ad's
    reference; every ad on one side only, or whose amounts differ by more than the tolerance."""
    refs: Iterable[str] = sorted(set(ledger) | set(library))
    return [
        Mismatch(ref, ledger.get(ref), library.get(ref))
        for ref in refs
        if ref not in ledger
        or ref not in library
        or abs(ledger[ref] - library[ref]) > tolerance_inr
    ]
