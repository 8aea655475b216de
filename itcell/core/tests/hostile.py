"""What the ``test_hostile_input.py`` files share: hypothesis settings that give CI the same
examples on every run (derandomised) and no per-example deadline (these machines are shared
and a database example may be slow). A file picks its own number of examples:
``settings(REPEATABLE, max_examples=200)``."""

from hypothesis import HealthCheck, settings

REPEATABLE = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
