"""Normalisation, transliteration keys and language routing: pure, no database."""

import time

import pytest

from itcell.monitoring.nlp import Tags, bundled_gazetteer, tag, tag_many
from itcell.monitoring.nlp.language import route
from itcell.monitoring.nlp.normalise import normalise, transliteration_key, words
from itcell.monitoring.nlp.pipeline import MAX_CHARS


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("चम्पारण", "चंपारण"),  # half nasal before a consonant = anusvara
        ("बाँका", "बांका"),  # chandrabindu folded
        ("सीताम\u095dी", "सीतामढी"),  # nukta dropped (precomposed ढ़)
        ("सीतामढ\u093cी", "सीतामढी"),  # nukta dropped (decomposed)
        ("ते\u200dजस्वी", "तेजस्वी"),  # zero-width joiner inside a word
        ("राघोपुर।", "राघोपुर"),  # danda ends the word
        ("२४३ सीटें", "243 सीटें"),  # Devanagari digits
        ("MUNGER", "munger"),
        ("Munger's", "munger s"),
        ("𝐁𝐉𝐏", "bjp"),  # styled letters of social media
        ("Patnā", "patna"),  # Latin accents
    ],
)
def test_normalise(written: str, expected: str) -> None:
    assert normalise(written) == expected


@pytest.mark.parametrize(
    ("devanagari", "latin"),
    [
        ("मुंगेर", "Munger"),
        ("तेजस्वी", "Tejaswi"),
        ("तेजस्वी", "Tejashwi"),
        ("नीतीश", "Nitish"),
        ("नितीश", "Neetish"),
        ("रामनगर", "Ramnagar"),
        ("बेगूसराय", "Begusarai"),
        ("सीतामढ़ी", "Sitamarhi"),
        ("खगड़िया", "Khagaria"),
        ("मुजफ्फरपुर", "Muzaffarpur"),
        ("पश्चिम चम्पारण", "Paschim Champaran"),
        ("वैशाली", "Vaishali"),
        ("बेतिया", "Bettiah"),
        ("गिरिराज सिंह", "Giriraj Singh"),
        ("तारकिशोर प्रसाद", "Tarkishore Prasad"),
        ("छपरा", "Chhapra"),
    ],
)
def test_a_name_in_devanagari_and_latin_has_one_key(devanagari: str, latin: str) -> None:
    assert transliteration_key(devanagari) == transliteration_key(latin)


@pytest.mark.parametrize(("a", "b"), [("मुंगेर", "मधुबनी"), ("Patna", "Purnia"), ("Gaya", "Goh")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert transliteration_key(a) != transliteration_key(b)


def test_words_keep_their_spans_in_the_text_as_written() -> None:
    text = "कल  राघोपुर।  Tejashwi's"
    assert [(w.text, text[w.start : w.end]) for w in words(text)] == [
        ("कल", "कल"),
        ("राघोपुर", "राघोपुर"),
        ("Tejashwi", "Tejashwi"),
        ("s", "s"),
    ]


@pytest.mark.parametrize(
    ("text", "language", "script"),
    [
        ("तेजस्वी यादव ने राघोपुर में रैली की", "hi", "Deva"),
        ("Nitish Kumar addressed a rally in Munger on Sunday", "en", "Latn"),
        ("Tejashwi ne kaha ki sarkar badlegi, naukri milegi", "hi-Latn", "Latn"),
        ("bjp ka candidate kaun hai is baar", "hi-Latn", "Latn"),
        ("हमनी के गाँव में बिजली ना बा", "bho", "Deva"),
        ("का हो, चुनाव में के जीतत बा", "bho", "Deva"),
        ("kaise ba bhaiya, vote dihal ki na", "bho", "Latn"),
        ("हमर गाम मे बिजली नहि अछि", "mai", "Deva"),
        ("ओ कहलनि जे चुनाव मे ओ ठाढ़ छथि", "mai", "Deva"),
        ("ई बात सही अछि, हम अहाँ संगे छी", "mai", "Deva"),
        ("तेजस्वी यादव RJD Patna rally today huge crowd", "en", "Mixed"),
        ("नीतीश कुमार ने JDU की बैठक बुलाई", "hi", "Deva"),
        ("Nitish ji ka bhashan सुना aaj Muzaffarpur me", "hi-Latn", "Latn"),
        ("Raghopur ferry ghat: लोग कह रहे हैं पुल बने तो वोट", "hi", "Mixed"),
        ("भोजपुर के तरारी में सुदामा प्रसाद फेर से जीत गइले", "bho", "Deva"),
        ("हायाघाट मे भोला यादव हारि गेलाह", "mai", "Deva"),
        ("Gopalganj me BJP ke Subash Singh fer se jeet gaile", "bho", "Latn"),
        ("😀🙏 2020", "und", "Zyyy"),
        ("", "und", "Zyyy"),
        ("Munger", "und", "Latn"),
    ],
)
def test_route(text: str, language: str, script: str) -> None:
    assert route(text) == (language, script)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t\n ",
        "\x00\x01\x1b[31mred\x07",
        "😀" * 500,
        "\u200d\u200c\ufeff",
        "़ ् ं",  # marks with nothing to sit on
        "Munger" + "\u0301" * 50,
        "मुं\x00गेर",
    ],
)
def test_hostile_input_is_tagged_without_error(text: str) -> None:
    tags = tag(text, bundled_gazetteer())
    assert isinstance(tags, Tags)
    for t in tags.tags:
        assert 0 <= t.start < t.end <= len(text)


def test_a_megabyte_of_text_is_tagged_and_spans_point_into_it() -> None:
    chunk = "तेजस्वी यादव राघोपुर में, Nitish Kumar in Munger district. "
    text = chunk * (1_000_000 // len(chunk.encode()))
    assert len(text.encode()) > 900_000
    started = time.perf_counter()
    tags = tag(text, bundled_gazetteer())
    assert time.perf_counter() - started < 5  # only the opening MAX_CHARS are read
    assert tags.acs["128"] >= 0.9
    assert tags.districts["Munger"] >= 0.9
    last = max(tags.tags, key=lambda t: t.start)
    assert last.end <= MAX_CHARS
    assert text[last.start : last.end] in {"Munger", "Nitish Kumar", "राघोपुर"}


def test_mixed_scripts_and_emoji_around_names() -> None:
    text = "🔥🔥 तेजस्वी@Raghopur #BJP 🙏 मुंगेर😀"
    tags = tag(text, bundled_gazetteer())
    assert "128" in tags.acs
    assert "BJP" in tags.parties
    assert tags.script == "Mixed"
    for t in tags.tags:
        assert text[t.start : t.end] in {"Raghopur", "BJP", "मुंगेर", "तेजस्वी"}


def test_tag_many_tags_each_text() -> None:
    texts = ["राघोपुर", "nothing here", "Munger district"]
    assert tag_many(texts, bundled_gazetteer()) == [tag(t, bundled_gazetteer()) for t in texts]
