"""The organisation screens in headless Chromium against a live server, with the demo's cell
(``organisation.demo``): a week of roster from Monday 26 October 2020 with two gaps left on
purpose, at Bahadurganj (AC 52) on the second night and at HQ (no approver) on the third.

The clock is frozen where time matters; the live server runs in a thread of this process, so
it reads the same clock. Hindi is checked with msgids the catalogue already translates and
with the Hindi names in the data.
"""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation
from playwright.sync_api import expect

from conftest import PASSWORD
from itcell.accounts.tests.browser import sign_in
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.organisation import demo
from itcell.organisation.models import Desk, Handover, Membership, Shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "bihar-2020"
BOARD = f"/org/{SLUG}/desks/"
MY_SHIFTS = f"/org/{SLUG}/me/shifts/"
MONDAY = date(2020, 10, 26)
TUESDAY_MORNING = datetime(2020, 10, 27, 10, 0, tzinfo=IST)  # day shifts on everywhere
TUESDAY_NIGHT = datetime(2020, 10, 27, 22, 0, tzinfo=IST)  # the gap at Bahadurganj
WEDNESDAY_EVENING = datetime(2020, 10, 28, 19, 45, tzinfo=IST)  # before the writer's night
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PHONE = {"width": 390, "height": 844}


def hindi(message: str) -> str:
    """The Hindi for ``message``; fails when the catalogue has none."""
    with translation.override("hi"):
        text = translation.gettext(message)
    assert text != message, f"no Hindi for {message!r}: translate it and run `make messages`"
    return text


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    # Devanagari glyphs come from the bundled font, fetched when first needed: wait for both
    # weights, or a screenshot taken right after a swap shows empty boxes.
    page.evaluate(
        """() => Promise.all(["400", "700"].map(
            w => document.fonts.load(`${w} 16px "Noto Sans Devanagari"`, "क"))
        ).then(() => document.fonts.ready).then(() => true)"""
    )
    page.screenshot(path=str(ARTIFACTS / f"org_{name}.png"), full_page=True)


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=re.compile("Log out|" + hindi("Log out"))).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


@pytest.fixture
def cell(bihar: Election) -> Election:
    demo.build(election=bihar, password=PASSWORD, first_day=MONDAY)
    return bihar


def desk(number: int) -> Desk:
    return Desk.objects.get(kind=Desk.Kind.AC, acs__number=number)


def roster_url(number: int) -> str:
    return f"/org/{SLUG}/desks/{desk(number).pk}/roster/?week={MONDAY.isoformat()}"


def board_row(page, desk_id: int):  # type: ignore[no-untyped-def]
    return page.locator(f'#rows tr[data-desk="{desk_id}"]')


# The desk board ------------------------------------------------------------------------------


def test_desk_board_shows_staffed_and_unstaffed_desks_and_who_is_on_duty(page, cell):
    hq = Desk.objects.get(kind=Desk.Kind.HQ)
    kishanganj = Desk.objects.get(kind=Desk.Kind.DISTRICT, district__eci_name="KISHANGANJ")
    total = Desk.objects.filter(election=cell).count()
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "head")
        page.goto(f"/e/{SLUG}/")
        page.goto(BOARD)

        expect(page.get_by_role("heading", level=1)).to_contain_text("Desks")
        expect(page.get_by_test_id("staffed-now")).to_have_text(
            f"3 of {total} desks staffed at 27 Oct 2020, 10:00 IST"
        )
        expect(board_row(page, hq.pk)).to_contain_text("Mukesh Sahani")
        expect(board_row(page, hq.pk)).to_contain_text("Anjali Kumari")
        expect(board_row(page, kishanganj.pk)).to_contain_text("Imran Alam")
        expect(board_row(page, desk(52).pk)).to_contain_text("Sanjay Paswan")
        expect(board_row(page, desk(53).pk)).to_contain_text("Nobody on duty")
        expect(page.locator("#rows tr[data-staffed]")).to_have_count(3)

        # Live search, in Hindi, swaps only the board.
        page.evaluate("window.itcellSamePage = true")
        with page.expect_response(lambda r: "q=" in r.url and "desks" in r.url):
            page.get_by_role("searchbox").fill("किशनगंज")
        expect(page.locator("#rows tr[data-desk]")).to_have_count(
            Desk.objects.filter(district=kishanganj.district).count()
        )
        assert page.evaluate("window.itcellSamePage") is True
        page.get_by_label("Kind").select_option("ac")
        expect(page.locator("#rows tr[data-desk]")).to_have_count(4)
        expect(page.locator("#rows tr[data-staffed]")).to_have_count(1)
        expect(page).to_have_url(re.compile(r"kind=ac"))
        snap(page, "desk_board_search")


def test_desk_lead_sees_only_the_desks_of_their_area(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "lead.kishanganj")
        page.goto(BOARD)

        rows = page.locator("#rows tr[data-desk]")
        expect(rows).to_have_count(5)  # the district desk and its four constituencies
        expect(page.get_by_role("link", name="HQ", exact=True)).to_have_count(0)


# The week roster ------------------------------------------------------------------------------


def test_week_roster_highlights_the_deliberate_gap(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "lead.bahadurganj")
        page.goto(BOARD)
        page.get_by_role("link", name="52 Bahadurganj").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("52 Bahadurganj")
        expect(page.get_by_test_id("on-duty")).to_contain_text("Sanjay Paswan")
        page.get_by_role("link", name="Week roster").click()

        expect(page).to_have_url(re.compile(r"/roster/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Roster: 52 Bahadurganj")
        expect(page.locator("tbody tr[data-day]")).to_have_count(7)
        tuesday = page.locator('tr[data-day="2020-10-27"]')
        wednesday = page.locator('tr[data-day="2020-10-28"]')
        expect(tuesday.locator(".slot.gap")).to_have_text(["20:00–24:00 Nobody on duty"])
        expect(wednesday.locator(".slot.gap")).to_have_text(["00:00–08:00 Nobody on duty"])
        expect(tuesday.locator(".slot:not(.gap)")).to_have_text(
            ["… 00:00–08:00 Pooja Kumari", "08:00–20:00 Sanjay Paswan"]
        )
        expect(page.locator('tr[data-day="2020-10-29"] .slot.gap')).to_have_count(0)
        expect(page.get_by_test_id("gap-count")).to_have_text(
            "3 gaps this week: nobody is rostered."
        )
        gap_colour = tuesday.locator(".slot.gap").evaluate("e => getComputedStyle(e).color")
        shift_colour = tuesday.locator(".slot:not(.gap)").first.evaluate(
            "e => getComputedStyle(e).color"
        )
        assert gap_colour != shift_colour
        snap(page, "week_roster_gap")


def test_adding_a_shift_through_the_form_fills_the_gap(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "lead.bahadurganj")
        page.goto(roster_url(52))
        before = Shift.objects.count()

        page.get_by_label("Person").select_option(label="Pooja Kumari (writer.bahadurganj)")
        page.get_by_label("Starts (IST)").fill("2020-10-27T20:00")
        page.get_by_label("Ends (IST)").fill("2020-10-28T08:00")
        page.get_by_role("button", name="Add shift").click()

        expect(page.locator(".messages")).to_have_text("Shift added for Pooja Kumari.")
        expect(page.locator('tr[data-day="2020-10-27"] .slot.gap')).to_have_count(0)
        expect(page.locator('tr[data-day="2020-10-28"] .slot.gap')).to_have_count(0)
        expect(page.locator('tr[data-day="2020-10-27"]')).to_contain_text(
            "20:00–24:00 … Pooja Kumari"
        )
        expect(page.get_by_test_id("gap-count")).to_have_text(
            "1 gap this week: nobody is rostered."
        )
    assert Shift.objects.count() == before + 1
    added = Shift.objects.latest("pk")
    assert added.starts_at == datetime(2020, 10, 27, 20, 0, tzinfo=IST)
    assert added.ends_at == datetime(2020, 10, 28, 8, 0, tzinfo=IST)
    snap(page, "week_roster_shift_added")


def test_overlapping_shift_shows_a_clear_error_and_keeps_the_form(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "lead.bahadurganj")
        page.goto(roster_url(52))
        before = Shift.objects.count()

        page.get_by_label("Person").select_option(label="Pooja Kumari (writer.bahadurganj)")
        page.get_by_label("Starts (IST)").fill("2020-10-27T06:00")
        page.get_by_label("Ends (IST)").fill("2020-10-27T12:00")
        page.get_by_role("button", name="Add shift").click()

        alert = page.get_by_role("alert")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("The shift was not added")
        expect(alert).to_contain_text(
            "Pooja Kumari is already on duty at 52 Bahadurganj from 26 Oct 20:00 to 27 Oct 08:00."
        )
        expect(page.get_by_label("Starts (IST)")).to_have_value("2020-10-27T06:00")
        expect(page.get_by_label("Ends (IST)")).to_have_value("2020-10-27T12:00")
        expect(page.get_by_label("Starts (IST)")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("Person").locator("option:checked")).to_have_text(
            "Pooja Kumari (writer.bahadurganj)"
        )
        snap(page, "week_roster_overlap_error")
    assert Shift.objects.count() == before


def test_district_roster_shows_every_desk_of_kishanganj(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "head")
        page.goto(roster_url(52))
        page.get_by_role("link", name="Every desk in Kishanganj").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Roster: Kishanganj district")
        rows = page.locator("tbody tr[data-desk]")
        expect(rows).to_have_count(5)
        expect(rows.first).to_contain_text("Kishanganj")
        b52 = page.locator(f'tr[data-desk="{desk(52).pk}"]')
        expect(b52.locator('td[data-day="2020-10-27"] .slot.gap')).to_have_text(
            ["20:00–24:00 Nobody on duty"]
        )
        expect(page.locator(f'tr[data-desk="{desk(53).pk}"]')).to_contain_text(
            "No shifts this week: the district desk or HQ answers for it."
        )
        snap(page, "district_roster")


def test_coverage_lists_the_gaps_ahead(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "head")
        page.goto(BOARD)
        page.get_by_role("navigation").get_by_role("link", name="Coverage").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("Roster gaps")
        gap = page.locator(f'#desk-gaps tr[data-desk="{desk(52).pk}"]').first
        expect(gap).to_contain_text("27 Oct 2020, 20:00 IST")
        expect(gap).to_contain_text("28 Oct 2020, 08:00 IST")
        expect(page.get_by_test_id("approver-gaps")).to_contain_text(
            "28 Oct 2020, 20:00 IST – 29 Oct 2020, 08:00 IST"
        )
        snap(page, "coverage")


# My shifts and handovers ----------------------------------------------------------------------


def test_my_shifts_check_in_and_out_without_leaving_the_page(page, cell):
    shift = Shift.objects.get(
        user__username="writer.bahadurganj",
        starts_at=datetime(2020, 10, 28, 20, 0, tzinfo=IST),
    )
    with clock.frozen(WEDNESDAY_EVENING):
        sign_in(page, "writer.bahadurganj")
        page.goto(f"/e/{SLUG}/")
        page.goto(BOARD)
        page.get_by_role("navigation").get_by_role("link", name="My shifts").click()
        expect(page).to_have_url(re.compile(r"/me/shifts/$"))
        row = page.locator(f"#shift-{shift.pk}")
        expect(row.get_by_test_id("shift-status")).to_have_text("Upcoming")
        page.evaluate("window.itcellSamePage = true")

        row.get_by_role("button", name="Check in").click()

        expect(row.get_by_test_id("shift-status")).to_contain_text("Checked in at 19:45 IST")
        expect(row.get_by_role("status")).to_have_text("Checked in.")
        expect(row.get_by_role("button", name="Check out")).to_be_visible()
        expect(row.get_by_role("button", name="Check in")).to_have_count(0)
        assert page.evaluate("window.itcellSamePage") is True
        shift.refresh_from_db()
        assert shift.checked_in_at == WEDNESDAY_EVENING
        snap(page, "my_shifts_checked_in")

        row.get_by_role("button", name="Check out").click()
        expect(row.get_by_test_id("shift-status")).to_contain_text("Checked out at 19:45 IST")
        assert page.evaluate("window.itcellSamePage") is True


def test_handover_written_by_one_shift_is_acknowledged_by_the_next(page, cell):
    b52 = desk(52)
    with clock.frozen(datetime(2020, 10, 28, 19, 50, tzinfo=IST)):
        sign_in(page, "lead.bahadurganj")
        page.goto(f"/org/{SLUG}/desks/{b52.pk}/")
        page.get_by_role("link", name="Write a handover").click()
        page.get_by_role("button", name="Save handover").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "Write at least one line for the next shift."
        )
        assert not Handover.objects.exists()

        page.get_by_label("Pending items").fill("Reply to the viral video about the bridge")
        page.get_by_label("Open alerts").fill("Two unverified claims from Kochadhaman")
        page.get_by_role("button", name="Save handover").click()

        expect(page).to_have_url(re.compile(rf"/desks/{b52.pk}/$"))
        expect(page.locator(".messages")).to_contain_text("Handover saved")
        item = page.locator(".handovers > li").first
        expect(item).to_contain_text("Reply to the viral video about the bridge")
        expect(item).to_contain_text("Waiting for the next shift to acknowledge it.")
        expect(item.get_by_role("button", name="Acknowledge")).to_have_count(0)
        sign_out(page)

    with clock.frozen(datetime(2020, 10, 28, 20, 5, tzinfo=IST)):
        sign_in(page, "writer.bahadurganj")
        page.goto(f"/org/{SLUG}/desks/{b52.pk}/")
        item = page.locator(".handovers > li").first
        expect(item).to_contain_text("Sanjay Paswan")
        expect(item).to_contain_text("28 Oct 2020, 19:50 IST")
        expect(item).to_contain_text("Two unverified claims from Kochadhaman")

        item.get_by_role("button", name="Acknowledge").click()

        expect(page.locator(".messages")).to_contain_text("Handover acknowledged.")
        expect(page.locator(".handovers > li").first.get_by_test_id("acknowledged")).to_have_text(
            "Acknowledged by Pooja Kumari, 28 Oct 2020, 20:05 IST"
        )
        snap(page, "handover_acknowledged")
    handover = Handover.objects.get()
    assert handover.written_by.username == "lead.bahadurganj"
    assert handover.acknowledged_by is not None
    assert handover.acknowledged_by.username == "writer.bahadurganj"


# Who is on duty ------------------------------------------------------------------------------


def test_on_duty_lookup_for_ac_52_by_day_and_in_the_night_gap(page, cell):
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "spokesperson")
        page.goto(BOARD)
        page.get_by_role("link", name="Who is on duty for a constituency?").click()
        page.get_by_label("Constituency number").fill("52")
        page.get_by_role("button", name="Ask").click()

        expect(page).to_have_url(re.compile(r"/on-duty/\?ac=52$"))
        answer = page.get_by_test_id("answer")
        expect(answer.get_by_role("heading", level=2).first).to_contain_text("52 · Bahadurganj")
        expect(page.get_by_test_id("responsible-desk")).to_contain_text("52 Bahadurganj")
        expect(page.get_by_test_id("responsible-desk")).to_contain_text(
            "The constituency's own desk."
        )
        expect(page.get_by_test_id("on-duty")).to_contain_text("Sanjay Paswan")
        expect(page.get_by_test_id("approvers").locator("li")).to_have_text(
            [
                "Sanjay Paswan · +919800000007",
                "Imran Alam · +919800000006",
                "Mukesh Sahani · +919800000002",
                "Cell Head · +919800000001",
            ]
        )
        snap(page, "on_duty_ac52_day")

    with clock.frozen(TUESDAY_NIGHT):
        page.reload()
        expect(page.get_by_test_id("responsible-desk")).to_contain_text("HQ")
        expect(page.get_by_test_id("responsible-desk")).to_contain_text("HQ answers")
        expect(page.get_by_test_id("on-duty")).to_contain_text("Cell Head")
        expect(page.get_by_test_id("approvers").locator("li")).to_have_text(
            ["Cell Head · +919800000001", "Mukesh Sahani · +919800000002"]
        )
        snap(page, "on_duty_ac52_night_gap")


# Members -------------------------------------------------------------------------------------


BAD_CSV = (
    "name,phone,desk,role\n"
    "Sunita Devi,+919811111111,52 Bahadurganj,writer\n"
    "Ramesh Yadav,12345,53 Thakurganj,typist\n"
)


def test_import_shows_every_bad_row_imports_nothing_then_imports_the_corrected_file(
    page, browser, live_server, cell, tmp_path
):
    members = Membership.objects.count()
    upload = tmp_path / "team.csv"
    upload.write_text(BAD_CSV, encoding="utf-8")
    sign_in(page, "head")
    page.goto(BOARD)
    page.get_by_role("link", name="Import members").click()

    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()

    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("Nothing was imported: 2 problems.")
    expect(problems.locator("tbody tr")).to_have_text(
        [
            re.compile(r"^3\s*phone\s*'12345' is not a phone number$"),
            re.compile(r"^3\s*role\s*'typist' is not a role$"),
        ]
    )
    box = page.get_by_label("Or paste the CSV")
    expect(box).to_have_value(BAD_CSV)
    snap(page, "import_bad_rows")
    assert Membership.objects.count() == members

    box.fill(BAD_CSV.replace("12345", "+919822222222").replace("typist", "analyst"))
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("status")).to_have_text("Imported 2 rows; 2 new people.")
    assert Membership.objects.count() == members + 2

    # A newcomer opens their first sign-in link, sets a password and signs in with it.
    links = page.get_by_test_id("first-sign-in-links").locator("tbody tr")
    expect(links).to_have_count(2)
    row = links.first
    username = row.locator("td").nth(2).inner_text()
    link = row.locator("a").get_attribute("href")
    newcomer = browser.new_context(base_url=live_server.url).new_page()
    newcomer.goto(link)
    newcomer.get_by_label("New password").fill("a-long-new-password-7")
    newcomer.get_by_label("The same password again").fill("a-long-new-password-7")
    newcomer.get_by_role("button", name="Set password").click()
    newcomer.get_by_label("Username").fill(username)
    newcomer.get_by_label("Password").fill("a-long-new-password-7")
    newcomer.get_by_role("button", name="Log in").click()
    expect(newcomer.get_by_role("button", name="Log out")).to_be_visible()
    newcomer.goto(link)  # used once: it no longer works
    expect(newcomer.get_by_role("heading")).to_have_text("This link no longer works")
    newcomer.context.close()


def test_invitation_link_is_shown_once_and_lets_the_person_join(page, browser, live_server, cell):
    b52 = desk(52)
    sign_in(page, "head")
    page.goto(f"/org/{SLUG}/desks/{b52.pk}/")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Name").fill("Sunita Devi")
    page.get_by_label("Phone").fill("+919811111111")
    page.get_by_label("Role").select_option(label="Writer")
    page.get_by_role("button", name="Create invitation link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation link")
    link = page.get_by_test_id("invitation-link").inner_text()
    assert "/join/" in link
    snap(page, "invitation_link")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text("Join the cell")
        expect(phone.locator("main")).to_contain_text(
            "Sunita Devi, you are invited as Writer at 52 Bahadurganj."
        )
        phone.get_by_label("Username").fill("head")
        phone.get_by_label("Password").fill("short")
        phone.get_by_role("button", name="Join").click()
        alert = phone.get_by_role("alert")
        expect(alert).to_contain_text("This username is taken.")
        expect(alert).to_contain_text("This password is too short.")
        expect(phone.get_by_label("Username")).to_have_value("head")

        phone.get_by_label("Username").fill("sunita")
        phone.get_by_label("Password").fill("a-long-safe-passphrase")
        phone.get_by_role("button", name="Join").click()

        expect(phone).to_have_url(re.compile(rf"/org/{SLUG}/desks/{b52.pk}/$"))
        expect(phone.locator(".messages")).to_have_text("Welcome! You have joined 52 Bahadurganj.")
        expect(phone.get_by_test_id("members")).to_contain_text("Sunita Devi")
        snap(phone, "joined_on_a_phone")

        phone.goto(link)
        expect(phone.get_by_role("alert")).to_have_text(
            "This invitation has already been used. Log in instead."
        )
    finally:
        context.close()


# Hindi and a phone -----------------------------------------------------------------------------


def test_the_same_screens_in_hindi(page, cell):
    with translation.override("hi"):
        tuesday_hi = formats.date_format(date(2020, 10, 27), "D, j M Y")
    assert tuesday_hi != formats.date_format(date(2020, 10, 27), "D, j M Y")
    kishanganj = Desk.objects.get(kind=Desk.Kind.DISTRICT, district__eci_name="KISHANGANJ")
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "head")
        page.goto(BOARD)
        page.get_by_role("button", name="हिन्दी").click()

        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page).to_have_url(re.compile(r"/org/bihar-2020/desks/$"))
        expect(page.get_by_role("button", name=hindi("Log out"))).to_be_visible()
        expect(page.get_by_role("columnheader", name=hindi("District"))).to_be_visible()
        expect(board_row(page, desk(52).pk)).to_contain_text("52 बहादुरगंज")
        expect(board_row(page, desk(52).pk)).to_contain_text("किशनगंज")
        expect(board_row(page, kishanganj.pk)).to_contain_text("किशनगंज")

        page.get_by_role("searchbox").fill("बहादुरगंज")
        expect(page.locator("#rows tr[data-desk]")).to_have_count(1)
        snap(page, "hindi_desk_board")

        page.locator("#rows").get_by_role("link", name="52 बहादुरगंज").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("52 बहादुरगंज")
        expect(page.locator("main")).to_contain_text(f"{hindi('District')}: किशनगंज")
        expect(page.get_by_test_id("area")).to_contain_text("52 बहादुरगंज")

        page.goto(roster_url(52))
        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page.get_by_role("heading", level=1)).to_contain_text("52 बहादुरगंज")
        expect(page.locator('tr[data-day="2020-10-27"] th')).to_have_text(tuesday_hi)
        expect(page.locator('tr[data-day="2020-10-27"] .slot.gap')).to_have_count(1)
        snap(page, "hindi_week_roster")

        page.goto(f"/org/{SLUG}/on-duty/?ac=52")
        answer = page.get_by_test_id("answer")
        expect(answer.get_by_role("heading", level=2).first).to_contain_text("52 · बहादुरगंज")
        expect(answer.get_by_role("heading", level=2).first).to_contain_text(
            f"{hindi('District')}: किशनगंज"
        )
        expect(page.get_by_test_id("responsible-desk")).to_contain_text("52 बहादुरगंज")
        assert page.evaluate(
            """async () => {
                await document.fonts.ready;
                return [...document.fonts].some(
                    f => f.family.includes("Noto Sans Devanagari") && f.status === "loaded");
            }"""
        )
        snap(page, "hindi_on_duty")


@pytest.mark.parametrize("language", ["en", "hi"])
def test_week_roster_fits_a_phone_screen(page, cell, language):
    page.set_viewport_size(PHONE)
    with clock.frozen(TUESDAY_MORNING):
        sign_in(page, "lead.bahadurganj")
        if language == "hi":
            page.get_by_role("button", name="हिन्दी").click()
        page.goto(roster_url(52))

        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator('tr[data-day="2020-10-27"] .slot.gap')).to_be_visible()
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        assert sizes["scroll"] <= sizes["inner"], sizes
        for label in ("Starts (IST)", "Ends (IST)"):
            if language == "en":
                box = page.get_by_label(label).bounding_box()
                assert box is not None
                assert box["x"] + box["width"] <= PHONE["width"]
        snap(page, f"week_roster_phone_{language}")
