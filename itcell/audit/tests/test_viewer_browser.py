"""The audit trail's screen in headless Chromium: the head opens it from the election menu,
filters by action, opens an event's details and checks the chain on request."""

import re

import pytest
from playwright.sync_api import Page, expect

from itcell.elections.models import Election
from itcell.organisation.roles import Role
from itcell.organisation.services import create_desks
from itcell.organisation.tests.factories import desk, person
from itcell.organisation.tests.test_screens_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def head(bihar: Election) -> Election:
    create_desks(election=bihar)
    person("head", desk(bihar, "hq"), Role.HEAD)
    return bihar


def test_the_head_filters_the_trail_and_verifies_the_chain(head: Election, page: Page) -> None:
    sign_in(page, "head")
    page.goto(f"/e/{head.slug}/")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit trail")
    page.get_by_label("Action").fill("membership.")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_text("Details").first.click()
    expect(page.get_by_text("Source address")).to_be_visible()
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", re.compile(r"export\.csv\?.*action=membership\.")
    )
    page.get_by_role("button", name="Verify the chain").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"events?, chain intact"))
