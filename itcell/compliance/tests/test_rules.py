"""The compliance engine, rule by rule (ECI-RULES.md): one table per family, each row a
subject, the instant it is checked and what the rule finds. Windows are checked to the second
in IST (one second before, at and after each boundary); then what the election's book does to
findings, when they lift, and how they read. Pure: no database. Builders: rulecases.py."""

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from itcell.compliance.engine import (
    Application,
    Book,
    Finding,
    Found,
    Medium,
    Severity,
    Takedown,
    rule_ids,
    rules,
)
from itcell.compliance.rules.expenditure import candidate_account_due, party_statement_due
from itcell.compliance.rules.platforms import Mismatch, reconcile
from itcell.compliance.rules.precertification import apply_by, committee_for
from itcell.compliance.rules.synthetic import label_problems
from itcell.compliance.tests.rulecases import (
    BLOCK,
    BOOK,
    CAMPAIGNING,
    COVID_BOOK,
    EXIT_POLL_FROM,
    EXIT_POLL_UNTIL,
    HOLD,
    INFO,
    MCC_FROM,
    MCC_UNTIL,
    ONLY_LWE_SILENT,
    PHASE_1_SILENT,
    PHASE_3_SILENT,
    SILENCE,
    WARN,
    Case,
    ai_audio,
    ai_image,
    ai_video,
    application,
    around,
    candidate_post,
    candidate_spend,
    case,
    context,
    event,
    ist,
    paid,
    post,
    print_ad,
    print_job,
    spend,
    tagged,
    with_media,
)

ECI_RULES = Path(__file__).resolve().parents[4] / "shared" / "ECI-RULES.md"
# Rules in ECI-RULES.md that are not registered under their own id, and what enforces them.
ENFORCED_ELSEWHERE = {"R-VCE-2": "R-ADV-1", "R-VCE-3": "platforms.reconcile"}

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
BEFORE_MCC = ist(2020, 9, 20, 12)
BAN_IN_FORCE = ist(2020, 10, 30, 12)  # between phases: the exit-poll ban, nobody silent
PHASE_2_SILENT = ist(2020, 11, 2, 12)

# Texts the shipped lexicon finds (test_lexicon.py), one family each.
ENMITY = "Boycott every Muslim shop in the bazaar this Diwali."
PRIVATE_LIFE = "Their candidate is a known womaniser."
ALLEGATION = "The rival MLA took kickbacks on the bridge contract."
COMMUNAL = "कुर्मी समाज के सभी मतदाता इस बार अपनी जाति के उम्मीदवार को ही वोट दें।"
WORSHIP = "Put our banners at the gurdwara gate before Sunday."
CORRUPT = "₹500 per vote, paid on polling eve."
PICKETING = "Dharna outside the councillor's house at noon."
DEROGATORY = "Shoot them, every one of those traitors."
EXIT_POLL = "Internal exit poll shows us leading in 40 seats."
OPINION_POLL = "Opinion poll: JVP projected to win 120 seats."


# The tables below are laid out by hand, one row per case, so ruff format leaves them be.
# fmt: off

# ---- §2 silence period, s.126 ------------------------------------------------------------------

SILENCE_CASES = [
    # R-SIL-1: a note in the 24 hours before a constituency falls silent.
    *around("notice opens 24 h before phase 2 falls silent", "R-SIL-1",
            SILENCE[100].start - 24 * HOUR, (None, INFO, INFO), post(acs=(100,))),
    *around("notice stops when phase 2 falls silent", "R-SIL-1",
            SILENCE[100].start, (INFO, None, None), post(acs=(100,))),
    *around("early-closing 52: notice from 16:00 two days before poll", "R-SIL-1",
            SILENCE[52].start - 24 * HOUR, (None, INFO, INFO), post(acs=(52,))),
    case("state-wide post gets the notice", "R-SIL-1",
         post(statewide=True), ist(2020, 10, 26, 15), INFO),
    case("no notice far from the poll", "R-SIL-1", post(acs=(100,)), CAMPAIGNING),
    # R-SIL-2: [poll close − 48 h, poll close) per constituency, for each phase.
    *around("phase 1 silence starts", "R-SIL-2",
            SILENCE[53].start, (None, BLOCK, BLOCK), post(acs=(53,))),
    *around("phase 1 silence ends at poll close", "R-SIL-2",
            SILENCE[53].end, (BLOCK, None, None), post(acs=(53,))),
    *around("phase 2 silence starts", "R-SIL-2",
            SILENCE[100].start, (None, BLOCK, BLOCK), post(acs=(100,))),
    *around("phase 2 silence ends at poll close", "R-SIL-2",
            SILENCE[100].end, (BLOCK, None, None), post(acs=(100,))),
    *around("phase 3 silence starts", "R-SIL-2",
            SILENCE[200].start, (None, BLOCK, BLOCK), post(acs=(200,))),
    *around("phase 3 silence ends at poll close", "R-SIL-2",
            SILENCE[200].end, (BLOCK, None, None), post(acs=(200,))),
    *around("phase 1 silence starts, server clock in UTC", "R-SIL-2",
            SILENCE[53].start, (None, BLOCK, BLOCK), post(acs=(53,)), zone=UTC),
    # The early-closing constituency's window is two hours earlier than its phase's.
    *around("early-closing 52 falls silent at 16:00", "R-SIL-2",
            SILENCE[52].start, (None, BLOCK, BLOCK), post(acs=(52,))),
    *around("early-closing 52 speaks again at its 16:00 close", "R-SIL-2",
            SILENCE[52].end, (BLOCK, None, None), post(acs=(52,))),
    *around("53 still campaigns when 52 falls silent", "R-SIL-2",
            SILENCE[52].start, (None, None, None), post(acs=(53,))),
    *around("53 still silent when 52's window ends", "R-SIL-2",
            SILENCE[52].end, (BLOCK, BLOCK, BLOCK), post(acs=(53,))),
    # Multi-phase: only the silent phase's constituencies are blocked.
    case("phase 1 silent: post for phase 2 goes", "R-SIL-2", post(acs=(100,)), PHASE_1_SILENT),
    case("phase 1 silent: post for phases 1 and 2 is blocked", "R-SIL-2",
         post(acs=(53, 100)), PHASE_1_SILENT, BLOCK),
    case("state-wide post is R-SIL-3's", "R-SIL-2", post(statewide=True), PHASE_1_SILENT),
    case("untargeted post", "R-SIL-2", post(), PHASE_1_SILENT),
    # R-SIL-3: content for campaigning constituencies must not name silent ones.
    case("phase 1 silent: post for phase 2 naming silent 52", "R-SIL-3",
         post("Belaganj ke baad ab Danapur ki baari", acs=(100,)), PHASE_1_SILENT, BLOCK),
    case("naming a wholly silent district in Hindi", "R-SIL-3",
         post("गया में जेवीपी की लहर है", acs=(100,)), PHASE_1_SILENT, BLOCK),
    case("naming a silent constituency's candidate", "R-SIL-3",
         post("Sunil Paswan ko jitayein", acs=(100,)), PHASE_1_SILENT, BLOCK),
    case("naming a district only partly silent", "R-SIL-3",
         post("Patna ka vikas", acs=(100,)), PHASE_1_SILENT),
    case("naming campaigning places only", "R-SIL-3",
         post("Danapur ka vikas", acs=(100,)), PHASE_1_SILENT),
    case("52 silent, 53 not: naming their district", "R-SIL-3",
         post("Gaya ka vikas", acs=(100,)), ONLY_LWE_SILENT),
    case("52 silent, 53 not: naming 52", "R-SIL-3",
         post("Belaganj ka vikas", acs=(100,)), ONLY_LWE_SILENT, BLOCK),
    case("state-wide post without names warns", "R-SIL-3",
         post(statewide=True), PHASE_1_SILENT, WARN),
    case("state-wide post naming a silent district", "R-SIL-3",
         post("Gaya se Danapur tak", statewide=True), PHASE_1_SILENT, BLOCK),
    case("nobody silent: names are fine", "R-SIL-3",
         post("Belaganj ka vikas", acs=(52,)), CAMPAIGNING),
    case("nobody silent: state-wide post", "R-SIL-3", post(statewide=True), CAMPAIGNING),
    # R-SIL-4: leaders on air reaching silent constituencies (the event's time counts).
    *around("interview as phase 1 falls silent", "R-SIL-4", SILENCE[53].start,
            (None, WARN, WARN), make=lambda t: event("interview", t, acs=(53,)), at=CAMPAIGNING),
    case("press conference for silent 53", "R-SIL-4",
         event("press_conference", PHASE_1_SILENT, acs=(53,)), PHASE_1_SILENT, WARN),
    case("signed off", "R-SIL-4",
         event("interview", PHASE_1_SILENT, acs=(53,), signed_off=True), PHASE_1_SILENT),
    case("phase 1 silent: live stream for phase 2", "R-SIL-4",
         event("live_stream", PHASE_1_SILENT, acs=(100,)), PHASE_1_SILENT),
    case("phase 1 silent: state-wide live stream", "R-SIL-4",
         event("live_stream", PHASE_1_SILENT, statewide=True), PHASE_1_SILENT, WARN),
    case("a rally is no media appearance", "R-SIL-4",
         event("rally", PHASE_1_SILENT, acs=(53,)), PHASE_1_SILENT),
    # R-SIL-5: poll-survey results in the silence window, per phase.
    case("poll result for silent 53", "R-SIL-5",
         tagged("poll_result", acs=(53,)), PHASE_1_SILENT, BLOCK),
    case("phase 1 silent: poll result for phase 2", "R-SIL-5",
         tagged("poll_result", acs=(100,)), PHASE_1_SILENT),
    case("phase 1 silent: state-wide poll result", "R-SIL-5",
         tagged("poll_result", statewide=True), PHASE_1_SILENT, BLOCK),
    case("survey words, untagged, for silent 53", "R-SIL-5",
         post(OPINION_POLL, acs=(53,)), PHASE_1_SILENT, HOLD),
    case("survey words while nobody is silent", "R-SIL-5",
         post(OPINION_POLL, acs=(53,)), CAMPAIGNING),
    *around("poll result for phase 3 as its silence ends", "R-SIL-5",
            SILENCE[200].end, (BLOCK, None, None), tagged("poll_result", acs=(200,))),
]

# ---- §3 exit polls, s.126A ------------------------------------------------------------------

EXIT_POLL_CASES = [
    *around("ban starts 07:00 on the first poll day", "R-EXIT-1",
            EXIT_POLL_FROM, (None, BLOCK, BLOCK), tagged("exit_poll", statewide=True)),
    *around("ban ends 18:30 on the last poll day, included", "R-EXIT-1",
            EXIT_POLL_UNTIL, (BLOCK, BLOCK, None), tagged("exit_poll", statewide=True)),
    case("state-wide ban: targeting does not matter", "R-EXIT-1",
         tagged("exit_poll", acs=(200,)), BAN_IN_FORCE, BLOCK),
    case("exit-poll words, untagged, during the ban", "R-EXIT-1",
         post(EXIT_POLL), BAN_IN_FORCE, HOLD),
    case("exit-poll words before the ban", "R-EXIT-1", post(EXIT_POLL), CAMPAIGNING),
    case("a reminder of the ban is no exit poll", "R-EXIT-1",
         post("Reminder: do not share any exit poll between 28 Oct 7 AM and 7 Nov 6:30 PM."),
         BAN_IN_FORCE),
]

# ---- §1 Model Code of Conduct ------------------------------------------------------------------

LEXICON_RULES = [
    ("R-MCC-1", ENMITY),
    ("R-MCC-2", PRIVATE_LIFE),
    ("R-MCC-4", COMMUNAL),
    ("R-MCC-5", WORSHIP),
    ("R-MCC-6", CORRUPT),
    ("R-MCC-7", PICKETING),
    ("R-AI-8", DEROGATORY),
]
ON_A_WALL = Medium("image", on_private_property=True, title="Flags on Ram Babu's wall")

MCC_CASES = [
    *(
        row
        for rule, text in LEXICON_RULES
        for row in (
            case("lexicon hit while the code is in force", rule, post(text), CAMPAIGNING, HOLD),
            case("the same words before the code", rule, post(text), BEFORE_MCC),
            case("plain text", rule, post(), CAMPAIGNING),
        )
    ),
    *around("the code comes into force", "R-MCC-1", MCC_FROM, (None, HOLD, HOLD), post(ENMITY)),
    *around("the code ends with the election", "R-MCC-1",
            MCC_UNTIL, (HOLD, None, None), post(ENMITY)),
    case("allegation without a source", "R-MCC-3", post(ALLEGATION), CAMPAIGNING, BLOCK),
    case("allegation with sources: a reviewer checks", "R-MCC-3",
         post(ALLEGATION, claim_sources=2), CAMPAIGNING, HOLD),
    case("allegation before the code", "R-MCC-3", post(ALLEGATION), BEFORE_MCC),
    case("no allegation", "R-MCC-3", post(), CAMPAIGNING),
    case("flags on private property", "R-MCC-8", post(media=(ON_A_WALL,)), CAMPAIGNING, WARN),
    case("two such pictures", "R-MCC-8",
         post(media=(ON_A_WALL, ON_A_WALL)), CAMPAIGNING, WARN, WARN),
    case("owner's permission recorded", "R-MCC-8",
         post(media=(replace(ON_A_WALL, owner_permission=True),)), CAMPAIGNING),
    case("before the code", "R-MCC-8", post(media=(ON_A_WALL,)), BEFORE_MCC),
]

# ---- §4 printer and publisher imprint, s.127A ------------------------------------------------

PRINTED = ist(2020, 10, 20, 10)
POSTER = Medium("poster", title="Rally poster")

IMPRINT_CASES = [
    case("printer and publisher named", "R-IMP-1", print_job(), CAMPAIGNING),
    case("no printer", "R-IMP-1", print_job(printer=""), CAMPAIGNING, BLOCK),
    case("blank publisher", "R-IMP-1", print_job(publisher="  "), CAMPAIGNING, BLOCK),
    case("a mere meeting notice", "R-IMP-1",
         print_job(printer="", meeting_notice_only=True), CAMPAIGNING),
    case("declaration with two witnesses", "R-IMP-2", print_job(), CAMPAIGNING),
    case("no declaration", "R-IMP-2", print_job(declaration_on_file=False), CAMPAIGNING, BLOCK),
    case("one witness", "R-IMP-2", print_job(witnesses=1), CAMPAIGNING, BLOCK),
    # R-IMP-3: three calendar days after printing, counted in IST.
    *around("filing with the DM due 3 days after printing", "R-IMP-3",
            ist(2020, 10, 23), (None, WARN, WARN), print_job(printed_at=PRINTED)),
    *around("the same, server clock in UTC", "R-IMP-3", ist(2020, 10, 23),
            (None, WARN, WARN), print_job(printed_at=PRINTED.astimezone(UTC)), zone=UTC),
    *around("printed 01:00 IST (the day before in UTC)", "R-IMP-3", ist(2020, 10, 24),
            (None, WARN, WARN), print_job(printed_at=ist(2020, 10, 21, 1).astimezone(UTC)),
            zone=UTC),
    case("filed with the DM", "R-IMP-3",
         print_job(printed_at=PRINTED, filed_with_dm_at=PRINTED + DAY), ist(2020, 11, 1)),
    case("not printed yet", "R-IMP-3", print_job(), ist(2020, 11, 1)),
    case("poster without imprint", "R-IMP-4", post(media=(POSTER,)), CAMPAIGNING, WARN),
    case("poster with imprint", "R-IMP-4",
         post(media=(replace(POSTER, imprint="Maa Tara Press, Gaya"),)), CAMPAIGNING),
    case("a photo needs none", "R-IMP-4", post(media=(Medium("image"),)), CAMPAIGNING),
]

# ---- §5 pre-certification by the MCMC --------------------------------------------------------

CERTIFIED = {"certificate": "MCMC/GAYA/2020/117", "certified_hash": "a1", "content_hash": "a1"}
RELEASE = ist(2020, 10, 20, 10)


def applied(applicant: str) -> Callable[[datetime], Application]:
    """An application for the release at RELEASE, submitted at a given instant."""
    return lambda at: application(applicant, at, RELEASE)


PRECERTIFICATION_CASES = [
    case("paid post without certificate", "R-ADV-1", paid(), CAMPAIGNING, BLOCK),
    case("(R-VCE-2) paid ad sent to a platform without certificate", "R-ADV-1",
         paid(channel="instagram", acs=(100,)), CAMPAIGNING, BLOCK),
    case("with certificate", "R-ADV-1", paid(**CERTIFIED), CAMPAIGNING),
    case("own handle, not paid", "R-ADV-1", post(), CAMPAIGNING),
    *around("the code comes into force", "R-ADV-1", MCC_FROM, (None, BLOCK, BLOCK), paid()),
    *around("the code ends with the election", "R-ADV-1", MCC_UNTIL, (BLOCK, None, None), paid()),
    case("certified version", "R-ADV-2", paid(**CERTIFIED), CAMPAIGNING),
    case("changed since certified", "R-ADV-2",
         paid(**(CERTIFIED | {"content_hash": "b2"})), CAMPAIGNING, BLOCK),
    case("changed, before the code", "R-ADV-2",
         paid(**(CERTIFIED | {"content_hash": "b2"})), BEFORE_MCC),
    # R-ADV-3: apply at least 3 days (parties, candidates) or 7 days (others) before release.
    *around("party applies 3 days ahead", "R-ADV-3",
            RELEASE - 3 * DAY, (None, None, WARN), make=applied("party"), at=CAMPAIGNING),
    *around("candidate applies 3 days ahead", "R-ADV-3",
            RELEASE - 3 * DAY, (None, None, WARN), make=applied("candidate"), at=CAMPAIGNING),
    *around("other person applies 7 days ahead", "R-ADV-3",
            RELEASE - 7 * DAY, (None, None, WARN), make=applied("other"), at=CAMPAIGNING),
    case("other person applies 4 days ahead", "R-ADV-3",
         application("other", RELEASE - 4 * DAY, RELEASE), CAMPAIGNING, WARN),
    case("party: the State MCMC", "R-ADV-4",
         application("party", CAMPAIGNING, RELEASE), CAMPAIGNING, INFO),
    case("candidate: the District MCMC", "R-ADV-4",
         application("candidate", CAMPAIGNING, RELEASE), CAMPAIGNING, INFO),
    # R-ADV-5: print ads on poll day and its eve, per the target constituencies' phase.
    case("phase 1 print ad two days before poll", "R-ADV-5",
         print_ad(date(2020, 10, 26)), CAMPAIGNING),
    case("phase 1 print ad on poll eve", "R-ADV-5",
         print_ad(date(2020, 10, 27)), CAMPAIGNING, BLOCK),
    case("phase 1 print ad on poll day", "R-ADV-5",
         print_ad(date(2020, 10, 28)), CAMPAIGNING, BLOCK),
    case("phase 1 print ad the day after", "R-ADV-5", print_ad(date(2020, 10, 29)), CAMPAIGNING),
    case("phase 2 eve, ad for phases 1 and 2", "R-ADV-5",
         print_ad(date(2020, 11, 2), acs=(53, 100)), CAMPAIGNING, BLOCK),
    case("phase 3 poll day", "R-ADV-5",
         print_ad(date(2020, 11, 7), acs=(200,)), CAMPAIGNING, BLOCK),
    case("poll day, certified", "R-ADV-5",
         print_ad(date(2020, 10, 28), certificate="MCMC/GAYA/2020/118"), CAMPAIGNING),
    case("poll day, not an ad", "R-ADV-5",
         print_ad(date(2020, 10, 28), is_ad=False), CAMPAIGNING),
    case("ad booked without its certificate", "R-ADV-6", spend(category="ads"), CAMPAIGNING, BLOCK),
    case("ad booked with its certificate", "R-ADV-6",
         spend(category="ads", certificate="MCMC/GAYA/2020/117"), CAMPAIGNING),
    case("content work is no ad", "R-ADV-6", spend(category="content"), CAMPAIGNING),
]

# ---- §6 candidates' accounts and expenditure -------------------------------------------------

OCT_18, OCT_19 = date(2020, 10, 18), date(2020, 10, 19)

ACCOUNT_AND_EXPENDITURE_CASES = [
    case("declared handle", "R-ACC-1", candidate_post(handle="@SunilPaswanJVP"), CAMPAIGNING),
    case("declared handle spelt without @, other case", "R-ACC-1",
         candidate_post(handle="sunilpaswanjvp"), CAMPAIGNING),
    case("undeclared handle", "R-ACC-1", candidate_post(handle="@SunilForGaya"), CAMPAIGNING, WARN),
    case("undeclared handle running a paid ad", "R-ACC-1",
         candidate_post(handle="@SunilForGaya", is_paid=True), CAMPAIGNING, BLOCK),
    case("the party's handle", "R-ACC-1", post(), CAMPAIGNING),
    case("booked in full", "R-EXP-1", spend(), CAMPAIGNING),
    case("no vendor", "R-EXP-1", spend(vendor=" "), CAMPAIGNING, BLOCK),
    case("no amount", "R-EXP-1", spend(amount_inr=0), CAMPAIGNING, BLOCK),
    case("no payment mode", "R-EXP-1", spend(mode=""), CAMPAIGNING, BLOCK),
    # R-EXP-2: ₹28 lakh until 18 Oct 2020, ₹30.8 lakh from 19 Oct; warn at 80 %, block at 100 %.
    case("18 Oct: just under 80 % of Rs 28 lakh", "R-EXP-2",
         candidate_spend(OCT_18, 2_239_999), CAMPAIGNING),
    case("18 Oct: 80 % of Rs 28 lakh", "R-EXP-2",
         candidate_spend(OCT_18, 2_240_000), CAMPAIGNING, WARN),
    case("18 Oct: just under Rs 28 lakh", "R-EXP-2",
         candidate_spend(OCT_18, 2_799_999), CAMPAIGNING, WARN),
    case("18 Oct: Rs 28 lakh", "R-EXP-2", candidate_spend(OCT_18, 2_800_000), CAMPAIGNING, BLOCK),
    case("19 Oct: Rs 28 lakh is 90 % of Rs 30.8 lakh", "R-EXP-2",
         candidate_spend(OCT_19, 2_800_000), CAMPAIGNING, WARN),
    case("19 Oct: just under 80 % of Rs 30.8 lakh", "R-EXP-2",
         candidate_spend(OCT_19, 2_463_999), CAMPAIGNING),
    case("19 Oct: 80 % of Rs 30.8 lakh", "R-EXP-2",
         candidate_spend(OCT_19, 2_464_000), CAMPAIGNING, WARN),
    case("19 Oct: just under Rs 30.8 lakh", "R-EXP-2",
         candidate_spend(OCT_19, 3_079_999), CAMPAIGNING, WARN),
    case("19 Oct: Rs 30.8 lakh", "R-EXP-2", candidate_spend(OCT_19, 3_080_000), CAMPAIGNING, BLOCK),
    case("the party's own spend", "R-EXP-2", spend(spent_before_inr=9_000_000), CAMPAIGNING),
    case("no ceiling in the book", "R-EXP-2",
         candidate_spend(OCT_19, 9_000_000), CAMPAIGNING, book=Book()),
    case("party spend: into the statement", "R-EXP-3", spend(), CAMPAIGNING, INFO),
    case("candidate spend: not the party's", "R-EXP-3",
         candidate_spend(OCT_19, 100_000), CAMPAIGNING),
    case("cash above Rs 10,000", "R-EXP-4",
         spend(mode="cash", amount_inr=10_001), CAMPAIGNING, WARN),
    case("cash of Rs 10,000", "R-EXP-4", spend(mode="cash", amount_inr=10_000), CAMPAIGNING),
    case("large transfer", "R-EXP-4", spend(mode="transfer", amount_inr=90_000), CAMPAIGNING),
    case("candidate spend: into the account", "R-EXP-5",
         candidate_spend(OCT_19, 100_000), CAMPAIGNING, INFO),
    case("party spend", "R-EXP-5", spend(), CAMPAIGNING),
]

# ---- §7 platforms' voluntary code ------------------------------------------------------------

PLATFORM_CASES = [
    case("one notice on the handle", "R-VCE-1", post(notices_on_handle=1), CAMPAIGNING, INFO),
    case("three notices", "R-VCE-1", post(notices_on_handle=3), CAMPAIGNING, INFO),
    case("no notices", "R-VCE-1", post(), CAMPAIGNING),
]

# ---- §8 AI-made media and the 3-hour takedown ------------------------------------------------

NOTICED = ist(2020, 10, 27, 10)
WITHOUT_CONSENT = {"people_without_consent": ("Ramesh Kumar",)}

SYNTHETIC_CASES = [
    case("labelled right", "R-AI-1", with_media(ai_image()), CAMPAIGNING),
    case("label in another case", "R-AI-1",
         with_media(ai_image(label="ai-generated")), CAMPAIGNING),
    case("Hindi label", "R-AI-1", with_media(ai_image(label="एआई-जनित")), CAMPAIGNING),
    case("label not one of the approved", "R-AI-1",
         with_media(ai_image(label="Made with AI")), CAMPAIGNING, BLOCK),
    case("no label", "R-AI-1", with_media(ai_image(label="")), CAMPAIGNING, BLOCK),
    case("label under 10 % of the picture", "R-AI-1",
         with_media(ai_image(label_area_pct=9.9)), CAMPAIGNING, BLOCK),
    case("video, label in the top band", "R-AI-1", with_media(ai_video()), CAMPAIGNING),
    case("video, label elsewhere", "R-AI-1",
         with_media(ai_video(label_position="other")), CAMPAIGNING, BLOCK),
    case("audio, label in the first 10 %", "R-AI-1", with_media(ai_audio()), CAMPAIGNING),
    case("audio, label later", "R-AI-1",
         with_media(ai_audio(audio_label_first_pct=9)), CAMPAIGNING, BLOCK),
    case("two unlabelled media", "R-AI-1",
         with_media(ai_image(label=""), ai_video(label="")), CAMPAIGNING, BLOCK, BLOCK),
    case("not synthetic", "R-AI-1", with_media(Medium("image")), CAMPAIGNING),
    case("unlabelled, before the code", "R-AI-1", with_media(ai_image(label="")), BEFORE_MCC),
    case("creator named", "R-AI-2", with_media(ai_image()), CAMPAIGNING),
    case("creator not named", "R-AI-2",
         with_media(ai_image(creator_disclosed=False)), CAMPAIGNING, BLOCK),
    case("creator not named, before the code", "R-AI-2",
         with_media(ai_image(creator_disclosed=False)), BEFORE_MCC),
    case("a real person without consent", "R-AI-3",
         with_media(ai_image(**WITHOUT_CONSENT)), CAMPAIGNING, BLOCK),
    case("a real person without consent, before the code", "R-AI-3",
         with_media(ai_image(**WITHOUT_CONSENT)), BEFORE_MCC, BLOCK),
    case("consent on file", "R-AI-3", with_media(ai_image()), CAMPAIGNING),
    case("a real photo of a real person", "R-AI-3",
         with_media(Medium("image", **WITHOUT_CONSENT)), CAMPAIGNING),
    case("looks AI-made, not declared", "R-AI-4",
         with_media(Medium("video", flagged_synthetic=True)), CAMPAIGNING, HOLD),
    case("looks AI-made, declared", "R-AI-4",
         with_media(ai_video(flagged_synthetic=True)), CAMPAIGNING),
    case("looks AI-made, before the code", "R-AI-4",
         with_media(Medium("video", flagged_synthetic=True)), BEFORE_MCC),
    # R-AI-5: note at once, warn from +2 h, breach after +3 h.
    case("just noticed", "R-AI-5", Takedown(NOTICED), NOTICED, INFO),
    *around("escalation at +2 h", "R-AI-5",
            NOTICED + 2 * HOUR, (INFO, WARN, WARN), Takedown(NOTICED)),
    *around("deadline at +3 h", "R-AI-5",
            NOTICED + 3 * HOUR, (WARN, WARN, BLOCK), Takedown(NOTICED)),
    *around("removed by the deadline (checked later)", "R-AI-5", NOTICED + 3 * HOUR,
            (None, None, BLOCK), make=lambda t: Takedown(NOTICED, removed_at=t),
            at=NOTICED + 5 * HOUR),
    case("removed in an hour, checked a day later", "R-AI-5",
         Takedown(NOTICED, removed_at=NOTICED + HOUR), NOTICED + DAY),
    case("closing a deepfake incident, nobody named", "R-AI-6",
         Takedown(NOTICED, NOTICED + HOUR, misinformation=True, closing=True),
         NOTICED + DAY, BLOCK),
    case("closing, named but not warned", "R-AI-6",
         Takedown(NOTICED, NOTICED + HOUR, misinformation=True, closing=True, responsible="Ravi"),
         NOTICED + DAY, BLOCK),
    case("closing, named and warned", "R-AI-6",
         Takedown(NOTICED, NOTICED + HOUR, misinformation=True, closing=True, responsible="Ravi",
                  warned_at=NOTICED + 2 * HOUR),
         NOTICED + DAY),
    case("closing a notice that was no deepfake", "R-AI-6",
         Takedown(NOTICED, NOTICED + HOUR, closing=True), NOTICED + DAY),
    case("deepfake incident still open", "R-AI-6",
         Takedown(NOTICED, misinformation=True), NOTICED + HOUR),
    case("not in the AI register", "R-AI-7",
         with_media(ai_image(registered=False)), CAMPAIGNING, WARN),
    case("not in the AI register, before the code", "R-AI-7",
         with_media(ai_image(registered=False)), BEFORE_MCC, WARN),
    case("in the AI register", "R-AI-7", with_media(ai_image()), CAMPAIGNING),
]

# ---- §9 COVID-19 rules of the 2020 election --------------------------------------------------

COVID_CASES = [
    case("door to door, 6 people", "R-COV-1",
         event("door_to_door", team_size=6), CAMPAIGNING, BLOCK, book=COVID_BOOK),
    case("door to door, 5 people", "R-COV-1",
         event("door_to_door", team_size=5), CAMPAIGNING, book=COVID_BOOK),
    case("6 vehicles per set", "R-COV-2",
         event("road_show", vehicles_per_set=6, gap_minutes=30), CAMPAIGNING, BLOCK,
         book=COVID_BOOK),
    case("29 minutes between sets", "R-COV-2",
         event("road_show", vehicles_per_set=5, gap_minutes=29), CAMPAIGNING, BLOCK,
         book=COVID_BOOK),
    case("5 vehicles, 30 minutes apart", "R-COV-2",
         event("road_show", vehicles_per_set=5, gap_minutes=30), CAMPAIGNING, book=COVID_BOOK),
    case("ground not on the DEO's list", "R-COV-3",
         event("rally", venue_approved=False), CAMPAIGNING, WARN, book=COVID_BOOK),
    case("attendance over the SDMA cap, unlisted ground", "R-COV-3",
         event("rally", venue_approved=False, attendance=1_001), CAMPAIGNING, WARN, WARN,
         book=replace(COVID_BOOK, rally_cap=1_000)),
    case("attendance at the SDMA cap", "R-COV-3",
         event("rally", attendance=1_000), CAMPAIGNING,
         book=replace(COVID_BOOK, rally_cap=1_000)),
    case("no SDMA cap set", "R-COV-3",
         event("rally", attendance=50_000), CAMPAIGNING, book=COVID_BOOK),
    case("nomination with 3 companions", "R-COV-4",
         event("nomination", companions=3), CAMPAIGNING, WARN, book=COVID_BOOK),
    case("nomination with 2 companions", "R-COV-4",
         event("nomination", companions=2), CAMPAIGNING, book=COVID_BOOK),
]

# fmt: on

CASES = [
    *SILENCE_CASES,
    *EXIT_POLL_CASES,
    *MCC_CASES,
    *IMPRINT_CASES,
    *PRECERTIFICATION_CASES,
    *ACCOUNT_AND_EXPENDITURE_CASES,
    *PLATFORM_CASES,
    *SYNTHETIC_CASES,
    *COVID_CASES,
]


def rows(keep: Callable[[Case], object]) -> list[Any]:
    """The table rows whose case passes ``keep``, with their ids."""
    return [row for row in CASES if keep(row.values[0])]


def summary(finding: Finding) -> tuple[str, Severity, str]:
    return finding.rule, finding.severity, finding.text("en")


@pytest.mark.parametrize("ac", sorted(SILENCE))
def test_the_hand_built_calendar_has_the_silence_windows_of_bihar_2020(ac: int) -> None:
    assert context(CAMPAIGNING).calendar.silence_window(ac) == SILENCE[ac]


@pytest.mark.parametrize("case", CASES)
def test_rule_finds_what_its_table_says(case: Case) -> None:
    findings = case.findings()
    assert tuple(f.severity for f in findings) == case.expect, [f.text("en") for f in findings]


# ---- every rule is covered ---------------------------------------------------------------------


def test_every_registered_rule_has_a_row_where_it_finds_something() -> None:
    tested = {row.values[0].rule for row in rows(lambda case: case.expect)}
    assert tested == set(rule_ids())


def test_every_rule_of_eci_rules_md_is_registered_or_enforced_elsewhere() -> None:
    if not ECI_RULES.exists():
        pytest.skip(f"{ECI_RULES} is not checked out next to the project")
    documented = set(re.findall(r"R-[A-Z]+-\d+", ECI_RULES.read_text(encoding="utf-8")))
    assert documented - set(rules) == set(ENFORCED_ELSEWHERE)
    assert set(rules) <= documented  # no rule under an id the document does not have
    assert ENFORCED_ELSEWHERE["R-VCE-2"] in rules


def test_the_books_unverified_rules_are_those_eci_rules_md_marks_unverified() -> None:
    if not ECI_RULES.exists():
        pytest.skip(f"{ECI_RULES} is not checked out next to the project")
    marked = {
        match.group(1)
        for line in ECI_RULES.read_text(encoding="utf-8").splitlines()
        if "[unverified" in line and (match := re.match(r"\| (R-[A-Z]+-\d+)", line))
    }
    assert Book().unverified == marked == {"R-IMP-4", "R-EXP-4", "R-EXP-5"}


# R-VCE-3: the platforms' ad libraries against the ledger, per ad.
@pytest.mark.parametrize(
    ("ledger", "library", "tolerance", "mismatches"),
    [
        pytest.param({"ad-1": 5_000}, {"ad-1": 5_000}, 0, [], id="same spend on both sides"),
        pytest.param(
            {"ad-1": 5_000}, {"ad-1": 5_200}, 0, [Mismatch("ad-1", 5_000, 5_200)], id="differs"
        ),
        pytest.param({"ad-1": 5_000}, {"ad-1": 5_200}, 200, [], id="differs by the tolerance"),
        pytest.param(
            {"ad-1": 5_000},
            {"ad-1": 5_201},
            200,
            [Mismatch("ad-1", 5_000, 5_201)],
            id="differs by more than the tolerance",
        ),
        pytest.param(
            {"ad-1": 5_000}, {}, 0, [Mismatch("ad-1", 5_000, None)], id="booked, not in library"
        ),
        pytest.param({}, {"ad-2": 700}, 0, [Mismatch("ad-2", None, 700)], id="running, not booked"),
        pytest.param(
            {"ad-3": 10, "ad-1": 10, "ad-2": 10},
            {"ad-2": 10, "ad-4": 40},
            0,
            [Mismatch("ad-1", 10, None), Mismatch("ad-3", 10, None), Mismatch("ad-4", None, 40)],
            id="in order of reference",
        ),
    ],
)
def test_reconcile_reports_ads_whose_library_and_ledger_disagree(
    ledger: dict[str, int], library: dict[str, int], tolerance: int, mismatches: list[Mismatch]
) -> None:
    assert reconcile(ledger, library, tolerance_inr=tolerance) == mismatches


# ---- when findings lift ------------------------------------------------------------------------

SILENCE_RULES = ("R-SIL-2", "R-SIL-3", "R-SIL-5", "R-EXIT-1")
WINDOW_ENDS = {window.end for window in SILENCE.values()} | {EXIT_POLL_UNTIL}


# fmt: off
LIFTS = [
    pytest.param("R-SIL-2", post(acs=(53,)), PHASE_1_SILENT, SILENCE[53].end, id="phase 1"),
    pytest.param("R-SIL-2", post(acs=(52,)), PHASE_1_SILENT, SILENCE[52].end,
                 id="early-closing 52 at 16:00"),
    pytest.param("R-SIL-2", post(acs=(52, 53)), PHASE_1_SILENT, SILENCE[53].end,
                 id="the last of its constituencies"),
    pytest.param("R-SIL-2", post(acs=(100,)), PHASE_2_SILENT, SILENCE[100].end, id="phase 2"),
    pytest.param("R-SIL-2", post(acs=(200,)), PHASE_3_SILENT, SILENCE[200].end, id="phase 3"),
    pytest.param("R-SIL-3", post("Belaganj", acs=(100,)), PHASE_1_SILENT, SILENCE[52].end,
                 id="naming 52"),
    pytest.param("R-SIL-3", post("Gaya", acs=(100,)), PHASE_1_SILENT, SILENCE[53].end,
                 id="naming the district of 52 and 53"),
    pytest.param("R-SIL-5", tagged("poll_result", statewide=True), PHASE_1_SILENT,
                 SILENCE[53].end, id="state-wide poll result"),
    pytest.param("R-SIL-5", post(OPINION_POLL, acs=(200,)), PHASE_3_SILENT, SILENCE[200].end,
                 id="held survey"),
    pytest.param("R-EXIT-1", tagged("exit_poll"), BAN_IN_FORCE, EXIT_POLL_UNTIL, id="exit poll"),
    pytest.param("R-EXIT-1", post(EXIT_POLL), PHASE_3_SILENT, EXIT_POLL_UNTIL,
                 id="held exit poll"),
]
# fmt: on


@pytest.mark.parametrize(("rule", "subject", "at", "until"), LIFTS)
def test_a_silence_or_exit_poll_finding_lifts_when_its_window_ends(
    rule: str, subject: Any, at: datetime, until: datetime
) -> None:
    (finding,) = Case(rule, subject, at, expect=()).findings()
    assert finding.stops
    assert finding.until == until


@pytest.mark.parametrize("case", rows(lambda case: case.rule in SILENCE_RULES))
def test_every_stopping_silence_or_exit_poll_finding_says_when_it_lifts(case: Case) -> None:
    for finding in case.findings():
        if finding.stops:
            assert finding.until in WINDOW_ENDS
            assert finding.until >= case.at  # the exit-poll ban includes its end


# ---- what the election's book does ---------------------------------------------------------------

UNVERIFIED = ("R-IMP-4", "R-EXP-4", "R-EXP-5")
SUBJECT_OF = {"R-IMP-4": post(), "R-EXP-4": spend(), "R-EXP-5": spend()}


@pytest.mark.parametrize("rule_id", UNVERIFIED)
def test_an_unverified_rule_is_capped_at_warn_whatever_it_finds(
    rule_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def finds_everything(subject: object, ctx: object) -> list[Found]:
        return [Found(severity, "…") for severity in Severity]

    monkeypatch.setitem(rules, rule_id, replace(rules[rule_id], check=finds_everything))
    findings = Case(rule_id, SUBJECT_OF[rule_id], CAMPAIGNING, expect=()).findings()
    assert [f.severity for f in findings] == [WARN, WARN, WARN, INFO]


@pytest.mark.parametrize(
    "book",
    [BOOK, replace(BOOK, unverified=frozenset())],
    ids=["default book", "book that trusts them"],
)
@pytest.mark.parametrize("case", rows(lambda case: case.rule in UNVERIFIED))
def test_unverified_rules_never_go_above_warn(case: Case, book: Book) -> None:
    for finding in replace(case, book=book).findings():
        assert finding.severity.rank <= WARN.rank


def test_a_rule_the_book_marks_unverified_warns_instead_of_blocking() -> None:
    book = replace(BOOK, unverified=BOOK.unverified | {"R-SIL-2"})
    (finding,) = Case("R-SIL-2", post(acs=(53,)), PHASE_1_SILENT, expect=(), book=book).findings()
    assert finding.severity == WARN


@pytest.mark.parametrize("rule_id", rule_ids())
def test_a_disabled_rule_does_not_run(rule_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    example = next(row.values[0] for row in rows(lambda case: case.rule == rule_id and case.expect))
    everything_else = [summary(f) for f in example.all_findings() if f.rule != rule_id]

    def must_not_run(subject: object, ctx: object) -> list[Found]:
        raise AssertionError(f"{rule_id} ran though the book disables it")

    monkeypatch.setitem(rules, rule_id, replace(rules[rule_id], check=must_not_run))
    disabled = replace(example, book=replace(example.book, disabled=frozenset({rule_id})))
    assert [summary(f) for f in disabled.all_findings()] == everything_else


@pytest.mark.parametrize("case", rows(lambda case: HOLD in case.expect))
def test_a_hold_can_always_be_overridden(case: Case) -> None:
    holds = [f for f in case.findings() if f.severity == HOLD]
    assert holds
    assert all(f.overridable for f in holds)


@pytest.mark.parametrize("case", rows(lambda case: case.rule.startswith("R-COV") and case.expect))
def test_covid_rules_run_only_when_the_book_switches_them_on(case: Case) -> None:
    assert case.book.covid_rules
    assert replace(case, book=replace(case.book, covid_rules=False)).findings() == []


# ---- how findings read -------------------------------------------------------------------------


@pytest.mark.parametrize("case", rows(lambda case: case.expect))
def test_every_finding_reads_in_english_and_hindi(case: Case) -> None:
    for finding in case.all_findings():
        for language in ("en", "hi"):
            text = finding.text(language)
            assert text.strip()
            assert "%(" not in text, text
            assert "%%" not in text, text


def test_the_silence_message_cites_section_126_and_the_hour_it_lifts_in_ist() -> None:
    at = PHASE_1_SILENT.astimezone(UTC)
    (finding,) = Case("R-SIL-2", post(acs=(53,)), at, expect=()).findings()
    assert "section 126" in finding.text("en")
    assert "28 Oct 2020, 18:00 IST" in finding.text("en")


def test_the_filing_reminder_names_the_day_of_printing_in_ist() -> None:
    printed = ist(2020, 10, 21, 1).astimezone(UTC)  # 20 Oct in UTC
    job = print_job(printed_at=printed)
    (finding,) = Case("R-IMP-3", job, ist(2020, 10, 25).astimezone(UTC), expect=()).findings()
    assert "Printed on Wed, 21 Oct 2020" in finding.text("en")


# ---- the helpers the screens use ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("applicant", "lead"),
    [("party", 3 * DAY), ("candidate", 3 * DAY), ("other", 7 * DAY)],
)
def test_apply_by_is_the_lead_time_before_release(applicant: str, lead: timedelta) -> None:
    assert apply_by(applicant, RELEASE, context(CAMPAIGNING)) == RELEASE - lead


@pytest.mark.parametrize(
    ("applicant", "district", "committee"),
    [
        ("party", "Gaya", "State MCMC"),
        ("candidate", "Gaya", "District MCMC, Gaya"),
        ("other", "", "District MCMC, ?"),
    ],
)
def test_committee_for_routes_parties_to_the_state_and_others_to_their_district(
    applicant: str, district: str, committee: str
) -> None:
    assert str(committee_for(applicant, district)) == committee


def test_statements_are_due_75_and_30_days_after_counting() -> None:
    assert party_statement_due(context(CAMPAIGNING).calendar, BOOK) == date(2021, 1, 24)
    assert candidate_account_due(context(CAMPAIGNING).calendar, BOOK) == date(2020, 12, 10)


@pytest.mark.parametrize(
    ("medium", "problems"),
    [
        pytest.param(ai_image(), 0, id="image done right"),
        pytest.param(ai_image(label="AI", label_area_pct=5), 2, id="wrong label, too small"),
        pytest.param(
            ai_video(label="", label_area_pct=None, label_position=""),
            3,
            id="video: no label, no area, not in the top band",
        ),
        pytest.param(ai_audio(audio_label_first_pct=None), 1, id="audio: label not said"),
    ],
)
def test_label_problems_lists_each_thing_to_fix(medium: Medium, problems: int) -> None:
    found = label_problems(medium, context(CAMPAIGNING))
    assert len(found) == problems
    assert all(str(problem) for problem in found)
