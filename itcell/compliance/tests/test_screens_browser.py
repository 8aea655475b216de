"""The election rules as a person sees them, in headless Chromium against a live server: the
demo's cell on Bihar 2020, the clock frozen on 27 October 2020 at 10:00 IST (phase 1 silent;
Bahadurganj, AC 52, polls in phase 3 on 7 November: silent from 5 November 18:00 IST).

The issue's "done when": findings appear while composing — a post scheduled into its
constituency's silence window is blocked with a message citing section 126, a boost without
an MCMC certificate is blocked — and go away when the post is fixed; in both languages.
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import settle
from itcell.organisation.tests.test_screens_browser import hindi, sign_in
from itcell.publishing.models import Post
from itcell.publishing.tests.test_screens_browser import demo  # noqa: F401 (the demo cell, 27 Oct 2020 10:00 IST)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "bihar-2020"


def compose(page, language: str):  # type: ignore[no-untyped-def]
    sign_in(page, "writer.bahadurganj")
    if language == "hi":
        page.get_by_role("button", name="हिन्दी").click()
    page.goto(f"/pub/{SLUG}/posts/new/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    t = (lambda s: s) if language == "en" else hindi
    page.get_by_label(t("Title (for the cell only)")).fill("Poll-eve appeal")
    page.get_by_label(t("Text in Hindi")).fill("बहादुरगंज के मतदाताओं से अपील: कल ज़रूर वोट करें।")
    page.get_by_label(re.compile("X · @VIP_Bahadurganj")).check()
    return page.locator("#findings"), t


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("language", ["en", "hi"])
def test_findings_show_while_composing_and_lift_when_the_post_is_fixed(page, language):
    findings, t = compose(page, language)
    expect(findings).to_contain_text(t("No election rule objects to this post."))

    # Scheduled into Bahadurganj's silence window: blocked, citing section 126, while typing.
    page.get_by_label(t("Publish at (IST)")).fill("2020-11-06T10:00")
    page.get_by_label(t("Publish at (IST)")).dispatch_event("change")
    silence = findings.locator('[data-rule="R-SIL-2"]')
    expect(silence).to_be_visible()
    expect(silence).to_have_class(re.compile(r"\bblocking\b"))
    expect(silence).to_contain_text("126")
    expect(silence).to_contain_text(t("Stops it"))

    # Before the window, it goes; a boost without a certificate is blocked instead.
    page.get_by_label(t("Publish at (IST)")).fill("2020-11-04T10:00")
    page.get_by_label(t("Paid promotion")).check()
    expect(silence).to_have_count(0)
    boost = findings.locator('[data-rule="R-ADV-1"]')
    expect(boost).to_be_visible()
    expect(boost).to_contain_text("MCMC")

    # Sending it for review is refused with the rule's message, and nothing is saved.
    settle(page)
    page.get_by_role("button", name=t("Save and send for review")).click()
    expect(page.locator(".problems")).to_contain_text("R-ADV-1")
    # The form comes back as it was typed, and checks itself again on load.
    expect(page.locator("#findings [data-rule='R-ADV-1']")).to_be_visible()
    assert not Post.objects.filter(title="Poll-eve appeal").exists()
