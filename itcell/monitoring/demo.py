"""The demo's monitoring: the bundled sample conversation (written for the purpose, not real
posts) replayed in real time, with a day of it compressed behind it as history so spikes
have a baseline; a claims library with the party's answers. The replay starts a quarter of an
hour before the demo, so its opening burst about Bahadurganj (AC 52) has already raised an
alert at the Bahadurganj desk when the demo opens, and a news channel with over a million
followers naming the party's Bahadurganj candidate has raised another. A first stance model,
trained on the bundled labelled set, guesses the stance of the live items."""

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from itcell.core import clock
from itcell.elections.models import Election
from itcell.monitoring.alerts import create_claim, raise_spike_alerts
from itcell.monitoring.models import Claim, Source
from itcell.monitoring.narratives import group_narratives
from itcell.monitoring.services import create_source, ingest, poll_source
from itcell.monitoring.sources.replay import CORPUS, GAP_SECONDS, ReplaySource, load_corpus
from itcell.monitoring.stance import store_model

REPLAY = "Sample conversation (replay)"
HISTORY = timedelta(hours=23)  # the first round, compressed into the day before the demo
LIVE_SINCE = timedelta(minutes=15)  # the live replay started this long before the demo
STANCE_SET = Path(__file__).resolve().parent / "nlp" / "eval" / "stance.jsonl"

CLAIMS = [
    (
        Claim.Kind.MISINFORMATION,
        "The Bahadurganj bridge approach road was built only last year",
        "बहादुरगंज पुल का एप्रोच रोड पिछले साल ही बना था और पहली बारिश में बह गया\n"
        "Bahadurganj pul ka approach road pichhle saal hi bana tha aur pehli baarish me bah gaya\n"
        "The Bahadurganj bridge approach road was built only last year",
        "बहादुरगंज पुल का एप्रोच रोड 2014 में बना था; 'पिछले साल बना' वाला दावा ग़लत है। "
        "अस्थायी रास्ते का काम शुरू हो गया है और प्रखंड कार्यालय के पास राहत शिविर खुले हैं।",
        "The Bahadurganj bridge approach road was built in 2014; the claim that it was built "
        "last year is false. Work on a temporary diversion has begun and relief camps are open "
        "near the block office.",
    ),
    (
        Claim.Kind.MISINFORMATION,
        "EVMs send every vote to one party",
        "ईवीएम में कोई भी बटन दबाओ, वोट एक ही पार्टी को जाता है\n"
        "EVM me koi bhi button dabao vote ek hi party ko jata hai\n"
        "Whatever button you press on the EVM, the vote goes to one party",
        "ईवीएम हर बटन का वोट उसी प्रत्याशी को दर्ज करती है; वीवीपैट की पर्ची से आप ख़ुद देख "
        "सकते हैं। अफ़वाह न फैलाएँ, शिकायत हो तो पीठासीन अधिकारी से कहें।",
        "An EVM records each vote for the candidate whose button was pressed; the VVPAT slip "
        "lets every voter see it. Report a problem to the presiding officer.",
    ),
    (
        Claim.Kind.OPPONENT_LINE,
        "No jobs came to Bihar in five years",
        "पाँच साल में बिहार में एक भी नौकरी नहीं आई\n"
        "paanch saal me Bihar me ek bhi naukri nahi aayi\n"
        "Not a single job came to Bihar in five years",
        "",
        "",
    ),
]


def train_starter_model(*, election: Election, now: datetime) -> None:
    """The stance classifier's first model, before the analysts have labelled anything:
    trained on the bundled labelled set (``nlp/eval/stance.jsonl``: stance towards VIP, the
    demo's party, and its allies), so the live replay's items arrive with guesses."""
    with STANCE_SET.open(encoding="utf-8") as lines:
        examples = [json.loads(line) for line in lines if line.strip()]
    store_model(
        election=election,
        now=now,
        texts=[e["text"] for e in examples],
        stances=[e["stance"] for e in examples],
        digest="bundled",
    )


def build(*, election: Election, now: datetime | None = None) -> None:
    if Source.objects.filter(election=election, name=REPLAY).exists():
        return
    now = now or clock.now()
    for kind, summary, forms, answer_hi, answer_en in CLAIMS:
        create_claim(
            election=election,
            actor=None,
            kind=kind,
            summary=summary,
            forms=forms,
            answer_hi=answer_hi,
            answer_en=answer_en,
        )
    source = create_source(election=election, name=REPLAY, backend="replay")
    corpus = load_corpus(CORPUS)
    round_seconds = corpus[-1].offset + GAP_SECONDS
    history = ReplaySource(
        speed=round_seconds / HISTORY.total_seconds(), loop=False, batch_size=len(corpus)
    ).fetch({"started_at": (now - HISTORY - LIVE_SINCE).isoformat(), "round": 0, "position": 0})
    # Yesterday's large-account mentions were seen to yesterday: today's raise the alert.
    quiet = [replace(item, author_followers=None) for item in history.items]
    ingest(source=source, batch=replace(history, items=quiet), now=now)
    train_starter_model(election=election, now=now)
    # Live from round 1 (its own ids), which began a quarter of an hour ago.
    started = now - LIVE_SINCE - timedelta(seconds=round_seconds)
    source.cursor = {"started_at": started.isoformat(), "round": 1, "position": 0}
    source.save(update_fields=["cursor"])
    poll_source(source=source, now=now)
    group_narratives(election=election, now=now)
    raise_spike_alerts(election=election, now=now)
