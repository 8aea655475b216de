"""Small helpers shared by the benchmarks: repeat a call, report median and p95."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    samples_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples_ms, n=20)[-1]


def measure(name: str, call: Callable[[], object], *, repeat: int = 50, warmup: int = 3) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(name, samples)


def report(title: str, timings: list[Timing], baseline: Timing) -> None:
    print(f"\n{title}")
    print(f"  {'what':<34}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}")
    for t in [baseline, *timings]:
        print(f"  {t.name:<34}{t.median:>10.2f}{t.p95:>10.2f}{t.median / baseline.median:>12.1f}")
