"""The playbook's screens in headless Chromium against a live server, with the demo's cell,
playbook and channels on Bihar 2020, the clock frozen on Tuesday 27 October 2020, 10:00 IST.

The issue's "done when": the playbook reads in Hindi and English; a writer proposes a change
to a talking point, the spokesperson reviews it side by side and approves it, and the old
version stays readable; a writer starts a post from a template for Bahadurganj (AC 52) and
the playbook's warning shows beside the election rules' findings.
"""

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, settle
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election, Party
from itcell.elections.services import set_own_party
from itcell.organisation import demo as organisation_demo
from itcell.organisation.tests.test_screens_browser import hindi, sign_in, sign_out, snap
from itcell.playbook import demo as playbook_demo
from itcell.playbook.models import TalkingPoint
from itcell.publishing import demo as publishing_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "bihar-2020"
T0 = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(bihar: Election) -> Election:
    clock.set_now(T0)
    set_own_party(election=bihar, party=Party.objects.get(short_name="VIP"))
    organisation_demo.build(election=bihar, password=PASSWORD, first_day=date(2020, 10, 26))
    playbook_demo.build(election=bihar)
    publishing_demo.build(election=bihar)
    return bihar


def test_the_playbook_reads_in_english_and_hindi(page, browser, demo):
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/playbook/{SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Playbook")
    themes = page.get_by_role("region", name="Themes and talking points")
    expect(themes).to_contain_text("Fishing families and the river economy")
    expect(themes.get_by_role("link", name="A fair deal for fishing families")).to_be_visible()
    expect(page.get_by_role("region", name="Approved hashtags")).to_contain_text("#FloodRelief")
    today = page.locator(".days li.today")
    expect(today).to_have_attribute("aria-current", "date")
    expect(today).to_contain_text("Today")
    expect(page.locator("#today-theme")).to_contain_text("Today's theme:")
    # The section, and inside it the table's box that scrolls sideways on a phone.
    templates = page.get_by_role("region", name="Post templates")
    expect(templates).to_have_count(2)
    expect(templates.first).to_contain_text("Meet the candidate")
    snap(page, "playbook_overview_en")

    page.get_by_role("button", name="हिन्दी").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("heading", level=1)).to_contain_text(hindi("Playbook"))
    expect(page.locator("#main")).to_contain_text("मछुआरा परिवार और नदी की अर्थव्यवस्था")
    expect(page.locator("#main")).to_contain_text("मछुआरा परिवारों के साथ न्याय")
    expect(page.locator("#main")).to_contain_text("किसी की जाति, धर्म या समुदाय पर टिप्पणी न करें")
    snap(page, "playbook_overview_hi")

    # On a phone: nothing scrolls sideways.
    phone = browser.new_context(base_url=page.url.split("/playbook")[0], viewport=PHONE)
    mobile = phone.new_page()
    sign_in(mobile, "legal")
    mobile.goto(f"/playbook/{SLUG}/")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    snap(mobile, "playbook_overview_phone")
    phone.close()


def test_a_talking_point_change_is_proposed_reviewed_and_the_old_version_stays_readable(page, demo):
    point = TalkingPoint.objects.get(title_en="Power at every home, now reliable power")
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/playbook/{SLUG}/points/{point.pk}/")
    page.get_by_role("link", name="Propose a change").click()
    summary = page.get_by_label("Summary (English)")
    summary.fill("Homes are connected; next, power all evening, fair bills and quick repairs.")
    page.get_by_label("Fact 2 (English)").fill("Bills and outages can be reported on 1912.")
    page.get_by_label("Source of fact 2 (link)").fill("https://www.nbpdcl.co.in/")
    page.get_by_label("Why the change").fill("People in Bahadurganj ask about repairs.")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".messages")).to_contain_text("Proposed")
    expect(page.get_by_role("region", name="Changes waiting for review")).to_be_visible()
    sign_out(page)

    sign_in(page, "spokesperson")
    page.goto(f"/playbook/{SLUG}/review/")
    item = page.get_by_role("article").filter(has_text="Power at every home")
    row = item.get_by_role("row").filter(has_text="Summary (English)")
    expect(row.locator("td.old del").first).to_have_text("the next step is ")
    expect(row.locator("td.new ins").last).to_have_text("quick repairs.")
    expect(item.get_by_role("row").filter(has_text="Facts and sources")).to_contain_text("1912")
    snap(page, "playbook_review")
    item.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("is at version 2")

    page.goto(f"/playbook/{SLUG}/points/{point.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 2")
    versions = page.get_by_role("region", name="Versions")
    expect(versions.locator("#version-2")).to_contain_text("current")
    expect(versions.locator("#version-2 ins").first).to_be_visible()
    snap(page, "playbook_point_versions")
    versions.get_by_role("link", name="Version 1").click()
    expect(page.locator("#main")).to_contain_text("An earlier version: the point is at version 2")
    expect(page.locator("#main")).to_contain_text("the next step is power through the evening")
    snap(page, "playbook_old_version")


def test_a_post_starts_from_a_template_for_bahadurganj_with_playbook_warnings(page, demo):
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/posts/new/")
    expect(page.locator("#day-themes")).to_contain_text("Today's theme:")
    picker = page.get_by_role("group", name="Start from a template")
    picker.get_by_label("Template").select_option(label="Meet the candidate")
    expect(picker.get_by_label("For the constituency")).to_have_value(
        re.compile(r"^\d+$")  # the desk's own constituency, chosen already
    )
    expect(picker.get_by_label("For the constituency").locator("option:checked")).to_have_text(
        "52 Bahadurganj"
    )
    page.get_by_label("Title (for the cell only)").fill("Meet our candidate")
    picker.get_by_role("button", name="Fill in the texts").click()
    expect(page.locator("#template-status")).to_contain_text("Filled from “Meet the candidate”")
    expect(page.get_by_label("Text in Hindi")).to_have_value(
        re.compile("बहादुरगंज \\(किशनगंज\\) से हमारे गठबंधन के उम्मीदवार Lakhan Lal Pandit")
    )
    expect(page.get_by_label("Text in English")).to_have_value(
        re.compile(
            r"Meet Lakhan Lal Pandit, our alliance's candidate for Bahadurganj \(Kishanganj\)"
        )
    )
    expect(page.get_by_label("Title (for the cell only)")).to_have_value("Meet our candidate")
    expect(page.get_by_label("Talking point").locator("option:checked")).to_have_text(
        "Jobs at home, not migration"
    )
    page.get_by_label(re.compile("X · @VIP_Bahadurganj")).check()
    settle(page)
    # Paid promotion: the playbook wants its disclaimer, the rules want a certificate.
    page.get_by_label("Paid promotion").check()
    settle(page)
    findings = page.locator("#findings")
    warning = findings.locator('[data-rule="PB-DISCLAIMER"]').first
    expect(warning).to_contain_text("Playbook")
    expect(warning).to_contain_text("Paid promotion by Vikassheel Insaan Party")
    expect(warning.locator(".badge").first).to_have_text("Warning")
    expect(findings.locator("li.finding:not([data-rule^='PB-'])").first).to_be_visible()
    snap(page, "playbook_compose_from_template")
