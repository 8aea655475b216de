"""Spike detection: is this hour's count per key (an AC, a district, a topic) unusually high?

A pure decision: the caller reads the hourly rollups and passes the current hour's count and the
counts of the hours before it (the *baseline*, normally the previous 24); the time comes in as
an argument and is only carried into the result.

    spike = detect_spike(key="ac:128", hour=hour, current=42, baseline=last_24_hours)
    if spike:
        str(describe(spike))  # "42 items this hour against 6.3 an hour over the previous 24 ..."

The statistic. ``expected`` is the baseline mean, raised to ``baseline_floor`` for keys that
are usually silent (so "4 against 0.04 an hour" is not a 100-fold rise). ``ratio`` is
``current / expected``. ``p_value`` is the Poisson upper tail P(X >= current) for a Poisson
count with mean ``expected``: how often an hour at least this busy happens by chance if the
usual rate held. Real conversation is burstier than Poisson (a TV debate, a viral forward), so
p-values run small: the ratio and the minimum volume are the gates that keep alerts rare, and
the p-value matters mainly for quiet keys, where 10 against 2 is chance more often than it
looks.

An hour is a spike when every gate in ``SpikePolicy`` passes:
``len(baseline) >= min_baseline_hours``, ``current >= min_count``, ``ratio >= min_ratio``,
``p_value <= max_p_value``.

Known limit: the baseline is the previous hours, so the morning rise after a quiet night can
look like a spike on a key with a strong daily rhythm; a minimum ratio of 3 absorbs most of it.
A same-hour-yesterday baseline would be the next refinement, and it fits the same function (the
caller chooses which hours are the baseline).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True, slots=True)
class SpikePolicy:
    """When an hour counts as a spike. The defaults suit counts per AC per hour in a
    campaign's last weeks (0-20 items in an ordinary hour)."""

    # An hour needs at least this many items: 3 against 0 is not worth a desk's attention, and
    # 10 items can be read in a few minutes.
    min_count: int = 10
    # This many times the usual rate at least.
    min_ratio: float = 3.0
    # At most this Poisson tail probability. There are about 300 keys (243 ACs, 38 districts,
    # topics) checked 24 times a day; with the ratio and volume gates this keeps chance alerts
    # to well under one a day.
    max_p_value: float = 0.001
    # With less history than this (a new source, a new topic) there is no baseline to speak of.
    min_baseline_hours: int = 6
    # Items per hour a baseline is taken to be at least: a usually silent key is compared
    # with one item an hour, not with 0.04.
    baseline_floor: float = 1.0

    def __post_init__(self) -> None:
        if self.min_count < 1 or self.min_baseline_hours < 1:
            raise ValueError("min_count and min_baseline_hours are at least 1")
        if self.min_ratio <= 1.0:
            raise ValueError("min_ratio is above 1: a spike is more than the usual")
        if not 0.0 < self.max_p_value <= 1.0:
            raise ValueError("max_p_value is a probability above 0")
        if self.baseline_floor <= 0.0:
            raise ValueError("baseline_floor is above 0")


DEFAULT_POLICY = SpikePolicy()


@dataclass(frozen=True, slots=True)
class Spike:
    key: str  # "ac:128", "district:Munger", "topic:prohibition": the caller's key, carried
    hour: datetime  # the start of the hour that spiked, as the caller gave it
    current: int  # items in that hour
    baseline_mean: float  # mean items per hour over the baseline hours
    baseline_hours: int
    expected: float  # the baseline mean, at least the policy's floor
    ratio: float  # current / expected
    p_value: float  # Poisson P(X >= current) with mean ``expected``

    def figures(self) -> dict[str, float]:
        """The statistic as JSON-ready numbers, to store with the alert (``Alert.figures``)."""
        return {
            "current": self.current,
            "baseline_mean": self.baseline_mean,
            "baseline_hours": self.baseline_hours,
            "expected": self.expected,
            "ratio": self.ratio,
            "p_value": self.p_value,
        }

    @classmethod
    def from_figures(cls, *, key: str, hour: datetime, figures: Mapping[str, float]) -> "Spike":
        """The spike back from stored figures, to describe it when the alert is shown. Figures
        stored without ``expected`` get it back from the count and the ratio."""
        current, ratio = int(figures["current"]), float(figures["ratio"])
        return cls(
            key,
            hour,
            current,
            float(figures["baseline_mean"]),
            int(figures["baseline_hours"]),
            float(figures.get("expected", current / ratio)),
            ratio,
            float(figures["p_value"]),
        )


def detect_spike(
    *,
    key: str,
    hour: datetime,
    current: int,
    baseline: Sequence[int],
    policy: SpikePolicy = DEFAULT_POLICY,
) -> Spike | None:
    """A ``Spike`` when ``current`` (the count for ``hour``) passes every gate of ``policy``
    against ``baseline`` (the counts of the hours before, any order), else ``None``."""
    if current < 0 or any(count < 0 for count in baseline):
        raise ValueError("counts are not negative")
    if len(baseline) < policy.min_baseline_hours or current < policy.min_count:
        return None
    mean = sum(baseline) / len(baseline)
    expected = max(mean, policy.baseline_floor)
    ratio = current / expected
    if ratio < policy.min_ratio:
        return None
    p_value = poisson_upper_tail(current, expected)
    if p_value > policy.max_p_value:
        return None
    return Spike(key, hour, current, mean, len(baseline), expected, ratio, p_value)


def poisson_upper_tail(count: int, mean: float) -> float:
    """P(X >= count) for X Poisson-distributed with ``mean``, summed in log space so it holds
    for means in the thousands (where e**-mean underflows)."""
    if count <= 0:
        return 1.0
    if mean <= 0.0:
        return 0.0
    log_mean = math.log(mean)
    if count > mean:
        # The terms from ``count`` up shrink by mean/k each: sum until they stop mattering.
        term = math.exp(-mean + count * log_mean - math.lgamma(count + 1))
        total, k = term, count
        while term > total * 1e-17:
            k += 1
            term *= mean / k
            total += term
        return min(1.0, total)
    # Otherwise 1 - P(X < count); those terms shrink going down from count - 1.
    term = math.exp(-mean + (count - 1) * log_mean - math.lgamma(count))
    lower, k = term, count - 1
    while k > 0 and term > lower * 1e-17:
        term *= k / mean
        k -= 1
        lower += term
    return max(0.0, 1.0 - lower)


# ---- the sentence shown with an alert ------------------------------------------------------

_SENTENCE = _(
    "%(current)s items this hour against %(mean)s an hour over the previous %(hours)s hours "
    "(%(ratio)s times the usual). At the usual rate an hour this busy comes by chance %(chance)s."
)
_ABOUT_ONE_IN = _("about once in %(hours)s hours")
_UNDER_ONE_IN_A_MILLION = _("less than once in a million hours")
_AS_LIKELY_AS_NOT = _("often")


def _chance(p_value: float) -> str:
    if p_value < 1e-6:
        return str(_UNDER_ONE_IN_A_MILLION)
    if p_value > 0.5:
        return str(_AS_LIKELY_AS_NOT)
    return str(_ABOUT_ONE_IN) % {"hours": f"{round(1 / p_value):,}"}


def _sentence(spike: Spike) -> str:
    return str(_SENTENCE) % {
        "current": spike.current,
        "mean": f"{spike.baseline_mean:.1f}",
        "hours": spike.baseline_hours,
        "ratio": f"{spike.ratio:.1f}",
        "chance": _chance(spike.p_value),
    }


_lazy_sentence = lazy(_sentence, str)


def describe(spike: Spike) -> "StrPromise":
    """The spike's statistic as one sentence, rendered in the language active when it is
    shown (English or Hindi), not when it is made."""
    sentence: StrPromise = _lazy_sentence(spike)  # type: ignore[assignment]
    return sentence
