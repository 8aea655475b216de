"""The training screens in headless Chromium against a live server, with the demo's cell,
channels and training (``organisation.demo``, ``publishing.demo``, ``playbook.training_demo``)
on Bihar 2020, the clock frozen on Tuesday 27 October 2020 at 10:00 IST.

The issue's "done when": writer.bahadurganj, who has not passed the core modules, meets the
gate on the compose screen and cannot send for review; she takes both core modules' checks and
passes; she composes a post from a playbook template for her constituency and sends it for
review; the trainer, signed in separately, sees her
counted as trained. The live server runs in a thread of this process, so it reads the same
clock.
"""

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, settle
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election, Party
from itcell.elections.services import set_own_party
from itcell.organisation import demo as organisation_demo
from itcell.organisation.models import Desk
from itcell.organisation.tests.test_screens_browser import ARTIFACTS, sign_in
from itcell.playbook import demo as playbook_demo
from itcell.playbook import training_demo
from itcell.playbook.models import Module
from itcell.publishing import demo as publishing_demo
from itcell.publishing.models import Post
from itcell.publishing.workflow import PostState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "bihar-2020"
T0 = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(bihar: Election, settings) -> Election:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    clock.set_now(T0)
    set_own_party(election=bihar, party=Party.objects.get(short_name="VIP"))
    organisation_demo.build(election=bihar, password=PASSWORD, first_day=date(2020, 10, 26))
    playbook_demo.build(election=bihar)
    publishing_demo.build(election=bihar)
    training_demo.build(election=bihar)
    return bihar


def snap(page: Page, name: str) -> None:
    """A screenshot under artifacts/, once the Devanagari font has loaded."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate(
        """() => Promise.all(["400", "700"].map(
            w => document.fonts.load(`${w} 16px "Noto Sans Devanagari"`, "क"))
        ).then(() => document.fonts.ready).then(() => true)"""
    )
    page.screenshot(path=str(ARTIFACTS / f"training_{name}.png"), full_page=True)


def take_check(page: Page, module: Module, *, hindi: bool = False) -> None:
    """Answer every question of ``module`` correctly, by the answers' visible labels."""
    for n, question in enumerate(module.questions.prefetch_related("choices"), start=1):
        legend = question.text_hi if hindi else question.text_en
        group = page.locator("fieldset.question").filter(has_text=legend)
        expect(group.locator("legend")).to_contain_text(str(n))
        right = next(c for c in question.choices.all() if c.is_correct)
        group.get_by_label(right.text_hi if hindi else right.text_en, exact=True).check()


def board_row(page: Page, username: str):  # type: ignore[no-untyped-def]
    return page.locator(f"tr[data-user='{username}']")


def test_an_untrained_writer_meets_the_gate_passes_the_core_modules_and_submits(  # type: ignore[no-untyped-def]
    page: Page, browser, live_server, demo: Election
) -> None:
    bahadurganj = Desk.objects.get(election=demo, kind=Desk.Kind.AC, acs__number=52)
    core = list(Module.objects.filter(election=demo, is_core=True).order_by("order"))

    # The trainer, in a browser of their own, sees the writer not trained yet.
    trainer_context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    trainer_page = trainer_context.new_page()
    sign_in(trainer_page, "trainer")
    trainer_page.goto(f"/training/{SLUG}/trainer/?desk={bahadurganj.pk}")
    expect(board_row(trainer_page, "writer.bahadurganj")).to_contain_text("Not trained")
    expect(trainer_page.locator("#summary")).to_contain_text("1 of 2 writers trained (50%)")

    # The compose screen shows the gate: the modules to pass, and sending is disabled.
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/posts/new/")
    gate = page.locator("#training-gate")
    expect(gate).to_contain_text("Training first")
    for module in core:
        expect(gate.get_by_role("link", name=module.title_en)).to_be_visible()
    send = page.get_by_role("button", name="Save and send for review")
    expect(send).to_be_disabled()
    snap(page, "gate_compose")

    # The writer takes both core modules' checks from the gate's links, and passes.
    for module in core:
        page.goto(f"/pub/{SLUG}/posts/new/")
        page.locator("#training-gate").get_by_role("link", name=module.title_en).click()
        expect(page.locator("h1")).to_contain_text(module.title_en)
        take_check(page, module)
        page.get_by_role("button", name="Submit answers").click()
        expect(page.locator(".messages")).to_contain_text("Passed with 100%")
    snap(page, "module_passed")
    page.goto(f"/training/{SLUG}/")
    expect(page.locator(".done")).to_contain_text("You have passed every core module")
    expect(page.locator("#training-gate")).to_have_count(0)

    # Now she composes from a playbook template for her constituency and sends for review.
    page.goto(f"/pub/{SLUG}/posts/new/")
    expect(page.locator("#training-gate")).to_have_count(0)
    page.get_by_label("Title (for the cell only)").fill("Training done: bridge repair")
    picker = page.get_by_role("group", name="Start from a template")
    picker.get_by_label("Template").select_option(label="Meet the candidate")
    expect(picker.get_by_label("For the constituency").locator("option:checked")).to_have_text(
        "52 Bahadurganj"
    )
    picker.get_by_role("button", name="Fill in the texts").click()
    expect(page.get_by_label("Text in English")).to_have_value(
        re.compile(r"Meet Lakhan Lal Pandit, our alliance's candidate for Bahadurganj")
    )
    page.get_by_label(re.compile("X · @VIP_Bahadurganj")).check()
    settle(page)
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.locator("h1")).to_contain_text("In review")
    assert Post.objects.get(title="Training done: bridge repair").state == PostState.IN_REVIEW

    # The trainer reloads the board: she counts as trained now.
    trainer_page.reload()
    expect(board_row(trainer_page, "writer.bahadurganj")).to_contain_text("Trained")
    expect(board_row(trainer_page, "writer.bahadurganj")).not_to_contain_text("Not trained")
    expect(trainer_page.locator("#summary")).to_contain_text("2 of 2 writers trained (100%)")
    snap(trainer_page, "board_phone")
    trainer_context.close()


def test_a_refused_send_keeps_the_draft_on_the_compose_screen(page: Page, demo: Election) -> None:
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/posts/new/")
    page.get_by_label("Title (for the cell only)").fill("Draft before training")
    page.get_by_label("Text in Hindi").fill("बहादुरगंज में कल बैठक।")
    page.get_by_label(re.compile("X · @VIP_Bahadurganj")).check()
    settle(page)
    # The button is disabled on the page; the server refuses too, should a form send it.
    page.evaluate("document.querySelector('button[name=submit]').disabled = false")
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.locator(".messages")).to_contain_text(
        "Pass the core training modules before you send posts for review"
    )
    expect(page.locator("h1")).to_contain_text("Draft before training")
    expect(page.locator("#training-gate")).to_be_visible()
    settle(page)  # the edit screen's live check reads the database too
    assert Post.objects.get(title="Draft before training").state == PostState.DRAFT


def test_the_writer_takes_a_check_in_hindi(page: Page, demo: Election) -> None:
    module = Module.objects.get(election=demo, is_core=True, order=0)
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/training/{SLUG}/")
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("table.modules")).to_contain_text("पार्टी का संदेश")
    page.get_by_role("link", name="पार्टी का संदेश").first.click()
    expect(page.locator("h1")).to_contain_text("पार्टी का संदेश")
    expect(page.locator(".content")).to_contain_text("हर पोस्ट")
    take_check(page, module, hindi=True)
    page.locator("form.check button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("100%")
    snap(page, "module_hindi")
    assert module.attempts.get(member__username="writer.bahadurganj").passed
