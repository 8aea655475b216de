"""The source registry (settings, system check), the replay corpus and its backend, and the
polling tasks."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from itcell.core import clock
from itcell.core.scheduler import jobs
from itcell.monitoring.errors import Malformed, Misconfigured
from itcell.monitoring.models import Item, Source
from itcell.monitoring.nlp import bundled_gazetteer, tag_many
from itcell.monitoring.services import create_source
from itcell.monitoring.sources import RawItem, configured, locmem, open_source
from itcell.monitoring.sources.checks import check_sources
from itcell.monitoring.sources.locmem import LocmemSource
from itcell.monitoring.sources.replay import CORPUS, GAP_SECONDS, ReplaySource

NOW = datetime(2020, 11, 3, 6, 0, tzinfo=UTC)


@pytest.fixture
def corpus() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


# The registry --------------------------------------------------------------------------


def test_an_alias_builds_its_backend_with_the_settings_and_the_sources_options(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MONITORING_SOURCES = {
        "mem": {
            "BACKEND": "itcell.monitoring.sources.locmem.LocmemSource",
            "OPTIONS": {"batch_size": 7, "stream": "a"},
        },
        "short": "itcell.monitoring.sources.locmem.LocmemSource",
    }

    backend = open_source("mem", {"stream": "b"})

    assert isinstance(backend, LocmemSource)
    assert (backend.batch_size, backend.stream) == (7, "b")
    assert configured()["short"] == {
        "BACKEND": "itcell.monitoring.sources.locmem.LocmemSource",
        "OPTIONS": {},
    }


def test_the_system_check_refuses_backends_that_do_not_load(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MONITORING_SOURCES = {
        "good": "itcell.monitoring.sources.locmem.LocmemSource",
        "missing": "itcell.monitoring.sources.nowhere.Nothing",
        "not_a_source": "itcell.core.clock.now",
        "shapeless": ["itcell.monitoring.sources.locmem.LocmemSource"],
    }

    errors = {e.obj: e.msg for e in check_sources()}

    assert set(errors) == {"missing", "not_a_source", "shapeless"}
    assert "cannot load" in errors["missing"]
    assert "is not a source backend" in errors["not_a_source"]


def test_the_shipped_settings_pass_the_system_check() -> None:
    assert check_sources() == []
    assert {"rss", "file_import", "replay", "locmem"} <= set(configured())


def test_an_unknown_alias_or_option_is_misconfigured() -> None:
    with pytest.raises(Misconfigured, match="no source backend 'orkut'"):
        open_source("orkut")
    with pytest.raises(Misconfigured, match="options do not fit"):
        open_source("rss", {})  # the feed's url is missing
    with pytest.raises(Misconfigured, match="http"):
        open_source("rss", {"url": "file:///etc/passwd"})


# The replay corpus ----------------------------------------------------------------------


def test_the_corpus_has_about_340_items_in_every_language(corpus) -> None:  # type: ignore[no-untyped-def]
    languages = {row["lang"] for row in corpus}

    assert 320 <= len(corpus) <= 360
    assert len({row["id"] for row in corpus}) == len(corpus)
    assert languages == {"hi", "en", "hi-Latn", "bho", "mai"}
    assert [row["offset"] for row in corpus] == sorted(row["offset"] for row in corpus)  # type: ignore[type-var]


def test_the_corpus_has_a_burst_about_raghopur_within_ten_minutes(corpus) -> None:  # type: ignore[no-untyped-def]
    found = tag_many([str(row["text"]) for row in corpus], bundled_gazetteer())
    about_128 = sorted(
        float(row["offset"])  # type: ignore[arg-type]
        for row, tags in zip(corpus, found, strict=True)
        if "128" in tags.acs
    )

    densest = max(sum(1 for t in about_128 if start <= t <= start + 600) for start in about_128)
    assert densest >= 40
    # Elsewhere Raghopur is quiet, so the burst stands out against the hours before it.
    assert len(about_128) - densest <= 5


# The replay backend ----------------------------------------------------------------------


def test_replay_plays_the_corpus_in_real_time(corpus) -> None:  # type: ignore[no-untyped-def]
    source = ReplaySource(loop=False)
    with clock.frozen(NOW):
        first = source.fetch(None)
    with clock.frozen(NOW + timedelta(minutes=10)):
        second = source.fetch(first.cursor)

    due_by_10_min = [row["id"] for row in corpus if float(row["offset"]) <= 600]  # type: ignore[arg-type]
    assert first.items == []  # nothing is due at the very start
    assert [i.external_id for i in second.items] == due_by_10_min
    one = second.items[0]
    assert one.published_at == NOW + timedelta(seconds=float(corpus[0]["offset"]))  # type: ignore[arg-type]
    assert one.platform == corpus[0]["platform"]


def test_replay_loops_with_new_ids_and_can_play_faster(corpus) -> None:  # type: ignore[no-untyped-def]
    length = float(corpus[-1]["offset"]) + GAP_SECONDS  # type: ignore[arg-type]
    source = ReplaySource(speed=10.0, batch_size=10_000)
    with clock.frozen(NOW):
        start = source.fetch(None)
    with clock.frozen(NOW + timedelta(seconds=length / 10 + 2)):
        batch = source.fetch(start.cursor)

    ids = [i.external_id for i in batch.items]
    assert len(ids) == len(set(ids))
    assert ids[: len(corpus)] == [row["id"] for row in corpus]
    assert ids[len(corpus) :] == [f"{corpus[0]['id']}.1"]
    assert batch.cursor["round"] == 1


def test_replay_refuses_a_broken_corpus(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "offset": 1, "text": "x"}\n{"id": "b", "text": "no offset"}\n')

    with pytest.raises(Malformed, match="line 2"):
        ReplaySource(path=str(broken)).fetch(None)


# Tasks -----------------------------------------------------------------------------------


@pytest.fixture
def queue(settings):  # type: ignore[no-untyped-def]
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    return default_task_backend


def test_polling_due_sources_is_a_periodic_job_that_enqueues_one_poll_each(
    bihar,  # type: ignore[no-untyped-def]
    queue,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from itcell.monitoring.tasks import poll_due_sources, poll_source

    due = create_source(election=bihar, name="Due", backend="locmem")
    resting = create_source(election=bihar, name="Resting", backend="locmem")
    Source.objects.filter(pk=resting.pk).update(next_poll_at=clock.now() + timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        claimed = poll_due_sources.call()

    assert "itcell.monitoring.tasks.poll_due_sources" in jobs
    assert claimed == 1
    assert [r.kwargs for r in queue.results] == [{"source_id": due.pk}]  # type: ignore[attr-defined]
    assert poll_source.module_path == "itcell.monitoring.tasks.poll_source"


def test_the_poll_task_polls_the_source_and_skips_a_disabled_one(bihar) -> None:  # type: ignore[no-untyped-def]
    from itcell.monitoring.tasks import poll_source

    locmem.reset()
    locmem.streams["default"] = [RawItem(external_id="1", text="Raghopur", published_at=NOW)]
    source = create_source(election=bihar, name="Mem", backend="locmem")
    off = create_source(election=bihar, name="Off", backend="locmem", enabled=False)

    assert poll_source.call(source_id=source.pk) == {"ok": True, "new": 1, "duplicates": 0}
    assert poll_source.call(source_id=off.pk) == {"skipped": "disabled or deleted"}
    assert Item.objects.count() == 1
    locmem.reset()


# Admin -----------------------------------------------------------------------------------


def test_the_admin_form_checks_a_sources_options_by_building_it(bihar) -> None:  # type: ignore[no-untyped-def]
    from itcell.monitoring.admin import SourceForm

    def form(backend: str, options: str) -> SourceForm:
        return SourceForm(
            data={
                "election": bihar.pk,
                "name": "Feed",
                "backend": backend,
                "options": options,
                "enabled": "on",
                "interval_seconds": "300",
            }
        )

    good = form("rss", '{"url": "https://samachar.example/feed.xml"}')
    no_url = form("rss", "{}")
    a_list = form("rss", '["https://samachar.example/feed.xml"]')
    unknown = form("orkut", "{}")  # not a configured backend

    assert good.is_valid(), good.errors
    assert "options do not fit" in no_url.errors["options"][0]
    assert "must be a JSON object" in a_list.errors["options"][0]
    assert "backend" in unknown.errors


def test_the_admin_actions_enable_and_disable_through_the_audited_service(
    bihar,  # type: ignore[no-untyped-def]
    admin_client,  # type: ignore[no-untyped-def]
) -> None:
    from itcell.audit.models import AuditEvent

    source = create_source(election=bihar, name="Feed", backend="locmem")
    url = "/admin/monitoring/source/"

    admin_client.post(url, {"action": "disable", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert not source.enabled
    admin_client.post(url, {"action": "enable", "_selected_action": [source.pk]})
    source.refresh_from_db()

    assert source.enabled
    assert list(
        AuditEvent.objects.filter(object_type="monitoring.source").values_list("action", flat=True)
    ) == ["monitoring.source_created", "monitoring.source_disabled", "monitoring.source_enabled"]


def test_a_sources_secrets_are_stored_and_audited_sealed(bihar) -> None:  # type: ignore[no-untyped-def]
    from itcell.audit.models import AuditEvent
    from itcell.monitoring.services import create_source

    token = "123456:AAE-secret-bot-token"
    source = create_source(
        election=bihar, name="Party channels", backend="telegram", options={"token": token}
    )
    source.refresh_from_db()
    assert set(source.options["token"]) == {"sealed"}
    assert token not in str(source.options)
    assert token not in str(
        AuditEvent.objects.filter(action="monitoring.source_created").get().after
    )
    assert open_source(source.backend, source.options).token == token  # type: ignore[attr-defined]
