"""Claim matching with multilingual-e5-small (the embeddings extra): the model loads from the
installed package with the network refused, matches across languages where the lexical index
cannot, is switched off by a setting, and embeds the library once per version."""

import json
import subprocess
import sys
import textwrap

import pytest
from django.core.cache import cache

from itcell.core import clock
from itcell.monitoring import alerts
from itcell.monitoring.models import Alert
from itcell.monitoring.nlp import embeddings
from itcell.monitoring.nlp.claims import (
    Claim,
    ClaimKind,
    EmbeddingClaimIndex,
    LexicalClaimIndex,
)

FLOOD_RELIEF, POLLS_CLOSE, NO_AADHAAR = 13, 16, 9
ENGLISH_ONLY = (
    Claim(
        FLOOD_RELIEF,
        ClaimKind.MISINFORMATION,
        ("Flood relief of Rs 6000 was paid only to party workers",),
    ),
    Claim(POLLS_CLOSE, ClaimKind.MISINFORMATION, ("Polling booths will close at 3 pm this time",)),
    Claim(
        NO_AADHAAR,
        ClaimKind.MISINFORMATION,
        ("Voters without an Aadhaar card will not be allowed to vote",),
    ),
)
FLOOD_RELIEF_HI = "बाढ़ राहत के 6000 रुपये सिर्फ पार्टी कार्यकर्ताओं को मिले"


@pytest.fixture(scope="module")
def embedder() -> embeddings.E5Embedder:
    return embeddings.E5Embedder()  # the model itself is loaded once per process


def test_model_loads_and_embeds_with_the_network_refused() -> None:
    # A fresh process, so the load itself happens with every socket refused.
    script = textwrap.dedent(
        """
        import json, socket
        def refuse(*args, **kwargs):
            raise OSError("the network was used")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from itcell.monitoring.nlp.embeddings import E5Embedder
        same_hi, same_en, unrelated = E5Embedder().embed([
            "शराबबंदी खत्म होगी, सरकार ने आदेश जारी किया",
            "Government orders end of liquor prohibition in Bihar",
            "Good morning everyone, have a nice day",
        ])
        print(json.dumps({
            "dimensions": len(same_hi),
            "same": float(same_hi @ same_en),
            "unrelated": float(same_hi @ unrelated),
        }))
        """
    )
    done = subprocess.run(  # noqa: S603  (our own script, run by this Python)
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["dimensions"] == 384
    assert found["same"] > found["unrelated"] + 0.05, found


def test_vectors_are_unit_length_and_one_per_text(embedder: embeddings.E5Embedder) -> None:
    vectors = embedder.embed(["EVM se vote apne aap BJP ko jata hai"] * 20)  # two batches
    assert vectors.shape == (20, 384)
    assert float(vectors[0] @ vectors[19]) == pytest.approx(1.0, abs=1e-5)
    assert float(vectors[0] @ vectors[0]) == pytest.approx(1.0, abs=1e-5)


def test_hindi_post_matches_an_english_only_claim_with_embeddings_not_lexically(
    embedder: embeddings.E5Embedder,
) -> None:
    lexical = LexicalClaimIndex(ENGLISH_ONLY)
    combined = EmbeddingClaimIndex(ENGLISH_ONLY, embedder)
    assert lexical.match(FLOOD_RELIEF_HI) == []
    [found] = combined.match(FLOOD_RELIEF_HI)
    assert found.claim_id == FLOOD_RELIEF
    assert combined.threshold <= found.score <= 1.0


def test_a_post_on_the_topic_that_repeats_no_claim_is_not_suggested(
    embedder: embeddings.E5Embedder,
) -> None:
    combined = EmbeddingClaimIndex(ENGLISH_ONLY, embedder)
    assert combined.match_batch(["मतदान सुबह 7 बजे से शुरू होगा", "🙏🙏", ""]) == [[], [], []]


def test_lexical_matches_stay_when_embeddings_are_on(embedder: embeddings.E5Embedder) -> None:
    text = "Flood relief of Rs 6000 was paid only to party workers, say villagers"
    lexical = LexicalClaimIndex(ENGLISH_ONLY).match(text)
    combined = EmbeddingClaimIndex(ENGLISH_ONLY, embedder).match(text)
    assert [m.claim_id for m in combined] == [m.claim_id for m in lexical] == [FLOOD_RELIEF]
    assert combined[0].score >= lexical[0].score


def _library(election: object) -> None:
    for claim in ENGLISH_ONLY:
        alerts.create_claim(
            election=election,  # type: ignore[arg-type]
            actor=None,
            kind=claim.kind.value,
            summary=claim.texts[0],
            forms=claim.texts[0],
        )


@pytest.mark.django_db
def test_setting_off_falls_back_to_lexical_matching(bihar, settings) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    _library(bihar)
    settings.MONITORING_EMBEDDINGS = "off"
    assert alerts.claim_library(election=bihar, by_meaning=True) is None
    assert not alerts.matches_by_meaning()
    off = alerts.claim_library(election=bihar)
    settings.MONITORING_EMBEDDINGS = "auto"
    auto = alerts.claim_library(election=bihar, by_meaning=True)
    assert off is not None
    assert auto is not None
    assert isinstance(off.index, LexicalClaimIndex)
    assert off.index.match(FLOOD_RELIEF_HI) == []
    assert isinstance(auto.index, EmbeddingClaimIndex)
    assert [m.summary for m in _claims(auto.index.match(FLOOD_RELIEF_HI))] == [
        ENGLISH_ONLY[0].texts[0]
    ]


@pytest.mark.django_db
def test_items_are_matched_by_meaning_after_ingest_and_alert_then(  # type: ignore[no-untyped-def]
    bihar, settings
) -> None:
    from itcell.monitoring.models import ClaimMatch, Item
    from itcell.monitoring.services import create_source, ingest
    from itcell.monitoring.sources import Batch, RawItem
    from itcell.organisation.services import create_desks

    cache.clear()
    create_desks(election=bihar)  # the alert needs a desk to go to
    settings.MONITORING_EMBEDDINGS = "auto"
    _library(bihar)
    source = create_source(election=bihar, name="Stream", backend="locmem")
    now = clock.now()
    posts = [RawItem("hi", FLOOD_RELIEF_HI, now), RawItem("other", "आज मौसम साफ़ रहा", now)]
    ingest(source=source, batch=Batch(posts, cursor=None))
    # Ingest matched lexically (nothing: the claim is stored in English only), quickly.
    assert ClaimMatch.objects.count() == 0
    assert Item.objects.filter(meaning_matched=False).count() == 2

    assert alerts.match_claims_by_meaning(election=bihar) == 2
    [match] = ClaimMatch.objects.all()
    assert (match.item.external_id, match.claim.summary) == ("hi", ENGLISH_ONLY[0].texts[0])
    assert Alert.objects.filter(kind=Alert.Kind.CLAIM, item=match.item).count() == 1
    assert not Item.objects.filter(meaning_matched=False).exists()
    assert alerts.match_claims_by_meaning(election=bihar) == 0  # nothing left waiting


def _claims(matches: list) -> list:  # type: ignore[type-arg]
    from itcell.monitoring.models import Claim as LibraryRow

    return [LibraryRow.objects.get(pk=m.claim_id) for m in matches]


def test_auto_without_the_extra_is_lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "available", lambda: False)
    assert embeddings.load_embedder("auto") is None
    assert embeddings.load_embedder("off") is None
    with pytest.raises(ValueError, match="MONITORING_EMBEDDINGS"):
        embeddings.load_embedder("on")


@pytest.mark.django_db
def test_claim_vectors_are_cached_with_the_index(
    bihar,  # type: ignore[no-untyped-def]
    settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache.clear()
    settings.MONITORING_EMBEDDINGS = "auto"
    embedded: list[list[str]] = []
    real = embeddings.E5Embedder.embed

    def counted(self: embeddings.E5Embedder, texts: list[str]):  # type: ignore[no-untyped-def]
        embedded.append(list(texts))
        return real(self, texts)

    monkeypatch.setattr(embeddings.E5Embedder, "embed", counted)
    _library(bihar)
    first = alerts.claim_library(election=bihar, by_meaning=True)
    again = alerts.claim_library(election=bihar, by_meaning=True)
    assert first is not None
    assert again is not None
    assert embedded == [[c.texts[0] for c in ENGLISH_ONLY]]  # the library, embedded once
    assert again is not first  # a copy from the cache, vectors and all
    assert [m.claim_id for m in again.index.match(FLOOD_RELIEF_HI)] == [
        m.claim_id for m in first.index.match(FLOOD_RELIEF_HI)
    ]
    assert len(embedded) == 3  # only the two posts since

    alerts.create_claim(
        election=bihar, actor=None, kind="rebuttal", summary="new", forms="A new claim form"
    )
    alerts.claim_library(election=bihar, by_meaning=True)
    assert len(embedded[-1]) == len(ENGLISH_ONLY) + 1  # a new version of the library
