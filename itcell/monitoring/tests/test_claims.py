"""Claim matching: the lexical index on a small library and labelled posts in three forms."""

import pickle
import time
from collections.abc import Sequence

import pytest

from itcell.monitoring.nlp import claims
from itcell.monitoring.nlp.claims import (
    LEXICAL_THRESHOLD,
    Claim,
    ClaimKind,
    EmbeddingClaimIndex,
    LexicalClaimIndex,
    Match,
    build_claim_index,
    transliteration_key,
    word_key,
)

EVM_RIGGED, EVM_SAFE, DATE_CHANGED, NO_JOBS, MOBILE_FINE = 1, 2, 3, 4, 5
DOUBLE_ENGINE, PROHIBITION_ENDS, PROHIBITION_LETTER_FAKE, JUNGLE_RAJ = 6, 7, 8, 9

LIBRARY = (
    Claim(
        EVM_RIGGED,
        ClaimKind.MISINFORMATION,
        (
            "EVM से वोट डालने पर वोट अपने आप भाजपा को चला जाता है",
            "EVM se vote dalne par vote apne aap BJP ko chala jata hai",
            "Votes cast on EVMs automatically go to the BJP",
        ),
    ),
    Claim(
        EVM_SAFE,
        ClaimKind.REBUTTAL,
        (
            "EVM में हर वोट वहीं जाता है जहां बटन दबाया, VVPAT पर्ची से जांच होती है",
            "EVM mein har vote wahi jata hai jahan button dabaya, VVPAT parchi se jaanch hoti hai",
            "Every EVM vote goes to the button pressed and VVPAT slips let anyone verify it",
        ),
    ),
    Claim(
        DATE_CHANGED,
        ClaimKind.MISINFORMATION,
        (
            "बिहार में मतदान की तारीख बदलकर 15 नवंबर कर दी गई है",
            "Bihar mein matdan ki tarikh badalkar 15 November kar di gayi hai",
            "Bihar polling date has been changed to 15 November",
        ),
    ),
    Claim(
        NO_JOBS,
        ClaimKind.OPPONENT_LINE,
        (
            "नीतीश कुमार ने बिहार के युवाओं को नौकरी नहीं दी, पलायन बढ़ा",
            "Nitish Kumar ne Bihar ke yuvaon ko naukri nahi di, palayan badha",
            "Nitish Kumar gave no jobs to Bihar's youth and migration rose",
        ),
    ),
    Claim(
        MOBILE_FINE,
        ClaimKind.MISINFORMATION,
        (
            "मतदान केंद्र पर मोबाइल ले जाने पर 5000 रुपये जुर्माना",
            "matdan kendra par mobile le jane par 5000 rupaye jurmana",
            "Rs 5000 fine for carrying a mobile phone to the polling booth",
        ),
    ),
    Claim(
        DOUBLE_ENGINE,
        ClaimKind.OPPONENT_LINE,
        (
            "डबल इंजन की सरकार ने बिहार को बर्बाद कर दिया",
            "double engine ki sarkar ne Bihar ko barbad kar diya",
            "The double engine government has ruined Bihar",
        ),
    ),
    Claim(
        PROHIBITION_ENDS,
        ClaimKind.MISINFORMATION,
        (
            "शराबबंदी खत्म होगी, सरकार ने आदेश जारी किया",
            "sharabbandi khatam hogi, sarkar ne aadesh jari kiya",
            "Government orders end of liquor prohibition in Bihar",
        ),
    ),
    Claim(
        PROHIBITION_LETTER_FAKE,
        ClaimKind.REBUTTAL,
        (
            "शराबबंदी खत्म करने का कोई आदेश नहीं, वायरल पत्र फर्जी है",
            "sharabbandi khatam karne ka koi aadesh nahi, viral patra farzi hai",
            "No order to end prohibition; the viral letter is fake",
        ),
    ),
    Claim(
        JUNGLE_RAJ,
        ClaimKind.OPPONENT_LINE,
        (
            "लालू राज में बिहार में जंगल राज था",
            "Lalu raj mein Bihar mein jungle raj tha",
            "Bihar was under jungle raj during Lalu's rule",
        ),
    ),
)

# (text as posted, the claim a person would confirm, or None). Written for the purpose: posts,
# forwards and headlines that repeat a claim in other words or spellings, and posts on the
# same topics that repeat none.
LABELLED: tuple[tuple[str, int | None], ...] = (
    # Hindi, Devanagari
    ("सावधान! EVM में कोई भी बटन दबाओ, वोट अपने आप भाजपा को चला जाता है। सबको बताओ", EVM_RIGGED),
    ("चुनाव आयोग: EVM में हर वोट वहीं जाता है जहां बटन दबाया, VVPAT पर्ची से मिलान होता है", EVM_SAFE),
    ("बड़ी खबर: बिहार में मतदान की तारीख बदलकर 15 नवंबर कर दी गई, नोटिस वायरल", DATE_CHANGED),
    ("नीतीश कुमार ने बिहार के युवाओं को नौकरी नहीं दी, इसीलिए पलायन बढ़ा", NO_JOBS),
    ("मतदान केंद्र पर मोबाइल ले जाने पर 5000 रुपये जुर्माना लगेगा, ध्यान रखें", MOBILE_FINE),
    ("डबल इंजन की सरकार ने बिहार को बर्बाद कर दिया है", DOUBLE_ENGINE),
    ("बिहार में शराबबंदी खत्म होगी, सरकार ने आदेश जारी कर दिया", PROHIBITION_ENDS),
    ("शराबबंदी खत्म करने का कोई आदेश नहीं है, वायरल पत्र फर्जी है: मद्य निषेध विभाग", PROHIBITION_LETTER_FAKE),
    ("लालू राज में बिहार में जंगल राज था, लोग शाम को घर से नहीं निकलते थे", JUNGLE_RAJ),
    # romanised Hindi
    (
        "EVM mein koi bhi button dabao vote apne aap BJP ko chala jata hai!! sabko forward karo",
        EVM_RIGGED,
    ),
    (
        "EVM me har vote wahin jata hai jahan button dabaya, VVPAT parchi se milan hota hai",
        EVM_SAFE,
    ),
    ("Bihar me voting ki tareekh badal kar 15 November kar di gayi hai", DATE_CHANGED),
    ("Nitish Kumar ne Bihar ke yuvaon ko naukri nahin di, palayan badha", NO_JOBS),
    ("polling booth par mobile le jaane par 5000 rupaye ka jurmana lagega", MOBILE_FINE),
    ("Double engine ki sarkaar ne Bihar ko barbaad kar diya", DOUBLE_ENGINE),
    ("Sharabbandi khatam hogi, sarkar ne adesh jaari kar diya hai", PROHIBITION_ENDS),
    (
        "sharabbandi khatm karne ka koi adesh nahi hai, viral letter farji hai",
        PROHIBITION_LETTER_FAKE,
    ),
    ("Lalu raj me Bihar me jungle raj tha bhai", JUNGLE_RAJ),
    # English
    ("Votes cast on EVMs automatically go to BJP, no matter which button you press", EVM_RIGGED),
    ("EC: every EVM vote goes to the button pressed, VVPAT slips let voters verify it", EVM_SAFE),
    ("Bihar polling date changed to 15 November, claims viral notice", DATE_CHANGED),
    ("Nitish Kumar gave no jobs to Bihar's youth, migration rose", NO_JOBS),
    ("Rs 5000 fine for carrying mobile phone to polling booth?", MOBILE_FINE),
    ("The double engine government has ruined Bihar, says opposition", DOUBLE_ENGINE),
    ("Government orders end of liquor prohibition in Bihar", PROHIBITION_ENDS),
    ("Fact check: no order to end prohibition, the viral letter is fake", PROHIBITION_LETTER_FAKE),
    ("Bihar was under jungle raj during Lalu's rule, says Shah at Darbhanga rally", JUNGLE_RAJ),
    # said differently: lexical matching is expected to miss some of these
    ("EVM का खेल: बटन किसी का भी दबाओ, वोट कमल को जाता है", EVM_RIGGED),
    ("bhai mobile leke booth pe gaye to 5000 ka fine lagega kya?", MOBILE_FINE),
    ("Sharab bandi hatane ka order aa gaya hai, Nitish sarkar ka faisla", PROHIBITION_ENDS),
    ("Jungle raj wapas mat aane do, Lalu raj yaad karo", JUNGLE_RAJ),
    ("नौकरी नहीं मिली तो युवा पलायन को मजबूर, नीतीश कुमार जिम्मेदार", NO_JOBS),
    # the same topics, no known claim
    ("तेजस्वी यादव ने राघोपुर से नामांकन दाखिल किया", None),
    ("नीतीश कुमार ने मुजफ्फरपुर में जनसभा को संबोधित किया", None),
    ("Tejashwi ne kaha sarkar bani to 10 lakh naukri denge", None),
    ("Chunav aayog ne Bihar mein do charan mein matdan ki ghoshna ki", None),
    ("EVM strong room ke bahar RJD karyakartaon ka pahra", None),
    ("Polling booth par peene ke paani aur ramp ki vyavastha", None),
    ("Liquor seized in Gopalganj ahead of polls, two arrested", None),
    ("Voter turnout in the first phase was 57 percent in Bihar", None),
    ("PM Modi to address rally in Darbhanga on Tuesday", None),
    ("गोपालगंज में अवैध शराब के साथ दो गिरफ्तार", None),
    ("🙏🙏🙏", None),
    ("", None),
    ("जय बिहार", None),
    ("Good morning everyone, have a nice day", None),
)


@pytest.fixture(scope="module")
def index() -> LexicalClaimIndex:
    return LexicalClaimIndex(LIBRARY)


def top1(index: LexicalClaimIndex, text: str) -> int | None:
    found = index.match(text, limit=1)
    return found[0].claim_id if found else None


def test_top1_precision_on_labelled_posts_is_at_least_09(index: LexicalClaimIndex) -> None:
    predicted = [(top1(index, text), expected) for text, expected in LABELLED]
    suggested = [(got, expected) for got, expected in predicted if got is not None]
    precision = sum(got == expected for got, expected in suggested) / len(suggested)
    assert precision >= 0.9, [
        (t, e) for (t, e), (g, _) in zip(LABELLED, predicted, strict=True) if g != e
    ]


def test_recall_on_labelled_posts_is_at_least_08(index: LexicalClaimIndex) -> None:
    positives = [(text, expected) for text, expected in LABELLED if expected is not None]
    found = sum(top1(index, text) == expected for text, expected in positives)
    assert found / len(positives) >= 0.8


def test_labelled_set_has_30_pairs_in_every_form() -> None:
    assert len(LABELLED) >= 30
    assert sum(1 for _, e in LABELLED if e is None) >= 10
    assert {e for _, e in LABELLED} >= {c.id for c in LIBRARY}


def _one_form(form: int) -> LexicalClaimIndex:
    return LexicalClaimIndex(Claim(c.id, c.kind, (c.texts[form],)) for c in LIBRARY)


@pytest.mark.parametrize("claim", LIBRARY, ids=lambda c: str(c.id))
def test_romanised_post_meets_claim_stored_only_in_devanagari(claim: Claim) -> None:
    assert top1(_one_form(0), claim.texts[1]) == claim.id


@pytest.mark.parametrize("claim", LIBRARY, ids=lambda c: str(c.id))
def test_devanagari_post_meets_claim_stored_only_romanised(claim: Claim) -> None:
    assert top1(_one_form(1), claim.texts[0]) == claim.id


def test_lexical_index_does_not_pretend_to_match_translations() -> None:
    # Hindi against English: the lexical fallback cannot, which is why claims carry every form.
    english_only = _one_form(2)
    assert top1(english_only, "शराबबंदी खत्म होगी, सरकार ने आदेश जारी किया") is None


@pytest.mark.parametrize(
    ("spellings", "same"),
    [
        (("सरकार", "sarkar", "sarkaar", "Sarkaar"), True),
        (("नहीं", "nahi", "nahin", "nahee"), True),
        (("शराबबंदी", "sharabbandi", "sharaabbandi", "SHARABBANDI"), True),
        (("वोट", "vote", "Vote", "wot"), True),
        (("ज़मीन", "zameen", "jamin"), True),
        (("नौकरी", "naukri", "nokri"), True),
        (("फर्जी", "farzi", "pharji"), True),
        (("नीतीश", "nitish", "neetish", "Nitish"), True),
        (("नौकरी", "नगरी"), False),
        (("जंगल", "जनता"), False),
        (("vote", "note"), False),
        (("15", "50"), False),
    ],
)
def test_word_key_brings_spellings_together_and_keeps_words_apart(
    spellings: tuple[str, ...], same: bool
) -> None:
    keys = {word_key(s.casefold()) for s in spellings}
    assert (len(keys) == 1) is same, keys


def test_key_drops_links_mentions_emoji_and_small_words() -> None:
    assert transliteration_key("@rjd https://t.co/xyz शराबबंदी 🙏 खत्म है!!") == "srbndi ktm"


def _score(text: str, claim_id: int) -> float:
    everything = LexicalClaimIndex(LIBRARY, threshold=0.0)
    return next(
        m.score for m in everything.match(text, limit=len(LIBRARY)) if m.claim_id == claim_id
    )


@pytest.mark.parametrize(
    ("offset", "matches"), [(-1e-9, True), (0.0, True), (1e-9, False)], ids=["below", "at", "above"]
)
def test_a_claim_is_suggested_from_the_threshold_up(offset: float, matches: bool) -> None:
    text = "Sharabbandi khatam hogi, sarkar ne adesh jaari kar diya hai"
    score = _score(text, PROHIBITION_ENDS)
    index = LexicalClaimIndex(LIBRARY, threshold=score + offset)
    assert (PROHIBITION_ENDS in {m.claim_id for m in index.match(text)}) is matches


def test_default_threshold_sits_between_labelled_matches_and_non_matches() -> None:
    everything = LexicalClaimIndex(LIBRARY, threshold=0.0)
    best_wrong = max(
        (m.score for text, e in LABELLED for m in everything.match(text) if m.claim_id != e),
        default=0.0,
    )
    assert best_wrong < LEXICAL_THRESHOLD


def test_matches_are_ranked_limited_and_carry_the_kind(index: LexicalClaimIndex) -> None:
    loose = LexicalClaimIndex(LIBRARY, threshold=0.1)
    found = loose.match(
        "sharabbandi khatam karne ka koi aadesh nahi, viral patra farzi hai", limit=2
    )
    assert [m.claim_id for m in found] == [PROHIBITION_LETTER_FAKE, PROHIBITION_ENDS]
    assert found[0].score > found[1].score
    assert found[0].kind is ClaimKind.REBUTTAL
    assert index.match("sharabbandi khatam", limit=0) == []


def test_claim_buried_in_a_long_forward_is_found(index: LexicalClaimIndex) -> None:
    forward = (
        "सुप्रभात दोस्तों। आज मौसम अच्छा है और खेतों में धान की कटाई चल रही है। "
        "गांव में सब ठीक है, बच्चे स्कूल जा रहे हैं और बाजार में रौनक है। "
        "बिहार में मतदान की तारीख बदलकर 15 नवंबर कर दी गई है। "
        "बाकी खबरें शाम को, अपना ध्यान रखें और परिवार को नमस्ते कहें।"
    )
    assert top1(index, forward) == DATE_CHANGED


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "🙏🙏🙏🔥🔥",
        "!!!???...",
        "https://t.co/abc @rjd @bjp4bihar",
        "\u200b\u200d\ufeff",
        "EVM बटन vote 🙏 Bihar बिहार ১২৩ 中文 عربى",
        "a",
    ],
)
def test_hostile_or_empty_text_matches_nothing(index: LexicalClaimIndex, text: str) -> None:
    assert index.match(text) == []


def test_megabyte_post_is_matched_on_its_beginning_quickly(index: LexicalClaimIndex) -> None:
    text = "Sharabbandi khatam hogi, sarkar ne adesh jaari kar diya hai. " + "ब" * 1_000_000
    started = time.perf_counter()
    found = index.match(text)
    assert time.perf_counter() - started < 2.0
    assert found[0].claim_id == PROHIBITION_ENDS


def test_empty_library_matches_nothing() -> None:
    assert LexicalClaimIndex([]).match("EVM se vote apne aap BJP ko jata hai") == []
    assert LexicalClaimIndex([Claim(1, ClaimKind.REBUTTAL, ("", "🙏"))]).match("🙏 hello") == []


class MeaningEmbedder:
    """A stand-in for a multilingual model: texts mentioning the same topic word in any
    language get the same direction. Records its batches."""

    name = "test-meaning"
    topics = (("शराब", "sharab", "liquor", "prohibition"), ("evm",), ("मोबाइल", "mobile"))

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return [
            [1.0 if any(w in t.casefold() for w in words) else 0.0 for words in self.topics]
            + [0.01]
            for t in texts
        ]


def test_embedding_backend_plugs_in_and_matches_across_languages() -> None:
    embedder = MeaningEmbedder()
    claims = [LIBRARY[6], LIBRARY[1]]  # prohibition ends; EVM is safe
    index = build_claim_index(claims, embedder=embedder)
    assert isinstance(index, EmbeddingClaimIndex)
    assert len(embedder.batches) == 1  # the library, embedded once
    [[hit], [evm], []] = index.match_batch(["Liquor ban to go?", "EVM hack?", "Good morning"])
    assert hit == Match(PROHIBITION_ENDS, pytest.approx(1.0, abs=1e-3), ClaimKind.MISINFORMATION)
    assert evm.claim_id == EVM_SAFE
    assert len(embedder.batches) == 2  # the three posts, in one batch


@pytest.mark.parametrize(("text", "_expected"), LABELLED[:: len(LABELLED) // 8])
def test_candidate_pruning_does_not_change_the_scores(
    monkeypatch: pytest.MonkeyPatch, text: str, _expected: int | None
) -> None:
    exact = LexicalClaimIndex(LIBRARY, threshold=0.3)  # 27 texts: every n-gram looked up
    monkeypatch.setattr(claims, "COMMON_MIN_TEXTS", 4)  # as if the library were large
    pruned = LexicalClaimIndex(LIBRARY, threshold=0.3)
    assert exact._exact
    assert not pruned._exact
    got, want = pruned.match(text), exact.match(text)
    assert [m.claim_id for m in got] == [m.claim_id for m in want]
    assert [m.score for m in got] == pytest.approx([m.score for m in want], rel=1e-12)


def test_index_survives_pickling_for_the_cache(index: LexicalClaimIndex) -> None:
    text = "Sharabbandi khatam hogi, sarkar ne adesh jaari kar diya hai"
    assert pickle.loads(pickle.dumps(index)).match(text) == index.match(text)  # noqa: S301


def test_without_embedder_the_lexical_index_is_built() -> None:
    assert isinstance(build_claim_index(LIBRARY), LexicalClaimIndex)


def test_lexical_matching_speed_is_thousands_per_second(index: LexicalClaimIndex) -> None:
    texts = [text for text, _ in LABELLED] * 20
    started = time.perf_counter()
    for text in texts:
        index.match(text)
    per_second = len(texts) / (time.perf_counter() - started)
    assert per_second > 1_000, per_second
