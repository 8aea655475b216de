"""Every service that changes state writes an audit event: checked statically.

Each ``itcell/*/services.py`` and ``itcell/*/services/*.py`` module is parsed; a public
function (no leading underscore) that writes to the database must call ``record(`` itself or
through functions of the same module. A function *writes* when it, or a function of the same
module it calls, calls one of ``WRITES`` on anything. ``.update(`` and ``.delete(`` count only
without positional arguments, which tells ``QuerySet.update(state=…)`` from ``dict.update(d)``
and ``Model.delete()`` from ``cache.delete(key)``.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "bulk_update",
    "execute",  # raw SQL
}
ONLY_WITHOUT_POSITIONAL = {"update", "delete"}

# Functions that write but rightly record no event, each with its reason. "GAP: to fix"
# marks a real gap, left to the service's owner.
ALLOWED: dict[str, str] = {
    # The chain itself.
    "itcell/audit/services.py:record": "it is the audit writer: its write is the event",
    # Liveness, counters and scheduling bookkeeping: no person's decision, and at a rate that
    # would bury the trail.
    "itcell/core/services.py:beat": "the worker's and scheduler's heartbeat",
    "itcell/monitoring/services.py:add_to_hourly_counts": "rollup counters of ingested items",
    "itcell/monitoring/services.py:add_to_topic_counts": "rollup counters of ingested items",
    "itcell/monitoring/services.py:claim_due_sources": "a poll lease (next_poll_at), no change",
    "itcell/monitoring/services.py:poll_source": (
        "a source's cursor, backoff and last error; the items go through ingest"
    ),
    "itcell/publishing/services/delivery.py:enqueue_delivery": (
        "when a worker should try (enqueued_for); the delivery's own steps are audited"
    ),
    "itcell/publishing/services/engagement.py:sample": "engagement counters read from a platform",
    # Observations from outside, at volume: what the cell decides about them (alerts raised
    # and dismissed, claims matched) is audited in monitoring/alerts.py.
    "itcell/monitoring/services.py:ingest": "stores items read from outside sources",
    # Helpers, public only for other modules: their callers record the event.
    "itcell/monitoring/services.py:insert_rows": "bulk INSERT helper of ingest",
    "itcell/elections/services.py:sync_rows": (
        "helper of load_election, whose election.loaded event carries the counts"
    ),
    "itcell/compliance/services.py:record_findings": (
        "the findings a check saw, written by the screener inside the audited step that ran "
        "the check (submit, approve, delivery)"
    ),
}


def _modules() -> Iterator[Path]:
    yield from sorted(ROOT.glob("itcell/*/services.py"))
    yield from sorted(ROOT.glob("itcell/*/services/*.py"))


def _record_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Local names for ``audit.services.record``, and for the module that holds it."""
    functions, modules = {"record"}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "itcell.audit.services":
            functions |= {a.asname or a.name for a in node.names if a.name == "record"}
        if isinstance(node, ast.ImportFrom) and node.module == "itcell.audit":
            modules |= {a.asname or a.name for a in node.names if a.name == "services"}
        if isinstance(node, ast.Import):
            modules |= {
                a.asname for a in node.names if a.name == "itcell.audit.services" and a.asname
            }
    return functions, modules


def _facts(
    function: ast.AST, record_functions: set[str], record_modules: set[str]
) -> tuple[bool, bool, set[str]]:
    """(writes, records, names of the functions it calls) for one function's body."""
    writes = records = False
    called: set[str] = set()
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        if isinstance(callee, ast.Name):
            called.add(callee.id)
            records |= callee.id in record_functions
        elif isinstance(callee, ast.Attribute):
            if callee.attr in WRITES and not (callee.attr in ONLY_WITHOUT_POSITIONAL and node.args):
                writes = True
            if callee.attr == "record" and (
                isinstance(callee.value, ast.Name) and callee.value.id in record_modules
            ):
                records = True
    return writes, records, called


def _unaudited(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    record_functions, record_modules = _record_names(tree)
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    facts = {
        name: _facts(node, record_functions, record_modules) for name, node in functions.items()
    }
    writes = {name for name, (w, _r, _c) in facts.items() if w}
    records = {name for name, (_w, r, _c) in facts.items() if r}
    changed = True
    while changed:  # through the module's own helpers, to a fixed point
        changed = False
        for name, (_w, _r, called) in facts.items():
            local = called & functions.keys()
            if name not in writes and local & writes:
                writes.add(name)
                changed = True
            if name not in records and local & records:
                records.add(name)
                changed = True
    relative = path.relative_to(ROOT).as_posix()
    for name in sorted(writes - records):
        if not name.startswith("_"):
            yield f"{relative}:{name}"


def test_every_service_that_writes_records_an_audit_event() -> None:
    missing = [name for path in _modules() for name in _unaudited(path) if name not in ALLOWED]
    assert missing == [], "these services write without audit.services.record: " + ", ".join(
        missing
    )


def test_the_allow_list_names_only_functions_that_exist_and_write() -> None:
    found = {name for path in _modules() for name in _unaudited(path)}
    assert sorted(set(ALLOWED) - found) == []


def test_every_allowed_function_has_a_reason() -> None:
    assert all(reason.strip() for reason in ALLOWED.values())
