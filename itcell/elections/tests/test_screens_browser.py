"""The screens a person uses, in headless Chromium against a live server: signing in and out,
the election home with its silence windows, the live constituency search, a constituency's
page, Hindi, and a phone-width screen.

Hindi strings are computed from the catalogue (``gettext`` under ``override("hi")``) and must
differ from the English, so these tests fail when the catalogue is missing or not compiled
(``make messages``)."""

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import formats, translation
from playwright.sync_api import expect

from conftest import PASSWORD
from itcell.accounts.models import User
from itcell.accounts.tests.browser import sign_in
from itcell.audit.models import AuditEvent
from itcell.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IST = ZoneInfo("Asia/Kolkata")
SLUG = "bihar-2020"
HOME = f"/e/{SLUG}/"
ACS = f"/e/{SLUG}/acs/"
AC_52 = f"/e/{SLUG}/acs/52/"
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
PHONE = {"width": 390, "height": 844}
BUNDLED_FONT = "Noto Sans Devanagari"
DEVANAGARI = re.compile("[\u0900-\u097f]")

# Bihar 2020: every phase closes its polls at 18:00 IST; silence is the 48 hours before.
PHASES = {
    1: ("71", "26 Oct 2020, 18:00 IST", "28 Oct 2020, 18:00 IST"),
    2: ("94", "1 Nov 2020, 18:00 IST", "3 Nov 2020, 18:00 IST"),
    3: ("78", "5 Nov 2020, 18:00 IST", "7 Nov 2020, 18:00 IST"),
}
IN_PHASE_1_SILENCE = datetime(2020, 10, 27, 12, 0, tzinfo=IST)
BETWEEN_PHASES_1_AND_2 = datetime(2020, 10, 29, 12, 0, tzinfo=IST)
IN_PHASE_3_SILENCE = datetime(2020, 11, 6, 9, 30, tzinfo=IST)


def hindi(message: str, **values: object) -> str:
    """The Hindi the page should show for ``message``; fails when there is none."""
    with translation.override("hi"):
        text = translation.gettext(message)
    assert text != message, f"no Hindi for {message!r}: translate it and run `make messages`"
    return text % values if values else text


def hindi_time(at: datetime) -> str:
    """An instant as the Hindi pages write it (Hindi month names from Django's catalogue)."""
    with translation.override("hi"):
        text = formats.date_format(at.astimezone(IST), "j M Y, H:i") + " IST"
    assert text != formats.date_format(at.astimezone(IST), "j M Y, H:i") + " IST"
    return text


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Keep a screenshot of a step in the middle of a test (the fixture keeps the last one)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def row_numbers(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#rows tr[data-ac]").evaluate_all("rows => rows.map(r => r.dataset.ac)")


def html_lang(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("html").get_attribute("lang")


def devanagari_font_loaded(page) -> bool:  # type: ignore[no-untyped-def]
    """The bundled Noto Sans Devanagari was fetched and is in use (else Hindi shows boxes on
    machines without a Devanagari system font)."""
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].some(
                f => f.family.includes("Noto Sans Devanagari") && f.status === "loaded");
        }"""
    )


def devanagari_not_drawn_in_the_bundled_font(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Texts on the page whose Devanagari Chromium drew with another font than the bundled
    Noto Sans Devanagari: on a machine without a Devanagari system font (this one, CI) that
    other font has no such glyphs, and the person sees boxes. Chromium reports the fonts it
    used per element (DevTools ``CSS.getPlatformFontsForNode``): glyphs from other fonts may
    cover the element's non-Devanagari characters (digits, spaces, a list bullet), no more."""
    page.evaluate("document.fonts.ready")
    texts = page.evaluate(
        """() => {
            const found = [];
            for (const el of document.querySelectorAll("body *")) {
                const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data);
                const shown = el.getClientRects().length > 0;
                if (!shown || !/[\\u0900-\\u097f]/.test(own.join(""))) continue;
                el.setAttribute("data-devanagari-check", found.length);
                const bullet = getComputedStyle(el).display === "list-item" ? 2 : 0;
                found.push([el.textContent, bullet]);
            }
            return found;
        }"""
    )
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = cdp.send(
            "DOM.querySelectorAll", {"nodeId": root, "selector": "[data-devanagari-check]"}
        )["nodeIds"]
        undrawn = []
        for node, (text, bullet) in zip(nodes, texts, strict=True):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            other = sum(f["glyphCount"] for f in fonts if f["familyName"] != BUNDLED_FONT)
            if other > len(DEVANAGARI.sub("", text)) + bullet:
                undrawn.append(" ".join(text.split()))
        return undrawn
    finally:
        cdp.detach()


# Signing in and out ---------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_and_back_after_signing_in(page, bihar, make_user):
    make_user("head")

    page.goto(AC_52)

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/e/bihar-2020/acs/52/$"))
    expect(page.get_by_role("heading", name="Log in to itcell")).to_be_visible()
    expect(page.locator("header nav")).to_have_count(0)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    page.get_by_label("Username").fill("head")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/e/bihar-2020/acs/52/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("52 · Bahadurganj")


def test_wrong_password_shows_an_error_and_stays_on_login(page, bihar, make_user):
    make_user("head")
    page.goto("/accounts/login/")

    page.get_by_label("Username").fill("head")
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Log in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_label("Username")).to_have_value("head")
    expect(page.get_by_label("Password")).to_have_value("")
    snap(page, "login_wrong_password")
    page.goto(HOME)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_log_in_lands_on_the_election_home_and_log_out_ends_the_session(page, bihar, log_in):
    log_in("head", display_name="Asha Kumari")

    expect(page).to_have_url(re.compile(r"/e/bihar-2020/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bihar Legislative Assembly election, 2020"
    )
    expect(page.locator("header .who")).to_have_text("Asha Kumari")

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Log in to itcell")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    page.goto(AC_52)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


# The election home ----------------------------------------------------------------------


def test_election_home_shows_phases_and_silence_windows_in_ist(page, bihar, log_in):
    with clock.frozen(IN_PHASE_1_SILENCE):
        log_in()
        expect(page).to_have_url(re.compile(r"/e/bihar-2020/$"))

        rows = page.locator("tr[data-phase]")
        expect(rows).to_have_count(3)
        for number, (acs, silent_from, silent_until) in PHASES.items():
            cells = page.locator(f'tr[data-phase="{number}"] td')
            expect(cells.nth(0)).to_have_text(str(number))
            expect(cells.nth(2)).to_have_text(acs)
            expect(cells.nth(3)).to_have_text(silent_from)
            expect(cells.nth(4)).to_have_text(silent_until)
        expect(page.locator('tr[data-phase="1"] .status')).to_have_text("silent")
        expect(page.locator('tr[data-phase="1"] .status')).to_have_class(
            re.compile("status-silent")
        )
        expect(page.locator('tr[data-phase="2"] .status')).to_have_text("upcoming")
        expect(page.locator('tr[data-phase="3"] .status')).to_have_text("upcoming")
        expect(page.get_by_test_id("silent-now")).to_have_text("71 constituencies are silent")
        expect(page.get_by_text("27 Oct 2020, 12:00 IST")).to_be_visible()
        expect(page.get_by_text("All times are India Standard Time (IST).")).to_be_visible()
        snap(page, "election_home_phase_1_silence")

    with clock.frozen(BETWEEN_PHASES_1_AND_2):
        page.reload()
        expect(page.locator('tr[data-phase="1"] .status')).to_have_text("polled")
        expect(page.locator('tr[data-phase="2"] .status')).to_have_text("upcoming")
        expect(page.get_by_test_id("silent-now")).to_have_text("0 constituencies are silent")
        expect(page.get_by_text("Next: phase 2 — 1 Nov 2020, 18:00 IST")).to_be_visible()


# The constituency list and its live search -------------------------------------------------


def test_constituency_search_updates_the_table_live_in_english_and_hindi(page, bihar, log_in):
    log_in()
    page.get_by_role("navigation").get_by_role("link", name="Constituencies").click()
    expect(page).to_have_url(re.compile(r"/e/bihar-2020/acs/$"))
    expect(page.locator("#rows tr[data-ac]")).to_have_count(243)
    # A page load would wipe this; htmx swapping the rows does not.
    page.evaluate("window.itcellSamePage = true")
    search = page.get_by_role("searchbox")

    with page.expect_response(lambda r: "q=bahadur" in r.url) as english:
        search.press_sequentially("bahadur", delay=20)

    assert english.value.request.headers.get("hx-request") == "true"
    assert "<html" not in english.value.text()
    expect(page.locator("#rows tr[data-ac]")).to_have_count(2)
    assert row_numbers(page) == ["52", "85"]
    expect(page.locator('#rows tr[data-ac="52"]')).to_contain_text("Bahadurganj")
    expect(page.locator('#rows tr[data-ac="85"]')).to_contain_text("Bahadurpur")
    expect(page).to_have_url(re.compile(r"/e/bihar-2020/acs/\?q=bahadur$"))
    assert page.evaluate("window.itcellSamePage") is True

    with page.expect_response(lambda r: "/acs/?q=" in r.url and "bahadur" not in r.url):
        search.fill("बहादुरगंज")

    expect(page.locator("#rows tr[data-ac]")).to_have_count(1)
    assert row_numbers(page) == ["52"]
    expect(page.locator('#rows tr[data-ac="52"]')).to_contain_text("Bahadurganj")
    expect(page).to_have_url(re.compile(r"\?q=%E0"))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["बहादुरगंज"]}
    assert page.evaluate("window.itcellSamePage") is True
    snap(page, "constituency_search_hindi_query")

    search.fill("no such place")
    expect(page.locator("#rows")).to_contain_text("No constituency matches.")
    expect(page.locator("#rows tr[data-ac]")).to_have_count(0)
    assert page.evaluate("window.itcellSamePage") is True


def test_searched_list_url_opens_the_same_rows_on_a_fresh_load(page, bihar, log_in):
    log_in()

    page.goto(f"{ACS}?q=bahadur")

    assert row_numbers(page) == ["52", "85"]
    expect(page.get_by_role("searchbox")).to_have_value("bahadur")


def test_back_after_a_live_search_shows_the_whole_list_page(page, bihar, log_in):
    log_in()
    page.goto(ACS)
    page.get_by_role("searchbox").press_sequentially("bahadur", delay=20)
    expect(page.locator("#rows tr[data-ac]")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"\?q=bahadur$"))
    page.locator("#rows").get_by_role("link", name="Bahadurganj").click()
    expect(page).to_have_url(re.compile(r"/acs/52/$"))

    page.go_back()

    expect(page).to_have_url(re.compile(r"/acs/\?q=bahadur$"))
    expect(page.get_by_role("searchbox")).to_be_visible(timeout=3_000)
    expect(page.get_by_role("button", name="Log out")).to_be_visible(timeout=1_000)
    assert row_numbers(page) == ["52", "85"]


# A constituency's page ------------------------------------------------------------------


def test_constituency_page_shows_district_phase_silence_seats_and_candidates(page, bihar, log_in):
    with clock.frozen(IN_PHASE_3_SILENCE):
        log_in()
        page.goto(f"{ACS}?q=52")
        page.locator("#rows").get_by_role("link", name="Bahadurganj").click()

        expect(page).to_have_url(re.compile(r"/e/bihar-2020/acs/52/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("52 · Bahadurganj")
        facts = page.locator(".facts")
        expect(facts.locator("section", has_text="District")).to_contain_text("Kishanganj")
        expect(facts.locator("section", has_text="Parliamentary constituency")).to_contain_text(
            "10 Kishanganj"
        )
        expect(facts.locator("section", has_text="Poll")).to_contain_text("Phase 3")
        expect(facts.locator("section", has_text="Silence window")).to_contain_text(
            "5 Nov 2020, 18:00 IST – 7 Nov 2020, 18:00 IST"
        )
        expect(page.get_by_test_id("ac-status")).to_have_text("silent")

        outline = page.get_by_role("img", name="Outline of Bahadurganj")
        expect(outline).to_be_visible()
        box = outline.bounding_box()
        assert box is not None
        assert box["width"] > 50
        assert box["height"] > 50

        expect(
            page.get_by_role("listitem").filter(has_text="National Democratic Alliance")
        ).to_have_text("National Democratic Alliance: Vikassheel Insaan Party")
        expect(page.get_by_role("listitem").filter(has_text="Mahagathbandhan")).to_have_text(
            "Mahagathbandhan: Indian National Congress"
        )
        candidate = page.get_by_role("row").filter(has_text="Lakhan Lal Pandit")
        expect(candidate.get_by_role("cell")).to_have_text(
            ["Lakhan Lal Pandit", "VIP", "Male", "59"]
        )


# Hindi ------------------------------------------------------------------------------------


def test_switching_to_hindi_translates_labels_and_names(page, bihar, log_in):
    with clock.frozen(IN_PHASE_1_SILENCE):
        log_in()
        expect(page.locator("html")).to_have_attribute("lang", "en")

        page.get_by_role("button", name="हिन्दी").click()

        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page).to_have_url(re.compile(r"/e/bihar-2020/$"))
        nav = page.get_by_role("navigation")
        expect(nav.get_by_role("link", name=hindi("Election"), exact=True)).to_be_visible()
        expect(nav.get_by_role("link", name=hindi("Constituencies"))).to_be_visible()
        expect(page.get_by_role("button", name=hindi("Log out"))).to_be_visible()
        expect(page.get_by_role("button", name="English")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("बिहार विधान सभा चुनाव, 2020")
        expect(
            page.get_by_role("heading", name=hindi("Phases and silence windows"))
        ).to_be_visible()
        expect(page.locator('tr[data-phase="1"] .status')).to_have_text(hindi("silent"))
        expect(page.locator('tr[data-phase="1"] td').nth(3)).to_have_text(
            hindi_time(datetime(2020, 10, 26, 18, 0, tzinfo=IST))
        )
        silent_now = translation.ngettext(
            "%(n)s constituency is silent", "%(n)s constituencies are silent", 71
        )
        with translation.override("hi"):
            silent_now_hi = translation.ngettext(
                "%(n)s constituency is silent", "%(n)s constituencies are silent", 71
            )
        assert silent_now_hi != silent_now
        expect(page.get_by_test_id("silent-now")).to_have_text(silent_now_hi % {"n": 71})
        assert devanagari_font_loaded(page)
        snap(page, "hindi_election_home")

        nav.get_by_role("link", name=hindi("Constituencies")).click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page.get_by_role("heading", level=1)).to_contain_text(hindi("Constituencies"))
        expect(page.get_by_role("columnheader", name=hindi("District"))).to_be_visible()
        expect(page.get_by_role("columnheader", name=hindi("Phase"))).to_be_visible()
        row_52 = page.locator('#rows tr[data-ac="52"]')
        expect(row_52).to_contain_text("बहादुरगंज")
        expect(row_52).to_contain_text("किशनगंज")
        expect(page.locator('#rows tr[data-ac="1"]')).to_contain_text("वाल्मीकि नगर")
        expect(page.locator('#rows tr[data-ac="1"]')).to_contain_text("पश्चिम चम्पारण")

        page.get_by_role("searchbox").fill("bahadur")
        expect(page.locator("#rows tr[data-ac]")).to_have_count(2)
        expect(page.locator('#rows tr[data-ac="85"]')).to_contain_text("बहादुरपुर")
        expect(page.locator('#rows tr[data-ac="85"]')).to_contain_text("दरभंगा")
        snap(page, "hindi_constituency_search")

        page.locator("#rows").get_by_role("link", name="बहादुरगंज").click()
        expect(page).to_have_url(re.compile(r"/e/bihar-2020/acs/52/$"))
        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page.get_by_role("heading", level=1)).to_have_text("52 · बहादुरगंज")
        facts = page.locator(".facts")
        expect(facts.locator("section", has_text=hindi("District"))).to_contain_text("किशनगंज")
        expect(facts).to_contain_text(hindi("Phase %(phase)s", phase=3))
        expect(facts.locator("section", has_text=hindi("Silence window"))).to_contain_text(
            hindi_time(datetime(2020, 11, 5, 18, 0, tzinfo=IST))
        )
        expect(page.get_by_role("heading", name=hindi("Seat sharing"))).to_be_visible()
        expect(page.get_by_role("heading", name=hindi("Candidates"))).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text="राष्ट्रीय जनतांत्रिक गठबंधन")).to_have_text(
            "राष्ट्रीय जनतांत्रिक गठबंधन: विकासशील इंसान पार्टी"
        )
        expect(page.get_by_role("img", name=re.compile("बहादुरगंज"))).to_be_visible()
        assert devanagari_font_loaded(page)
        snap(page, "hindi_constituency_52")

        page.get_by_role("button", name="English").click()

        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page).to_have_url(re.compile(r"/e/bihar-2020/acs/52/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("52 · Bahadurganj")
        expect(
            page.get_by_role("navigation").get_by_role("link", name="Constituencies")
        ).to_be_visible()
        expect(page.get_by_role("button", name="हिन्दी")).to_be_visible()
    assert User.objects.get(username="head").preferred_language == "en"


def test_hindi_choice_persists_across_pages_and_after_logout_and_login(
    page, browser, live_server, bihar, log_in
):
    log_in()
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    assert User.objects.get(username="head").preferred_language == "hi"
    assert AuditEvent.objects.filter(action="user.language_changed").count() == 1

    for url in (ACS, AC_52, HOME):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "hi")
        expect(page.get_by_role("button", name=hindi("Log out"))).to_be_visible()

    page.get_by_role("button", name=hindi("Log out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("heading", name=hindi("Log in to itcell"))).to_be_visible()
    snap(page, "hindi_login_after_logout")

    # Another device: no language cookie, so the login page is English; signing in brings
    # back the saved preference.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        other.goto("/accounts/login/")
        assert html_lang(other) == "en"
        expect(other.get_by_role("button", name="Log in")).to_be_visible()

        sign_in(other)

        expect(other).to_have_url(re.compile(r"/e/bihar-2020/$"))
        expect(other.locator("html")).to_have_attribute("lang", "hi")
        expect(
            other.get_by_role("navigation").get_by_role("link", name=hindi("Constituencies"))
        ).to_be_visible()
        other.goto(AC_52)
        expect(other.get_by_role("heading", level=1)).to_have_text("52 · बहादुरगंज")
        snap(other, "hindi_after_login_on_another_device")

        other.get_by_role("button", name="English").click()
        expect(other.locator("html")).to_have_attribute("lang", "en")
        expect(other.get_by_role("heading", level=1)).to_have_text("52 · Bahadurganj")
    finally:
        context.close()
    assert User.objects.get(username="head").preferred_language == "en"
    assert AuditEvent.objects.filter(action="user.language_changed").count() == 2

    # Back on the first device, whose cookie still says Hindi: signing in applies the
    # preference, English.
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/e/bihar-2020/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Constituencies")
    ).to_be_visible()


def test_devanagari_is_drawn_with_the_bundled_font(page, bihar, log_in):
    log_in()
    undrawn: dict[str, list[str]] = {}
    for url in (HOME, ACS, AC_52):
        page.goto(url)
        undrawn[f"en {url}"] = devanagari_not_drawn_in_the_bundled_font(page)
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    for url in (HOME, ACS, AC_52):
        page.goto(url)
        undrawn[f"hi {url}"] = devanagari_not_drawn_in_the_bundled_font(page)
    page.get_by_role("button", name=hindi("Log out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    undrawn["hi login"] = devanagari_not_drawn_in_the_bundled_font(page)

    assert {where: texts for where, texts in undrawn.items() if texts} == {}


# A phone-width screen --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "hi"])
def test_constituency_list_fits_a_phone_screen(page, bihar, log_in, language):
    page.set_viewport_size(PHONE)
    log_in(preferred_language=language)

    page.goto(ACS)

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#rows tr[data-ac]")).to_have_count(243)
    sizes = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert sizes["inner"] == PHONE["width"]
    assert sizes["scroll"] <= sizes["inner"], sizes
    # The reserved-seat column gives way on narrow screens.
    expect(page.locator("thead th").nth(2)).to_be_hidden()
    expect(page.get_by_role("searchbox")).to_be_visible()
    search_box = page.get_by_role("searchbox").bounding_box()
    assert search_box is not None
    assert search_box["x"] + search_box["width"] <= PHONE["width"]
