"""The gazetteer on the bundled Bihar 2020 data: names across scripts, ambiguity, words that
are also names, aliases, implications. Pure: no database."""

import pytest

from itcell.monitoring.nlp import Kind, bundled_gazetteer, tag
from itcell.monitoring.nlp.gazetteer import (
    THRESHOLD,
    ACRecord,
    AliasRecord,
    CandidateRecord,
    DistrictRecord,
    Gazetteer,
    PartyRecord,
)


def found(text: str, kind: Kind) -> dict[str, float]:
    return tag(text, bundled_gazetteer()).of(kind)


# (text, kind, key): the key must be tagged at or above the threshold.
EXPECTED = [
    # Devanagari
    ("तेजस्वी यादव आज राघोपुर में", Kind.AC, "128"),
    ("तेजस्वी यादव आज राघोपुर में", Kind.LEADER, "Tejashwi Yadav"),
    ("तेजस्वी यादव आज राघोपुर में", Kind.CANDIDATE, "128:Tejashwi Prasad Yadav"),
    ("मुंगेर जिले में बाढ़ का खतरा", Kind.DISTRICT, "Munger"),
    ("पश्चिम चम्पारण में प्रचार", Kind.DISTRICT, "West Champaran"),
    ("पश्चिमी चंपारण के किसान", Kind.DISTRICT, "West Champaran"),
    ("भाजपा और जदयू की बैठक", Kind.PARTY, "BJP"),
    ("भाजपा और जदयू की बैठक", Kind.PARTY, "JD(U)"),
    ("राष्ट्रीय जनता दल का घोषणापत्र", Kind.PARTY, "RJD"),
    ("नीतीश कुमार ने कहा", Kind.LEADER, "Nitish Kumar"),
    ("बोधगया में मतदान", Kind.AC, "229"),
    ("गया जिले के इमामगंज से जीतन राम मांझी", Kind.DISTRICT, "Gaya"),
    ("गया जिले के इमामगंज से जीतन राम मांझी", Kind.AC, "227"),
    ("गया जिले के इमामगंज से जीतन राम मांझी", Kind.LEADER, "Jitan Ram Manjhi"),
    ("सीतामढी विधानसभा", Kind.AC, "28"),  # no nukta
    # English
    ("Tejashwi Yadav campaigns in Raghopur", Kind.AC, "128"),
    ("Munger district administration on alert", Kind.DISTRICT, "Munger"),
    ("Polling in Munger seat today", Kind.AC, "165"),
    ("West Champaran farmers protest", Kind.DISTRICT, "West Champaran"),
    ("East Champaran floods", Kind.DISTRICT, "East Champaran"),
    ("JD(U) and BJP share seats", Kind.PARTY, "JD(U)"),
    ("JD(U) and BJP share seats", Kind.PARTY, "BJP"),
    ("Rally in Valmikinagar", Kind.AC, "1"),
    ("Kaimur district collector", Kind.DISTRICT, "Kaimur"),
    ("Congress candidate from Kishanganj", Kind.PARTY, "INC"),
    ("Chirag Paswan attacks Nitish Kumar", Kind.LEADER, "Chirag Paswan"),
    ("Chirag Paswan attacks Nitish Kumar", Kind.LEADER, "Nitish Kumar"),
    ("Mukesh Sahani's VIP gets 11 seats", Kind.PARTY, "VIP"),
    ("Mukesh Sahani's VIP gets 11 seats", Kind.LEADER, "Mukesh Sahani"),
    # romanised Hindi
    ("Tejaswi ne Raghopur me rally ki", Kind.AC, "128"),
    ("Tejaswi ne Raghopur me rally ki", Kind.LEADER, "Tejashwi Yadav"),
    ("Munger zila me baadh", Kind.DISTRICT, "Munger"),
    ("Munger vidhan sabha seat par kaun jeetega", Kind.AC, "165"),
    ("paschim champaran me chunav", Kind.DISTRICT, "West Champaran"),
    ("bjp aur jdu ka gathbandhan", Kind.PARTY, "BJP"),
    ("bjp aur jdu ka gathbandhan", Kind.PARTY, "JD(U)"),
    ("Neetish Kumar ki sabha", Kind.LEADER, "Nitish Kumar"),
    ("Gaya me aaj Modi ki rally", Kind.DISTRICT, "Gaya"),
    ("Sitamarhi me vote", Kind.DISTRICT, "Sitamarhi"),
    # aliases: old and translated names
    ("Monghyr", Kind.DISTRICT, "Munger"),
    ("Monghyr district", Kind.DISTRICT, "Munger"),
    ("Purnea seat", Kind.AC, "62"),
    ("Purnea me baarish", Kind.DISTRICT, "Purnia"),
    ("Bihar Sharif me tension", Kind.AC, "172"),
    ("Chhapra seat", Kind.AC, "118"),
    ("Bhabua district", Kind.DISTRICT, "Kaimur"),
]


@pytest.mark.parametrize(("text", "kind", "key"), EXPECTED)
def test_names_are_found_in_every_script(text: str, kind: Kind, key: str) -> None:
    assert found(text, kind).get(key, 0.0) >= THRESHOLD


# (text, kind, key): must NOT be tagged.
NOT_EXPECTED = [
    ("वह कल घर चला गया", Kind.DISTRICT, "Gaya"),  # गया: went
    ("वह कल घर चला गया", Kind.AC, "230"),
    ("काम पूरा किया गया है", Kind.DISTRICT, "Gaya"),
    ("woh ghar chala gaya", Kind.DISTRICT, "Gaya"),
    ("sab kuch ho gaya hai", Kind.DISTRICT, "Gaya"),
    ("बाढ़ से तबाही मची", Kind.AC, "179"),  # बाढ़: flood (Barh AC)
    ("बाढ़ में घर डूबे", Kind.AC, "179"),
    ("संदेश भेजा गया", Kind.AC, "197"),  # संदेश: message (Sandesh AC)
    ("ham jeetenge", Kind.PARTY, "HAM(S)"),  # ham: we
    ("हम जीतेंगे", Kind.PARTY, "HAM(S)"),
    ("Munger district", Kind.AC, "165"),  # the context says district
    ("Munger Lok Sabha seat", Kind.AC, "165"),
    ("Munger Lok Sabha", Kind.AC, "165"),
    ("Nitish Kumar", Kind.CANDIDATE, "25:Nitish Kumar"),  # a namesake of the leader
    ("Renu Devi", Kind.CANDIDATE, "3:Renu Devi"),  # namesake of the BJP leader
    ("Ajay", Kind.CANDIDATE, "x"),
    ("Dhaka me flood", Kind.AC, "21"),  # the foreign capital, not Dhaka AC
]


@pytest.mark.parametrize(("text", "kind", "key"), NOT_EXPECTED)
def test_words_that_are_also_names_do_not_fire_alone(text: str, kind: Kind, key: str) -> None:
    assert key not in found(text, kind)


def test_no_single_first_name_tags_a_candidate() -> None:
    for text in ["Ajay ne kaha", "Sunil aur Anil", "Renu", "Pushpam"]:
        assert found(text, Kind.CANDIDATE) == {}


@pytest.mark.parametrize("text", ["Munger", "मुंगेर में बारिश", "Muzaffarpur litchi growers"])
def test_a_name_that_is_district_and_ac_alone_is_the_district(text: str) -> None:
    tags = tag(text, bundled_gazetteer())
    assert THRESHOLD <= max(tags.districts.values()) < 0.9
    assert tags.acs == {}  # the seat reading stays below the threshold


@pytest.mark.parametrize(
    ("text", "district", "ac"),
    [
        ("Munger district", 0.9, None),
        ("मुंगेर जिले में", 0.9, None),
        ("Munger seat", None, 0.9),
        ("Munger vidhan sabha", None, 0.9),
        ("मुंगेर विधानसभा", None, 0.9),
        ("मुंगेर सीट पर", None, 0.9),
        ("Buxar district", 0.9, None),
        ("Begusarai seat", None, 0.9),
    ],
)
def test_context_decides_between_district_and_ac(
    text: str, district: float | None, ac: float | None
) -> None:
    tags = tag(text, bundled_gazetteer())
    districts, acs = tags.districts, tags.acs
    if district is not None:
        assert max(districts.values()) >= district
        assert all(c < THRESHOLD for c in acs.values())
    if ac is not None:
        assert max(acs.values()) >= ac
        assert max(districts.values(), default=0.0) < ac  # only implied, lower


def test_the_place_gaya_is_found_with_context() -> None:
    assert found("गया में रैली", Kind.DISTRICT)["Gaya"] >= THRESHOLD
    assert found("गया जिले के लोग", Kind.DISTRICT)["Gaya"] >= 0.75
    assert found("Nitish Kumar in Gaya today", Kind.DISTRICT)["Gaya"] >= THRESHOLD


def test_barh_the_seat_is_found_with_context() -> None:
    assert found("बाढ़ विधानसभा सीट", Kind.AC)["179"] >= 0.75


def test_a_candidate_implies_the_ac_and_an_ac_its_district_with_less_confidence() -> None:
    tags = tag("Tejashwi Prasad Yadav files nomination", bundled_gazetteer())
    candidate = tags.candidates["128:Tejashwi Prasad Yadav"]
    assert THRESHOLD <= tags.acs["128"] < candidate
    only_ac = tag("Raghopur", bundled_gazetteer())
    assert only_ac.districts["Vaishali"] < only_ac.acs["128"]


def test_namesake_candidates_share_a_name_until_the_seat_picks_one() -> None:
    alone = tag("Pushpam Priya", bundled_gazetteer()).candidates
    assert set(alone) <= {"35:Pushpam Priya", "182:Pushpam Priya"}
    assert all(c < 0.9 for c in alone.values())
    with_seat = tag("Pushpam Priya in Bankipur", bundled_gazetteer()).candidates
    assert with_seat.get("182:Pushpam Priya", 0) >= 0.9
    assert with_seat.get("35:Pushpam Priya", 0) < with_seat["182:Pushpam Priya"]


def test_spans_point_at_the_name_as_written() -> None:
    text = "कल तेजस्वी यादव ने राघोपुर में"
    tags = tag(text, bundled_gazetteer())
    spans = {(t.kind, text[t.start : t.end]) for t in tags.tags}
    assert (Kind.AC, "राघोपुर") in spans
    assert (Kind.LEADER, "तेजस्वी यादव") in spans


def test_the_longest_name_wins() -> None:
    tags = tag("Patna Sahib", bundled_gazetteer())
    assert tags.acs == {"184": 0.9} or "184" in tags.acs
    assert "Patna" not in tags.districts or tags.districts["Patna"] < 0.9


# A small gazetteer of its own, for a party whose short name is an ordinary word.
SMALL = Gazetteer(
    acs=[ACRecord(1, "Rampur", "रामपुर", "North")],
    districts=[DistrictRecord("North", "उत्तर")],
    parties=[PartyRecord("AAP", ("Aam Aadmi Party",), ("आम आदमी पार्टी",))],
    candidates=[CandidateRecord(1, "Sita Ram Verma", "AAP")],
    aliases=[AliasRecord("Rampur Khas", Kind.AC, "1")],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AAP ne Rampur me rally ki", {"AAP"}),
        ("aap kaise ho", set()),
        ("Aap kab aayenge", set()),
        ("आप कैसे हैं", set()),
        ("आम आदमी पार्टी का प्रत्याशी", {"AAP"}),
        ("Aam Aadmi Party candidate", {"AAP"}),
    ],
)
def test_a_party_short_name_that_is_a_word_needs_capitals(text: str, expected: set[str]) -> None:
    assert set(tag(text, SMALL).parties) == expected


def test_own_gazetteer_matches_aliases_and_candidates_across_scripts() -> None:
    tags = tag("सीता राम वर्मा Rampur Khas से", SMALL)
    assert tags.candidates["1:Sita Ram Verma"] >= 0.9
    assert tags.acs["1"] >= 0.9
    assert tags.districts["North"] >= THRESHOLD


def test_empty_gazetteer_finds_nothing() -> None:
    assert tag("Munger district", Gazetteer()).tags == ()


@pytest.mark.parametrize(
    ("text", "seat", "not_seat"),
    [
        ("Chhapra ke Marhaura me rail factory", "117", "118"),
        ("दरभंगा के हायाघाट में भाजपा जीती", "84", "83"),
    ],
)
def test_a_town_named_around_a_seat_of_its_district_is_not_the_seat(
    text: str, seat: str, not_seat: str
) -> None:
    acs = found(text, Kind.AC)
    assert seat in acs
    assert not_seat not in acs


def test_a_seat_name_shared_by_two_districts_is_picked_by_the_district() -> None:
    acs = found("Samastipur jila ke Kalyanpur me chunav", Kind.AC)
    assert acs.get("131", 0) >= 0.9
    assert "16" not in acs


def test_a_leaders_party_is_named_by_its_leader() -> None:
    assert "All India Majlis-E-Ittehadul Muslimeen" in found("Owaisi ki party jeeti", Kind.PARTY)
    assert found("Owaisi ne kaha", Kind.PARTY) == {}


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("Manjhi ji ne NDA join kiya", Kind.AC, "114"),  # the leader, not Manjhi AC
        ("VIP treatment sirf neta ko", Kind.PARTY, "VIP"),
        ("ghus gaya, DM sahab kab aayenge", Kind.DISTRICT, "Gaya"),
    ],
)
def test_context_that_makes_a_name_something_else(text: str, kind: Kind, key: str) -> None:
    assert key not in found(text, kind)


def test_a_leader_who_stands_implies_the_candidacy() -> None:
    tags = tag("मांझी ने कहा", bundled_gazetteer())
    assert tags.leaders["Jitan Ram Manjhi"] >= 0.8
    assert tags.candidates["227:Jitan Ram Manjhi"] >= 0.8
    assert THRESHOLD <= tags.acs["227"] < tags.candidates["227:Jitan Ram Manjhi"]


@pytest.mark.parametrize(
    ("text", "candidate"),
    [
        ("नालंदा सीट से श्रवण कुमार लगातार सातवीं बार जीते", "176:Shrawon Kumar"),
        ("दरभंगा सीट से संजय सरावगी फिर मैदान में", "83:Sanjay Saraogi"),
    ],
)
def test_a_candidate_of_a_named_seat_is_found_in_another_spelling(
    text: str, candidate: str
) -> None:
    assert found(text, Kind.CANDIDATE).get(candidate, 0) >= THRESHOLD


def test_a_near_spelling_without_the_seat_is_no_candidate() -> None:
    assert "176:Shrawon Kumar" not in found("श्रवण कुमार लगातार सातवीं बार जीते", Kind.CANDIDATE)


@pytest.mark.parametrize("text", ["Nitishji ne kaha", "नीतीशजी बोले"])
def test_respect_written_on_to_a_name(text: str) -> None:
    assert "Nitish Kumar" in found(text, Kind.LEADER)


def test_bracketed_party_names_stay_apart() -> None:
    assert set(found("CPI ke Ram Ratan Singh jeete", Kind.PARTY)) == {"CPI"}
    assert set(found("भाकपा के अवधेश राय", Kind.PARTY)) == {"CPI"}
    assert set(found("CPI(M) wins Bibhutipur", Kind.PARTY)) == {"CPI(M)"}
