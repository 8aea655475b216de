"""Near-duplicate grouping: forwards, reposts and syndicated headlines join one narrative;
different posts on the same topic do not."""

import random
import time

import pytest

from itcell.monitoring.nlp.dedupe import (
    BUCKET_CAP,
    DEFAULT_THRESHOLD,
    NUM_VALUES,
    NarrativeIndex,
    Signature,
    normalise,
    signature,
)

# Pairs a person would call "the same message": (first seen, later copy).
COPIES = {
    "hindi_forward_with_marker_and_emoji": (
        "नीतीश सरकार ने 15 साल में 10 लाख नौकरियां दीं, विपक्ष झूठ फैला रहा है। पूरी लिस्ट देखें और हर ग्रुप में भेजें।",
        "Forwarded\nनीतीश सरकार ने 15 साल में 10 लाख नौकरियाँ दीं, विपक्ष झूठ फैला रहा है 🙏🙏"
        " पूरी लिस्ट देखें और हर ग्रुप में भेजें!!",
    ),
    "romanised_forward_with_changed_last_line": (
        "*Zaroori soochna* Kal Patna mein Gandhi Maidan wali rally cancel ho gayi hai, prashasan"
        " ne anumati wapas le li. Sabhi karyakarta apne apne block office pe ikattha honge. Is"
        " message ko sabhi group mein bhejo.\nJai Bihar",
        "Forwarded as received\nZaroori soochna: Kal Patna mein Gandhi Maidan wali rally cancel"
        " ho gayi hai, prashasan ne anumati wapas le li. Sabhi karyakarta apne apne block office"
        " pe ikattha honge. Is message ko sabhi group mein bhejo.\nBharat Mata ki Jai 🇮🇳🇮🇳",
    ),
    "hindi_forward_with_changed_last_line": (
        "आगे भेजा गया\nबड़ी खबर: राघोपुर के बूथ नंबर 112 पर EVM खराब, तीन घंटे से लोग लाइन में"
        " खड़े हैं और कोई अधिकारी सुनने वाला नहीं है। प्रशासन चुप है, मीडिया चुप है।\nइसे इतना"
        " शेयर करो कि आयोग तक पहुंचे",
        "बड़ी खबर: राघोपुर के बूथ नंबर 112 पर EVM खराब, तीन घंटे से लोग लाइन में खड़े हैं और कोई"
        " अधिकारी सुनने वाला नहीं है। प्रशासन चुप है, मीडिया चुप है।\nजागो बिहार जागो",
    ),
    "headline_with_source_suffix": (
        "Bihar elections 2025: EC announces two-phase polling on November 6 and 11, counting on"
        " November 14",
        "Bihar elections 2025: EC announces two-phase polling on November 6 and 11, counting on"
        " November 14 - Hindustan Times",
    ),
    "repost_with_other_link_and_mentions": (
        "Watch: Tejashwi Yadav's full speech at Raghopur rally where he promised 10 lakh jobs"
        " https://youtu.be/abc123 #BiharElection",
        "@yadavtejashwi Watch: Tejashwi Yadav's full speech at Raghopur rally where he promised"
        " 10 lakh jobs https://bit.ly/xyz #BiharElection #RJD",
    ),
    "styled_letters_and_zero_width_space": (
        "𝐒𝐚𝐛𝐤𝐨 𝐛𝐡𝐞𝐣𝐨: 𝐯𝐨𝐭𝐢𝐧𝐠 𝐤𝐢 𝐭𝐚𝐫𝐢𝐤𝐡 𝐛𝐚𝐝𝐚𝐥 𝐠𝐚𝐲𝐢 𝐡𝐚𝐢",
        "Sabko bhejo: voting ki tarikh ba\u200bdal gayi hai",
    ),
    "nukta_chandrabindu_and_candra_o": (
        "मुजफ्फरपुर की सड़कें टूटी, नौकरियाँ नहीं, कॉलेज में शिक्षक नहीं",
        "मुज़फ़्फ़रपुर की सडकें टूटी, नौकरियां नहीं, कोलेज में शिक्षक नहीं",
    ),
}

# Pairs on the same topic that are different messages.
DIFFERENT = {
    "two_headlines_about_one_candidate": (
        "Tejashwi Yadav holds rally in Raghopur, promises 10 lakh jobs if RJD wins",
        "Tejashwi Yadav files nomination from Raghopur, RJD workers gather in large numbers",
    ),
    "two_hindi_reports_about_one_leader": (
        "नीतीश कुमार ने मुजफ्फरपुर में जनसभा को संबोधित किया, विकास के काम गिनाए",
        "नीतीश कुमार ने दरभंगा में रोड शो किया, एम्स का वादा दोहराया",
    ),
    "same_hashtag_and_mention_different_post": (
        "#BiharElection @BJP4Bihar मतदान केंद्र पर लंबी कतारें, महिलाओं में उत्साह",
        "#BiharElection @BJP4Bihar पटना में रोड शो, प्रधानमंत्री ने जनता का अभिवादन किया",
    ),
    "claim_and_its_rebuttal": (
        "शराबबंदी खत्म होगी, सरकार ने आदेश जारी किया, पत्र वायरल",
        "शराबबंदी खत्म करने का कोई आदेश नहीं, वायरल पत्र फर्जी है",
    ),
    # Scripts are not merged: a Hindi post and its romanised retyping are separate groups
    # (claim matching, with its transliteration key, is where they meet).
    "devanagari_and_romanised_retyping": (
        "बिहार में मतदान की तारीख बदल गई है",
        "Bihar mein matdan ki tarikh badal gayi hai",
    ),
}


@pytest.mark.parametrize(("first", "copy"), COPIES.values(), ids=COPIES.keys())
def test_copy_joins_the_group_of_the_first_post(first: str, copy: str) -> None:
    index = NarrativeIndex()
    assert index.add(10, first) == 10
    assert index.add(11, copy) == 10


@pytest.mark.parametrize(("one", "other"), DIFFERENT.values(), ids=DIFFERENT.keys())
def test_different_posts_on_one_topic_start_their_own_groups(one: str, other: str) -> None:
    index = NarrativeIndex()
    index.add(10, one)
    assert index.add(11, other) == 11


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Forwarded\nHELLO   World!!", "hello world"),
        ("Fwd: hello", "hello"),
        ("*BREAKING* 𝐁𝐉𝐏 @nitish #Bihar https://t.co/x www.x.in/a", "breaking bjp bihar"),
        ("ये सड़क बनी? नौकरियाँ ०९ 🙏🏽", "ये सडक बनी नौकरियां 09"),
        ("कॉलेज।। जाना॥", "कोलेज जाना"),
        ("नि\u200cशुल्क", "निशुल्क"),
        ("line one\r\nआगे भेजा गया\nline two", "line one line two"),
        ("🙏🙏🔥", ""),
        ("", ""),
    ],
)
def test_normalise(text: str, surface: str) -> None:
    assert normalise(text) == surface


def _with_shared(base: Signature, shared: int) -> Signature:
    """A signature equal to ``base`` in its first ``shared`` values and different elsewhere."""
    return Signature(tuple(v if i < shared else (v + 1) % 2**32 for i, v in enumerate(base.values)))


BASE = Signature(tuple(range(1000, 1000 + NUM_VALUES)))


@pytest.mark.parametrize(
    ("threshold", "shared", "joins"),
    [
        (0.5, 63, False),  # one below
        (0.5, 64, True),  # at: 64/128 = 0.5 exactly
        (0.5, 65, True),  # one above
        (DEFAULT_THRESHOLD, 76, False),  # 0.594
        (DEFAULT_THRESHOLD, 77, True),  # 0.602
    ],
)
def test_item_joins_from_the_threshold_up(threshold: float, shared: int, joins: bool) -> None:
    index = NarrativeIndex(threshold=threshold)
    index.add_signature(1, BASE)
    assert (index.add_signature(2, _with_shared(BASE, shared)) == 1) is joins


def test_estimate_tracks_true_similarity() -> None:
    assert BASE.similarity(_with_shared(BASE, 96)) == 0.75
    first, copy = COPIES["headline_with_source_suffix"]
    a, b = signature(first), signature(copy)
    assert a is not None
    assert b is not None
    assert 0.75 <= a.similarity(b) <= 0.95  # true Jaccard of the 5-character shingles: 0.83


def test_narrative_drifts_through_copies_and_keeps_its_first_id() -> None:
    index = NarrativeIndex()
    versions = [
        "Kal Patna mein rally cancel, prashasan ne anumati wapas le li, sab block office aao",
        "Kal Patna mein rally cancel, prashasan ne anumati wapas le li, sab zila office aao",
        "Kal Patna mein rally cancel, prashasan ne anumati radd ki, sab zila office aao bhai",
        "Kal Patna mein rally radd, prashasan ne anumati radd ki, sab zila office aao bhai log",
    ]
    assert [index.add(i, v) for i, v in enumerate(versions, start=1)] == [1, 1, 1, 1]
    first, last = signature(versions[0]), signature(versions[-1])
    assert first is not None
    assert last is not None
    assert first.similarity(last) < DEFAULT_THRESHOLD  # joined through its neighbours


def test_signature_survives_storage_and_rebuilds_the_index() -> None:
    index = NarrativeIndex()
    stored = []
    for item_id, (first, _copy) in enumerate(COPIES.values(), start=1):
        sig = signature(first)
        assert sig is not None
        stored.append((item_id, sig.to_bytes(), index.add_signature(item_id, sig)))
    rebuilt = NarrativeIndex()
    for item_id, data, group_id in stored:
        rebuilt.add_signature(item_id, Signature.from_bytes(data), group_id=group_id)
    assert len(rebuilt) == len(stored)
    assert len(stored[0][1]) == 1 + 4 * NUM_VALUES
    for offset, (_first, copy) in enumerate(COPIES.values()):
        assert rebuilt.add(100 + offset, copy) == index.add(100 + offset, copy) == offset + 1


def test_restored_group_is_kept_as_stored() -> None:
    index = NarrativeIndex()
    index.add_signature(5, BASE, group_id=2)
    assert index.group_of(5) == 2
    assert index.add_signature(6, BASE) == 2


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01" * 10, bytes([2]) + b"\x00" * 4 * NUM_VALUES, bytes([1]) + b"\x00" * 4 * 127],
    ids=["empty", "short", "other_version", "one_value_short"],
)
def test_stored_bytes_that_are_not_a_signature_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="sign the item's text again"):
        Signature.from_bytes(data)


@pytest.mark.parametrize(
    "values", [(1,) * 127, (1,) * 129, (-1,) + (1,) * 127, (2**32,) + (1,) * 127]
)
def test_signature_values_are_128_unsigned_32_bit_ints(values: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="128 values"):
        Signature(values)


@pytest.mark.parametrize("text", ["", "   ", "🙏🙏🙏", "!!!", "https://t.co/abc @rjd", "\u200d"])
def test_text_with_nothing_left_is_a_group_of_its_own(text: str) -> None:
    index = NarrativeIndex()
    assert signature(text) is None
    assert index.add(1, text) == 1
    assert index.add(2, text) == 2
    assert len(index) == 0


def test_very_short_texts_group_only_when_equal() -> None:
    index = NarrativeIndex()
    assert index.add(1, "जय") == 1
    assert index.add(2, "जय!") == 1
    assert index.add(3, "ok") == 3


def test_mixed_scripts_group() -> None:
    index = NarrativeIndex()
    text = "Tejashwi यादव ने कहा: 10 lakh naukri देंगे, সবাই 中文 عربى 🙏"
    assert index.add(1, text) == 1
    assert index.add(2, "Forwarded\n" + text + " 🔥") == 1


def test_an_item_is_indexed_once() -> None:
    index = NarrativeIndex()
    index.add(1, "Kal Patna mein rally cancel")
    with pytest.raises(ValueError, match="already indexed"):
        index.add(1, "Kal Patna mein rally cancel")


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.01])
def test_threshold_outside_0_to_1_is_refused(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        NarrativeIndex(threshold=threshold)


def test_viral_forward_stays_findable_past_the_bucket_cap() -> None:
    index = NarrativeIndex()
    first, copy = COPIES["hindi_forward_with_marker_and_emoji"]
    for item_id in range(1, 4 * BUCKET_CAP):
        assert index.add(item_id, first) == 1
    assert index.add(999, copy) == 1


def test_megabyte_text_is_signed_quickly_on_its_beginning() -> None:
    head = "बिहार में मतदान की तारीख बदल गई है, सबको बताओ। " * 300
    started = time.perf_counter()
    huge = signature(head + "🙏 x" * 500_000)
    assert time.perf_counter() - started < 1.0
    assert huge is not None
    assert huge == signature(head * 2)


def test_add_handles_thousands_of_posts_a_second() -> None:
    words = [
        "नीतीश",
        "तेजस्वी",
        "बिहार",
        "पटना",
        "राघोपुर",
        "नौकरी",
        "सरकार",
        "वोट",
        "चुनाव",
        "रैली",
        "लाख",
        "विकास",
        "सड़क",
        "बिजली",
        "Modi",
        "rally",
        "jobs",
        "vote",
        "kal",
        "sabko",
        "bhejo",
        "Patna",
        "Nitish",
        "Tejashwi",
        "BJP",
        "RJD",
        "JDU",
        "Congress",
    ]
    posts = [
        " ".join(words[(i * 7 + j * j * 3 + i // 5) % len(words)] for j in range(12 + i % 20))
        + f" {i}"
        for i in range(3000)
    ]
    index = NarrativeIndex()
    started = time.perf_counter()
    for item_id, post in enumerate(posts):
        index.add(item_id, post)
    per_second = len(posts) / (time.perf_counter() - started)
    assert per_second > 1_000, per_second


def test_window_forgets_the_oldest_items() -> None:
    index = NarrativeIndex(max_items=2)
    first, copy = COPIES["hindi_forward_with_marker_and_emoji"]
    other, _ = DIFFERENT["two_headlines_about_one_candidate"]
    assert index.add(1, first) == 1
    assert index.add(2, other) == 2
    assert index.add(3, other + " !") == 2  # item 1 is forgotten now
    assert 1 not in index
    assert index.group_of(1) is None
    assert len(index) == 2
    assert index.add(4, copy) == 4  # its original has left the window: a new group


@pytest.mark.parametrize(
    ("max_items", "joins"), [(1, False), (2, True), (3, True)], ids=["below", "at", "above"]
)
def test_window_size_decides_whether_an_old_original_is_found(max_items: int, joins: bool) -> None:
    index = NarrativeIndex(max_items=max_items)
    first, copy = COPIES["repost_with_other_link_and_mentions"]
    index.add(1, first)
    index.add(2, DIFFERENT["claim_and_its_rebuttal"][0])
    assert (index.add(3, copy) == 1) is joins


def _unrelated_posts(count: int) -> list[str]:
    """Posts that share nothing much with each other or the examples."""
    rng = random.Random(7)
    letters = "कखगचजटडतदनपबमयरलवसह"
    return [
        " ".join(
            "".join(rng.choice(letters) + rng.choice("ािीुूेो") for _ in range(3)) for _ in range(12)
        )
        for _ in range(count)
    ]


def test_viral_forward_stays_findable_after_its_first_copies_are_forgotten() -> None:
    index = NarrativeIndex(max_items=40)
    first, copy = COPIES["hindi_forward_with_marker_and_emoji"]
    for item_id in range(1, 31):
        assert index.add(item_id, first) == 1
    for item_id, post in enumerate(_unrelated_posts(20), start=31):
        assert index.add(item_id, post) == item_id
    assert 10 not in index  # the first ten copies have left the window
    assert 11 in index
    assert index.add(99, copy) == 1


def test_forgotten_items_leave_no_trace_in_the_buckets() -> None:
    index = NarrativeIndex(max_items=BUCKET_CAP)
    first, _ = COPIES["hindi_forward_with_marker_and_emoji"]
    for item_id in range(1, 3 * BUCKET_CAP):
        index.add(item_id, first)
    held: set[int] = set()
    for entry in index._buckets.values():
        held.update(entry if isinstance(entry, list) else [entry])
    assert held == set(range(2 * BUCKET_CAP, 3 * BUCKET_CAP))


@pytest.mark.parametrize("max_items", [0, -1])
def test_window_of_no_items_is_refused(max_items: int) -> None:
    with pytest.raises(ValueError, match="max_items"):
        NarrativeIndex(max_items=max_items)
