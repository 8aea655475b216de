"""The MCC screening lexicon: normalisation, each family in each script, election extras,
word edges in Devanagari, and the shape of the evaluation set. Pure: no database."""

import json
from collections import Counter
from pathlib import Path

import pytest

from itcell.compliance.lexicon import Family, Hit, Lexicon, normalise, scan

EVAL_SET = Path(__file__).resolve().parent.parent / "lexicon" / "eval.jsonl"
FORMS = ("devanagari", "english", "romanised")


def families(text: str, lexicon: Lexicon | None = None) -> set[Family]:
    return {hit.family for hit in scan(text, lexicon)}


def hits_of(text: str, family: Family) -> list[Hit]:
    return [hit for hit in scan(text) if hit.family == family]


# ---- normalisation -------------------------------------------------------------------------


def test_nukta_variants_normalise_alike() -> None:
    assert normalise("ज़मीन फ़र्ज़ी पढ़ाई").text == normalise("जमीन फर्जी पढाई").text


def test_precomposed_nukta_letters_normalise_like_decomposed_ones() -> None:
    # U+095B (ज़ as one code point) and ज + U+093C are canonically equivalent.
    assert normalise("\u095bमीन").text == normalise("\u091c\u093cमीन").text == "जमीन"


def test_chandrabindu_and_anusvara_are_equal() -> None:
    assert normalise("हँसी").text == normalise("हंसी").text


def test_half_nasal_before_a_consonant_is_written_as_anusvara() -> None:
    assert normalise("हिन्दू सम्प्रदाय").text == normalise("हिंदू संप्रदाय").text


def test_latin_is_case_folded() -> None:
    assert normalise("EXIT Poll").text == "exit poll"


def test_runs_of_three_or_more_latin_letters_collapse() -> None:
    assert normalise("voteee dooo paisaaa").text == "vote do paisa"
    assert normalise("jaati").text == "jaati"  # two is a spelling, not emphasis


def test_zero_width_joiners_are_ignored() -> None:
    assert normalise("वो\u200dट v\u200bote").text == "वोट vote"


def test_styled_letters_read_as_plain_ones() -> None:
    assert normalise("𝐞𝐱𝐢𝐭 𝐩𝐨𝐥𝐥").text == "exit poll"


def test_devanagari_digits_read_as_ascii() -> None:
    assert normalise("१४० सीटें").text == "140 सीटें"


def test_hit_offsets_point_into_the_original_text() -> None:
    text = "Dosto!! EXIT   POLLLL says 140 SEATS for us"
    (hit,) = hits_of(text, Family.EXIT_POLL)
    assert text[hit.start : hit.end] == "EXIT   POLLLL says 140 SEATS"


def test_offsets_survive_nukta_and_joiners() -> None:
    text = "सूचना: फ़र्ज़ी मत\u200dदान के लिए 30 लड़के तैयार"
    (hit,) = hits_of(text, Family.CORRUPT_PRACTICE)
    assert text[hit.start : hit.end] == "फ़र्ज़ी मत\u200dदान"


def test_offsets_survive_precomposed_nukta_letters() -> None:
    text = "\u092b\u093cर्जी वोटिंग होगी"  # फ़ as फ + nukta
    (hit,) = hits_of(text, Family.CORRUPT_PRACTICE)
    assert hit.start == 0
    assert text[hit.start : hit.end] == "\u092b\u093cर्जी वोटिंग"


def test_excerpt_is_the_match_with_a_few_words_either_side() -> None:
    text = "one two three four five six. Exit poll: JVP 140 seats! seven eight nine ten eleven"
    (hit,) = hits_of(text, Family.EXIT_POLL)
    assert hit.excerpt == "…three four five six. Exit poll: JVP 140 seats! seven eight nine ten…"


def test_empty_text_has_no_hits() -> None:
    assert scan("") == []


# ---- each family, each script: a positive and a hard negative ------------------------------

POSITIVES = [
    (
        Family.COMMUNAL_APPEAL,
        "devanagari",
        "कुर्मी समाज के सभी मतदाता इस बार अपनी जाति के उम्मीदवार को ही वोट दें।",
    ),
    (Family.COMMUNAL_APPEAL, "english", "Every Yadav family must vote for a Yadav this time."),
    (
        Family.COMMUNAL_APPEAL,
        "romanised",
        "Musalmaan bhaiyon, vote ek jagah dena, apni kaum ka sawaal hai",
    ),
    (Family.ENMITY, "devanagari", "इन घुसपैठियों को सीमांचल से खदेड़ दो।"),
    (Family.ENMITY, "english", "Boycott every Muslim shop in the bazaar this Diwali."),
    (Family.ENMITY, "romanised", "Savarnon ko sabak sikhana hai is baar"),
    (Family.PRIVATE_LIFE, "devanagari", "नेताजी की दूसरी शादी का सच सबको पता है।"),
    (Family.PRIVATE_LIFE, "english", "Their candidate is a known womaniser."),
    (Family.PRIVATE_LIFE, "romanised", "Unki biwi unhe chhod ke chali gayi thi"),
    (Family.ALLEGATION, "devanagari", "गठबंधन के मंत्री ने 200 करोड़ का घोटाला किया।"),
    (Family.ALLEGATION, "english", "The rival MLA took kickbacks on the bridge contract."),
    (Family.ALLEGATION, "romanised", "XYZ party ke neta jail ja chuke hain"),
    (Family.WORSHIP, "devanagari", "मंदिर परिसर में कल प्रत्याशी की जनसभा होगी।"),
    (Family.WORSHIP, "english", "Put our banners at the gurdwara gate before Sunday."),
    (Family.WORSHIP, "romanised", "Masjid se vote ki apeel karwa do juma ke baad"),
    (Family.CORRUPT_PRACTICE, "devanagari", "मतदान से पहले की रात हर टोले में शराब बांटनी है।"),
    (Family.CORRUPT_PRACTICE, "english", "₹500 per vote, paid on polling eve."),
    (Family.CORRUPT_PRACTICE, "romanised", "Booth par kabza karna hai subah subah"),
    (Family.PICKETING, "devanagari", "विधायक के आवास का घेराव कल 10 बजे।"),
    (Family.PICKETING, "english", "Dharna outside the councillor's house at noon."),
    (Family.PICKETING, "romanised", "Ramesh Kumar ke ghar ke saamne pradarshan karo"),
    (Family.EXIT_POLL, "devanagari", "एग्जिट पोल: हमें 130 सीटें।"),
    (Family.EXIT_POLL, "english", "Internal exit poll shows us leading in 40 seats."),
    (Family.EXIT_POLL, "romanised", "exit pol aa gaya, JVP ki clean sweep"),
    (Family.OPINION_POLL, "devanagari", "ताजा सर्वे में जन विकास पार्टी को बहुमत।"),
    (Family.OPINION_POLL, "english", "Opinion poll: JVP projected to win 120 seats."),
    (Family.OPINION_POLL, "romanised", "naya survey: Gathbandhan 80 seat pe simta"),
    (Family.DEROGATORY, "devanagari", "स्कूली बच्चों से रैली में नारे लगवाओ।"),
    (Family.DEROGATORY, "english", "Shoot them, every one of those traitors."),
    (Family.DEROGATORY, "romanised", "Virodhi mahila neta item girl hai"),
]

HARD_NEGATIVES = [
    (Family.COMMUNAL_APPEAL, "devanagari", "निषाद समाज के मछुआरों के लिए नई नाव योजना शुरू।"),
    (
        Family.COMMUNAL_APPEAL,
        "english",
        "Vote for Sunil Paswan on 3 November.",
    ),  # a surname, not a caste
    (Family.COMMUNAL_APPEAL, "romanised", "Jaati dharm ke naam par vote mat do, vikas ko chuno"),
    (Family.ENMITY, "devanagari", "हिंदू-मुस्लिम भाईचारा ही बिहार की ताकत है।"),
    (Family.ENMITY, "english", "Eid Mubarak to our Muslim brothers and sisters."),
    (Family.ENMITY, "romanised", "gareebi hatao, berozgari bhagao"),
    (Family.PRIVATE_LIFE, "devanagari", "नेता जी ने पत्नी के साथ मतदान किया।"),
    (Family.PRIVATE_LIFE, "english", "Our candidate campaigned with his wife and daughter today."),
    (Family.PRIVATE_LIFE, "romanised", "Sharabbandi se pati ab ghar jaldi aate hain"),
    (Family.ALLEGATION, "devanagari", "सरकार ने 50 हजार अपराधियों को जेल भेजा।"),
    (Family.ALLEGATION, "english", "Our government arrested 3,000 liquor smugglers this year."),
    (Family.ALLEGATION, "romanised", "Hum bhrashtachar ke khilaf zero tolerance par chalte hain"),
    (Family.WORSHIP, "devanagari", "महावीर मंदिर के जीर्णोद्धार का काम पूरा हुआ।"),
    (Family.WORSHIP, "english", "Our candidate prayed at the Mahavir temple this morning."),
    (Family.WORSHIP, "romanised", "Mandir tak pakki sadak ban gayi, vikas har gaon tak"),
    (Family.CORRUPT_PRACTICE, "devanagari", "किसान सम्मान निधि के 6000 रुपये सीधे खाते में।"),
    (Family.CORRUPT_PRACTICE, "english", "The cash transfer scheme reached 50 lakh families."),
    (Family.CORRUPT_PRACTICE, "romanised", "Booth level workers ki training kal hogi"),
    (
        Family.CORRUPT_PRACTICE,
        "romanised",
        "Chunav aayog ke niyam: booth ke 100 meter ke andar prachar mana hai",
    ),
    (Family.PICKETING, "devanagari", "हर घर नल का जल, घर घर तक विकास।"),
    (Family.PICKETING, "english", "Protest against price rise at the Collectorate on Monday."),
    (Family.PICKETING, "romanised", "Ghar ghar dastak abhiyan kal se shuru"),
    (
        Family.EXIT_POLL,
        "devanagari",
        "एग्जिट पोल पर 7 नवंबर शाम 6:30 तक रोक है, कोई एग्जिट पोल शेयर न करें।",
    ),
    (
        Family.EXIT_POLL,
        "english",
        "Reminder: do not share any exit poll between 28 Oct 7 AM and 7 Nov 6:30 PM.",
    ),
    (Family.EXIT_POLL, "romanised", "Humari party ne 2015 mein 40 seat jeeti thi"),
    (Family.OPINION_POLL, "devanagari", "सड़क सर्वे: 240 किलोमीटर सड़कों की मरम्मत होगी।"),
    (Family.OPINION_POLL, "english", "Household survey: 90% of homes now have a toilet."),
    (Family.OPINION_POLL, "romanised", "Survey team gaon aayegi, Ayushman card banwa lein"),
    (Family.DEROGATORY, "devanagari", "बच्चों की पढ़ाई के लिए हर पंचायत में हाई स्कूल।"),
    (Family.DEROGATORY, "english", "Women's safety: a women's help desk in every police station."),
    (Family.DEROGATORY, "romanised", "Bacchon ke liye polio abhiyan is hafte"),
]


@pytest.mark.parametrize(("family", "form", "text"), POSITIVES)
def test_family_is_found(family: Family, form: str, text: str) -> None:
    assert family in families(text)


@pytest.mark.parametrize(("family", "form", "text"), HARD_NEGATIVES)
def test_hard_negative_is_not_flagged(family: Family, form: str, text: str) -> None:
    assert family not in families(text)


def test_the_cases_cover_every_family_in_every_script() -> None:
    for cases in (POSITIVES, HARD_NEGATIVES):
        covered = {(family, form) for family, form, _ in cases}
        assert covered == {(family, form) for family in Family for form in FORMS}
        devanagari = {text for _, form, text in cases if form == "devanagari"}
        assert all(any("\u0900" <= ch <= "\u097f" for ch in t) for t in devanagari)


def test_a_negated_vote_is_not_an_appeal_but_a_word_ending_in_na_is_no_negation() -> None:
    assert Family.COMMUNAL_APPEAL not in families("Muslim bhaiyon, jaati pe vote mat do")
    assert Family.COMMUNAL_APPEAL in families("हर मुसलमान वोट दे, कौम का सवाल है")


def test_an_exit_poll_is_not_also_an_opinion_poll() -> None:
    text = "Post-poll survey: JVP wins 140 seats"
    assert families(text) == {Family.EXIT_POLL}


def test_hits_come_in_order_of_position_once_per_family_and_span() -> None:
    text = "Exit poll: 140 seats. Ramesh Kumar ke ghar ka gherao karo. Yadavon, vote JVP ko do"
    hits = scan(text)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    assert len({(h.family, h.start, h.end) for h in hits}) == len(hits)
    assert [h.family for h in hits] == [
        Family.EXIT_POLL,
        Family.PICKETING,
        Family.COMMUNAL_APPEAL,
    ]


def test_the_shipped_lexicon_is_loaded_once() -> None:
    assert Lexicon.load() is Lexicon.load()


# ---- word edges in Devanagari --------------------------------------------------------------


def test_a_term_does_not_match_inside_a_longer_devanagari_word() -> None:
    # "चोर" (thief) is an allegation; "चोरी" (theft) in a police notice is not.
    assert Family.ALLEGATION not in families("बिजली चोरी रोकने के लिए विशेष अभियान")
    # "मत" (vote) after a caste group; "मत्स्य" (fisheries) is not a vote.
    assert Family.COMMUNAL_APPEAL not in families("निषाद समाज की मत्स्य नीति पर बैठक")


def test_a_devanagari_term_ends_at_a_danda_or_a_space() -> None:
    assert Family.ALLEGATION in families("ये सब चोर हैं")
    assert Family.ALLEGATION in families("विपक्ष के नेता चोर।")


def test_an_extra_devanagari_term_keeps_its_edges() -> None:
    lexicon = Lexicon.load(extra={"enmity": ["गद्दार कौम"]})
    assert Family.ENMITY in families("ये गद्दार कौम है।", lexicon)
    assert Family.ENMITY not in families("गद्दार कौमी एकता मंच", lexicon)


def test_hindi_inflections_are_matched() -> None:
    assert Family.ALLEGATION in families("इनके घोटालों की सूची लंबी है")
    assert Family.CORRUPT_PRACTICE in families("वोटरों को बूथ तक ट्रैक्टर से पहुंचाएंगे")


# ---- an election's extra terms -------------------------------------------------------------


def test_extra_terms_add_to_the_shipped_lexicon() -> None:
    lexicon = Lexicon.load(extra={"allegation": ["Ramesh Kumar ka kaala sach"]})
    text = "Ramesh Kumar ka kaala sach jaaniye"
    assert Family.ALLEGATION not in families(text)
    (hit,) = [h for h in scan(text, lexicon) if h.family == Family.ALLEGATION]
    assert hit.term == "Ramesh Kumar ka kaala sach"
    assert Family.EXIT_POLL in families("Exit poll: 140 seats", lexicon)


def test_an_extra_term_with_a_star_takes_any_ending() -> None:
    lexicon = Lexicon.load(extra={"worship": ["सत्संग भवन*"]})
    assert Family.WORSHIP in families("सत्संग भवनों में कल बैठक", lexicon)


def test_extra_terms_are_literal_not_regexes() -> None:
    lexicon = Lexicon.load(extra={"allegation": ["k.g.f (x+)"]})
    assert Family.ALLEGATION in families("k.g.f (x+) ka sach", lexicon)
    assert Family.ALLEGATION not in families("kxgxf xx ka sach", lexicon)


def test_an_unknown_family_in_extra_terms_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="'communal_apeal'"):
        Lexicon.load(extra={"communal_apeal": ["jaati"]})


def test_extra_terms_must_be_a_list() -> None:
    with pytest.raises(ValueError, match="list"):
        Lexicon.load(extra={"worship": "mandir se prachar"})


# ---- the evaluation set --------------------------------------------------------------------


def _eval_rows() -> list[dict[str, object]]:
    with EVAL_SET.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_evaluation_set_has_the_agreed_shape() -> None:
    rows = _eval_rows()
    assert len(rows) >= 330
    assert all(set(row) == {"id", "form", "text", "families"} for row in rows)
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)
    assert {row["form"] for row in rows} <= set(FORMS)
    assert all(isinstance(row["text"], str) and row["text"].strip() for row in rows)
    valid = {family.value for family in Family}
    positives: Counter[str] = Counter()
    per_form: Counter[tuple[str, object]] = Counter()
    for row in rows:
        labels = row["families"]
        assert isinstance(labels, list)
        assert set(labels) <= valid
        assert len(set(labels)) == len(labels)
        for label in labels:
            positives[label] += 1
            per_form[(label, row["form"])] += 1
    assert sum(1 for row in rows if not row["families"]) >= 110
    for family in valid:
        assert positives[family] >= 20, family
        for form in FORMS:
            assert per_form[(family, form)] >= 5, (family, form)


def test_the_shipped_lexicon_finds_most_of_each_familys_positives() -> None:
    # A floor against a broken lexicon, not a quality target: bench.screening measures that.
    found: Counter[str] = Counter()
    support: Counter[str] = Counter()
    for row in _eval_rows():
        text = row["text"]
        labels = row["families"]
        assert isinstance(text, str)
        assert isinstance(labels, list)
        hit = {h.family.value for h in scan(text)}
        for label in labels:
            support[label] += 1
            found[label] += label in hit
    for family in Family:
        assert found[family] / support[family] >= 0.6, family
