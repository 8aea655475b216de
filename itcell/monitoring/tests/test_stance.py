"""Stance: the classifier (pure), an analyst's label moving the hourly counts, training on the
labels, ingest guessing once a model exists, and the screens (who may label, in English and
Hindi; the queue; "train now")."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.monitoring.models import HourlyCount, Item, ItemTag, Source, Stance, StanceModel
from itcell.monitoring.nlp import Kind, Tag, Tags
from itcell.monitoring.nlp.stance import StanceClassifier, cross_validate
from itcell.monitoring.services import Cell, create_source, ingest, rollup_cells
from itcell.monitoring.sources import Batch, RawItem
from itcell.monitoring.stance import (
    CONFIDENT,
    MIN_LABELS,
    classify_stances,
    label_stance,
    train_stance_model,
)
from itcell.organisation.roles import Role
from itcell.organisation.tests.factories import person
from itcell.publishing.tests.factories import Cell as PublishingCell

NOW = datetime(2020, 10, 20, 6, 40, tzinfo=UTC)
EVAL_SET = Path(__file__).resolve().parent.parent / "nlp" / "eval" / "stance.jsonl"
RAGHOPUR = "Raghopur: RJD holds a rally with Tejashwi Prasad Yadav today"  # AC 128
BAHADURGANJ = "बहादुरगंज में आज सड़क जाम, लोग पुल की माँग कर रहे हैं"  # AC 52


def examples() -> list[dict[str, str]]:
    with EVAL_SET.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def url(name: str, *args: object) -> str:
    return reverse(f"monitoring:{name}", args=["bihar-2020", *args])


def stored(source: Source, texts: list[str], *, prefix: str = "i") -> list[Item]:
    ingest(
        source=source,
        batch=Batch(
            items=[
                RawItem(external_id=f"{prefix}{n}", text=text, published_at=NOW)
                for n, text in enumerate(texts)
            ],
            cursor=None,
        ),
        now=NOW,
    )
    ids = [f"{prefix}{n}" for n in range(len(texts))]
    found = {i.external_id: i for i in Item.objects.filter(source=source, external_id__in=ids)}
    return [found[i] for i in ids]


def counted(election_id: int) -> Counter[Cell]:
    """The hourly counts as stored (cells with a count only)."""
    return Counter(
        {
            (hour, ac, party, stance): n
            for hour, ac, party, stance, n in HourlyCount.objects.filter(
                election_id=election_id, count__gt=0
            ).values_list("hour", "ac_number", "party", "stance", "count")
        }
    )


def recounted(election_id: int) -> Counter[Cell]:
    """The hourly counts recounted from the items, their stored tags and stances."""
    rows = []
    for item in Item.objects.filter(election_id=election_id).prefetch_related("tags"):
        tags = Tags(
            language=item.language,
            script=item.script,
            tags=tuple(Tag(Kind(t.kind), t.key, t.confidence, 0, 0) for t in item.tags.all()),
        )
        rows.append((item.published_at, tags, item.stance))
    return rollup_cells(rows)


@pytest.fixture
def world(cell: PublishingCell) -> PublishingCell:
    clock.set_now(NOW)
    return cell


@pytest.fixture
def source(world: PublishingCell) -> Source:
    return create_source(election=world.election, name="Stream", backend="locmem")


def labelled(source: Source, user: object, n: int) -> list[Item]:
    """``n`` items from the evaluation set, labelled as the set says."""
    chosen = examples()[:n]
    items = stored(source, [e["text"] for e in chosen], prefix="l")
    for item, example in zip(items, chosen, strict=True):
        label_stance(item=item, stance=example["stance"], user=user)
    return items


# The classifier ----------------------------------------------------------------------------


def test_the_classifier_learns_across_scripts_and_round_trips_its_parameters() -> None:
    texts = [e["text"] for e in examples()]
    labels = [e["stance"] for e in examples()]
    classifier = StanceClassifier.train(texts, labels)
    probes = [
        "Nitish babu ke raaj me sadak aur bijli dono aayi, NDA zindabad",
        "बाढ़ राहत का पैसा नहीं मिला, सरकार सोती रही",
        "Voting in phase two will be held on November 3",
    ]
    guesses = classifier.predict_many(probes)
    assert [stance for stance, _ in guesses] == ["for", "against", "neutral"]
    assert all(0 < confidence <= 1 for _, confidence in guesses)
    parameters = json.loads(json.dumps(classifier.parameters()))
    assert StanceClassifier.from_parameters(parameters).predict_many(texts) == (
        classifier.predict_many(texts)
    )
    # Deterministic: the same labels give the same parameters.
    assert StanceClassifier.train(texts, labels).parameters() == classifier.parameters()


def test_cross_validated_accuracy_is_well_above_chance() -> None:
    texts = [e["text"] for e in examples()]
    labels = [e["stance"] for e in examples()]
    assert cross_validate(texts, labels) > 0.6  # three stances: chance is a third


def test_a_classifier_needs_two_stances() -> None:
    with pytest.raises(ValueError, match="two stances"):
        StanceClassifier.train(["a", "b"], ["for", "for"])


# Labels and the hourly counts --------------------------------------------------------------


def test_a_label_moves_the_item_between_stance_cells_of_the_hourly_counts(
    world: PublishingCell, source: Source
) -> None:
    item, other = stored(source, [RAGHOPUR, BAHADURGANJ])
    assert {t.key for t in ItemTag.objects.filter(item=item, kind=Kind.AC)} == {"128"}
    assert counted(world.election.pk) == recounted(world.election.pk)

    label_stance(item=item, stance=Stance.AGAINST, user=world.lead, source_address="10.0.0.1")
    item.refresh_from_db()
    assert (item.stance, item.stance_confidence, item.stance_by) == ("against", 1.0, world.lead)
    assert counted(world.election.pk) == recounted(world.election.pk)
    hour = NOW.replace(minute=0)
    assert counted(world.election.pk)[(hour, 128, "", "against")] == 1
    assert counted(world.election.pk)[(hour, 128, "", "")] == 0
    assert counted(world.election.pk)[(hour, 0, "", "")] == 1  # the other item stays

    label_stance(item=item, stance=Stance.FOR, user=world.head)
    label_stance(item=other, stance=Stance.NEUTRAL, user=world.head)
    label_stance(item=other, stance=Stance.NEUTRAL, user=world.head)  # again: nothing moves
    assert counted(world.election.pk) == recounted(world.election.pk)
    assert counted(world.election.pk)[(hour, 0, "", "for")] == 1
    assert counted(world.election.pk)[(hour, 0, "", "neutral")] == 1
    assert not HourlyCount.objects.filter(count__lt=0).exists()
    event = AuditEvent.objects.filter(action="monitoring.stance_labelled").first()
    assert event is not None
    assert event.before["stance"] == ""
    assert event.after == {"stance": "against"}


def test_only_for_against_or_neutral_is_a_label(world: PublishingCell, source: Source) -> None:
    from itcell.core.errors import InvalidInput

    (item,) = stored(source, [RAGHOPUR])
    with pytest.raises(InvalidInput):
        label_stance(item=item, stance="", user=world.lead)
    assert counted(world.election.pk) == recounted(world.election.pk)


# Training and guessing ---------------------------------------------------------------------


def test_training_waits_for_enough_labels_of_two_stances_that_changed(
    world: PublishingCell, source: Source
) -> None:
    items = labelled(source, world.head, MIN_LABELS - 1)
    assert train_stance_model(election=world.election, now=NOW) is None
    (one_more,) = stored(source, ["Nitish ji ne gaon me bijli pahunchayi"], prefix="m")
    label_stance(item=one_more, stance=Stance.FOR, user=world.head)
    model = train_stance_model(election=world.election, now=NOW)
    assert model is not None
    assert model.labels == MIN_LABELS
    assert model.accuracy is not None
    assert 0 <= model.accuracy <= 1
    # Nothing changed: no new model.
    assert train_stance_model(election=world.election, now=NOW + timedelta(minutes=5)) is None
    label_stance(item=items[0], stance=Stance.NEUTRAL, user=world.head)
    assert train_stance_model(election=world.election, now=NOW + timedelta(minutes=10))
    assert StanceModel.objects.count() == 2


def test_labels_of_one_stance_train_nothing(world: PublishingCell, source: Source) -> None:
    items = stored(source, [f"NDA zindabad {n}" for n in range(MIN_LABELS + 5)])
    for item in items:
        label_stance(item=item, stance=Stance.FOR, user=world.head)
    assert train_stance_model(election=world.election, now=NOW) is None


def test_ingest_guesses_the_stance_once_a_model_exists(
    world: PublishingCell, source: Source
) -> None:
    (before,) = stored(source, ["Nitish babu ke raaj me sadak aur bijli aayi, NDA zindabad"])
    assert (before.stance, before.stance_confidence) == ("", None)
    labelled(source, world.head, 120)
    assert train_stance_model(election=world.election, now=NOW) is not None

    new = stored(
        source,
        [
            "Nitish babu ke raaj me sadak aur bijli aayi, NDA zindabad",
            "बाढ़ राहत का पैसा नहीं मिला, सरकार सोती रही",
        ],
        prefix="n",
    )
    assert [i.stance for i in new] == ["for", "against"]
    assert all(i.stance_by is None and i.stance_confidence >= CONFIDENT for i in new)
    assert counted(world.election.pk) == recounted(world.election.pk)
    # An unsure guess is kept as a confidence, not as a stance.
    (guess,) = classify_stances(election=world.election, texts=["ok"])
    assert guess[0] == "" or (guess[1] or 0) >= CONFIDENT


# Screens -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_an_analyst_labels_an_item_of_their_desk_but_not_of_another(
    client, world: PublishingCell, source: Source, language: str
) -> None:
    ours, theirs = stored(source, [BAHADURGANJ, RAGHOPUR])  # AC 52 (the desk's), AC 128
    analyst = person("analyst", world.desk, Role.ANALYST)
    client.force_login(analyst)
    client.cookies["itcell_language"] = language

    page = client.get(url("item", ours.pk)).content.decode()
    assert url("label_stance", ours.pk) in page
    # The page in the person's language (the new strings are translated at release).
    assert ("यह किस बारे में है" if language == "hi" else "What it is about") in page
    assert url("label_stance", theirs.pk) not in client.get(url("item", theirs.pk)).content.decode()

    response = client.post(url("label_stance", theirs.pk), {"stance": "against"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.stance_by is None

    response = client.post(url("label_stance", ours.pk), {"stance": "against"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.stance, ours.stance_by) == ("against", analyst)

    # Through htmx: the stance box comes back, with the label in it.
    response = client.post(
        url("label_stance", ours.pk), {"stance": "neutral"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    box = response.content.decode()
    assert f'id="stance-{ours.pk}"' in box
    assert "<html" not in box
    ours.refresh_from_db()
    assert ours.stance == "neutral"
    assert counted(world.election.pk) == recounted(world.election.pk)


def test_a_writer_cannot_label(client, world: PublishingCell, source: Source) -> None:
    (ours,) = stored(source, [BAHADURGANJ])
    client.force_login(world.writer)  # writes posts at the desk, does not monitor
    assert client.post(url("label_stance", ours.pk), {"stance": "for"}).status_code == 404
    assert client.get(url("stance")).status_code == 404


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_queue_shows_the_least_sure_first_and_the_head_may_train(
    client, world: PublishingCell, source: Source, language: str
) -> None:
    labelled(source, world.head, 40)
    # A text the model was taught (it is sure of it), and one it knows nothing of.
    unlabelled = stored(source, [examples()[2]["text"], "kal kya hoga dekhte hain"], prefix="u")
    client.force_login(world.head)
    client.cookies["itcell_language"] = language
    page = client.get(url("stance")).content.decode()
    assert ("अलर्ट" if language == "hi" else "Alerts") in page
    assert url("train_stance") in page
    assert all(url("label_stance", i.pk) in page for i in unlabelled)

    assert client.post(url("train_stance")).status_code == 302
    assert StanceModel.objects.count() == 1
    page = client.get(url("stance")).content.decode()
    assert 'id="stance-model"' in page
    unsure, sure = (
        page.index(f'id="item-{unlabelled[1].pk}"'),
        page.index(f'id="item-{unlabelled[0].pk}"'),
    )
    assert unsure < sure  # the item the model is least sure of comes first

    analyst = person("analyst", world.desk, Role.ANALYST)  # labels, may not train the state's
    client.force_login(analyst)
    assert url("train_stance") not in client.get(url("stance")).content.decode()
    assert client.post(url("train_stance")).status_code == 404


def test_the_feed_filters_by_stance(client, world: PublishingCell, source: Source) -> None:
    ours, _theirs = stored(source, [BAHADURGANJ, RAGHOPUR])
    label_stance(item=ours, stance=Stance.AGAINST, user=world.head)
    client.force_login(world.head)
    against = client.get(url("feed") + "?stance=against").content.decode()
    assert BAHADURGANJ in against
    assert RAGHOPUR not in against
    unclassified = client.get(url("feed") + "?stance=none").content.decode()
    assert RAGHOPUR in unclassified
    assert BAHADURGANJ not in unclassified
