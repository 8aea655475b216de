"""Spike detection per key and hour: the gates, the statistic and the sentence shown with it."""

import json
import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from django.utils import translation
from django.utils.functional import Promise

from itcell.monitoring.spikes import (
    DEFAULT_POLICY,
    Spike,
    SpikePolicy,
    describe,
    detect_spike,
    poisson_upper_tail,
)

HOUR = datetime(2025, 11, 6, 9, tzinfo=UTC)  # polling day, phase one, 14:30 IST
ORDINARY_DAY = [4, 6, 5, 3, 7, 5, 4, 6, 5, 5, 4, 6, 5, 3, 7, 5, 4, 6, 5, 5, 4, 6, 5, 5]  # mean 5


def spike(current: int, baseline: list[int], policy: SpikePolicy = DEFAULT_POLICY) -> Spike | None:
    return detect_spike(key="ac:128", hour=HOUR, current=current, baseline=baseline, policy=policy)


# Gates relaxed so that one gate at a time decides.
OPEN = SpikePolicy(min_count=1, min_ratio=1.01, max_p_value=1.0, min_baseline_hours=1)


@pytest.mark.parametrize(
    ("current", "baseline", "alerts"),
    [
        (42, ORDINARY_DAY, True),  # booth-capturing rumour in Raghopur: 8x the usual
        (16, ORDINARY_DAY, True),  # 3.2x, p = 0.00007
        (12, ORDINARY_DAY, False),  # 2.4x: a busy hour, not a spike
        (3, [0] * 24, False),  # 3 against nothing: too few to matter
        (9, [0] * 24, False),  # still under the volume gate
        (10, [0] * 24, True),  # 10 in a usually silent AC
        (300, [100] * 24, True),  # a busy district, 3x
        (250, [100] * 24, False),  # 2.5x of a busy district: a big hour, not a spike
        (80, [4, 6, 5], False),  # three hours of history: no baseline yet
        (0, ORDINARY_DAY, False),
    ],
)
def test_default_policy_on_realistic_hours(current: int, baseline: list[int], alerts: bool) -> None:
    assert (spike(current, baseline) is not None) is alerts


def test_spike_carries_a_readable_statistic() -> None:
    found = spike(42, ORDINARY_DAY)
    assert found is not None
    assert (found.key, found.hour, found.current) == ("ac:128", HOUR, 42)
    assert found.baseline_mean == 5.0
    assert found.baseline_hours == 24
    assert found.expected == 5.0
    assert found.ratio == pytest.approx(8.4)
    assert found.p_value == pytest.approx(_naive_tail(42, 5.0), rel=1e-9)
    assert found.p_value < 1e-15


@pytest.mark.parametrize(
    ("current", "alerts"), [(9, False), (10, True), (11, True)], ids=["below", "at", "above"]
)
def test_min_count_gate(current: int, alerts: bool) -> None:
    policy = replace(OPEN, min_count=10)
    assert (spike(current, [1] * 24, policy) is not None) is alerts


@pytest.mark.parametrize(
    ("current", "alerts"), [(14, False), (15, True), (16, True)], ids=["below", "at", "above"]
)
def test_min_ratio_gate(current: int, alerts: bool) -> None:
    policy = replace(OPEN, min_ratio=3.0)
    assert (spike(current, [5] * 24, policy) is not None) is alerts


@pytest.mark.parametrize(
    ("limit_towards", "alerts"),
    [(0.0, False), (None, True), (1.0, True)],
    ids=["below", "at", "above"],
)
def test_max_p_value_gate(limit_towards: float | None, alerts: bool) -> None:
    p = poisson_upper_tail(20, 5.0)
    limit = p if limit_towards is None else math.nextafter(p, limit_towards)
    policy = replace(OPEN, max_p_value=limit)
    assert (spike(20, [5] * 24, policy) is not None) is alerts


@pytest.mark.parametrize(
    ("hours", "alerts"), [(5, False), (6, True), (7, True)], ids=["below", "at", "above"]
)
def test_min_baseline_hours_gate(hours: int, alerts: bool) -> None:
    policy = replace(OPEN, min_baseline_hours=6)
    assert (spike(50, [5] * hours, policy) is not None) is alerts


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [([0] * 23 + [1], 1.0), ([1] * 24, 1.0), ([2] + [1] * 23, 25 / 24)],
    ids=["below", "at", "above"],
)
def test_quiet_keys_are_compared_with_the_floor(baseline: list[int], expected: float) -> None:
    found = spike(30, baseline, replace(OPEN, baseline_floor=1.0))
    assert found is not None
    assert found.expected == pytest.approx(expected)
    assert found.ratio == pytest.approx(30 / expected)
    assert found.baseline_mean == pytest.approx(sum(baseline) / 24)


def test_spike_survives_storage_as_json_figures() -> None:
    found = spike(42, ORDINARY_DAY)
    assert found is not None
    stored = json.loads(json.dumps(found.figures()))
    assert Spike.from_figures(key="ac:128", hour=HOUR, figures=stored) == found


def test_spike_from_figures_stored_without_expected() -> None:
    figures = {"current": 42, "baseline_mean": 5.0, "baseline_hours": 24, "ratio": 8.4}
    restored = Spike.from_figures(key="ac:128", hour=HOUR, figures={**figures, "p_value": 1e-9})
    assert restored.expected == pytest.approx(5.0)


def test_baseline_order_does_not_matter() -> None:
    assert spike(42, ORDINARY_DAY) == spike(42, sorted(ORDINARY_DAY))


@pytest.mark.parametrize(("current", "baseline"), [(-1, [1] * 24), (10, [1] * 23 + [-1])])
def test_negative_counts_are_refused(current: int, baseline: list[int]) -> None:
    with pytest.raises(ValueError, match="not negative"):
        spike(current, baseline)


@pytest.mark.parametrize(
    "changes",
    [
        {"min_count": 0},
        {"min_ratio": 1.0},
        {"max_p_value": 0.0},
        {"max_p_value": 1.5},
        {"min_baseline_hours": 0},
        {"baseline_floor": 0.0},
    ],
)
def test_policy_refuses_meaningless_thresholds(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"above|at least"):
        SpikePolicy(**changes)  # type: ignore[arg-type]


def _naive_tail(count: int, mean: float) -> float:
    """P(X >= count) the textbook way; fine for small means."""
    return 1.0 - math.fsum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(count))


@pytest.mark.parametrize(
    ("count", "mean"),
    [(1, 0.5), (3, 2.0), (10, 2.0), (10, 10.0), (15, 5.0), (5, 8.0), (30, 12.5), (2, 30.0)],
)
def test_poisson_tail_agrees_with_the_textbook_sum(count: int, mean: float) -> None:
    assert poisson_upper_tail(count, mean) == pytest.approx(_naive_tail(count, mean), rel=1e-9)


@pytest.mark.parametrize(
    ("count", "mean", "expected"),
    [
        (0, 5.0, 1.0),
        (1, 0.0, 0.0),
        (1, 2.0, 1 - math.exp(-2.0)),
        (5000, 5000.0, pytest.approx(0.5, abs=0.01)),  # the median of a large Poisson
        (4000, 5000.0, pytest.approx(1.0)),
        (6000, 5000.0, pytest.approx(0.0, abs=1e-40)),
        (10**6, 1.0, 0.0),
    ],
)
def test_poisson_tail_at_the_edges(count: int, mean: float, expected: object) -> None:
    assert poisson_upper_tail(count, mean) == expected


def test_sentence_states_the_statistic_in_english() -> None:
    found = spike(42, ORDINARY_DAY)
    assert found is not None
    with translation.override("en"):
        assert str(describe(found)) == (
            "42 items this hour against 5.0 an hour over the previous 24 hours (8.4 times the "
            "usual). At the usual rate an hour this busy comes by chance less than once in a "
            "million hours."
        )


@pytest.mark.parametrize(
    ("current", "chance"),
    [(16, "about once in 14,491 hours"), (10, "about once in 21,506 hours")],
)
def test_sentence_says_how_rare_the_hour_is(current: int, chance: str) -> None:
    baseline = ORDINARY_DAY if current == 16 else [2] * 24
    found = spike(current, baseline, OPEN)
    assert found is not None
    with translation.override("en"):
        assert str(describe(found)).endswith(f"comes by chance {chance}.")


HINDI = {
    "%(current)s items this hour against %(mean)s an hour over the previous %(hours)s hours "
    "(%(ratio)s times the usual). At the usual rate an hour this busy comes by chance "
    "%(chance)s.": "इस घंटे %(current)s पोस्ट, जबकि पिछले %(hours)s घंटों में औसत %(mean)s प्रति घंटा"
    " (सामान्य का %(ratio)s गुना)। सामान्य दर पर इतना व्यस्त घंटा संयोग से %(chance)s आता है।",
    "less than once in a million hours": "दस लाख घंटों में एक बार से भी कम",
    "about once in %(hours)s hours": "लगभग %(hours)s घंटों में एक बार",
}


@pytest.fixture
def hindi_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Hindi strings the .po file is to carry, served through gettext as Django would."""
    from django.utils.translation import _trans, get_language

    real = _trans.gettext

    def gettext(message: str) -> str:
        return HINDI.get(message, message) if get_language() == "hi" else real(message)

    monkeypatch.setattr(_trans, "gettext", gettext)


@pytest.mark.usefixtures("hindi_catalogue")
def test_sentence_is_rendered_in_the_language_active_when_shown() -> None:
    found = spike(42, ORDINARY_DAY)
    assert found is not None
    with translation.override("en"):
        sentence = describe(found)  # made while the alert is raised, in English
    assert isinstance(sentence, Promise)
    with translation.override("hi"):
        assert str(sentence) == (
            "इस घंटे 42 पोस्ट, जबकि पिछले 24 घंटों में औसत 5.0 प्रति घंटा (सामान्य का 8.4 गुना)।"
            " सामान्य दर पर इतना व्यस्त घंटा संयोग से दस लाख घंटों में एक बार से भी कम आता है।"
        )
    with translation.override("en"):
        assert str(sentence).startswith("42 items this hour")
