"""The publishing screens in headless Chromium against a live server, with the demo's cell
and channels (``organisation.demo``, ``publishing.demo``) on Bihar 2020, the clock frozen on
Tuesday 27 October 2020 at 10:00 IST (Bahadurganj's desk lead and the spokesperson on duty).

The issue's "done when": a writer drafts a post for Bahadurganj, the desk lead and the
spokesperson approve it, it is scheduled and appears on the sandbox feed at its time; a
pause holds it; an edit sends it back to review. The live server runs in a thread of this
process, so it reads the same clock; deliveries run inline (the immediate task backend).
"""

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, settle
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.organisation import demo as organisation_demo
from itcell.organisation.tests.test_screens_browser import hindi, sign_in, sign_out, snap
from itcell.publishing import demo as publishing_demo
from itcell.publishing import limits
from itcell.publishing.models import Delivery, Post
from itcell.publishing.services.delivery import sweep
from itcell.publishing.workflow import PostState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "bihar-2020"
T0 = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(bihar: Election, settings) -> Election:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    clock.set_now(T0)
    organisation_demo.build(election=bihar, password=PASSWORD, first_day=date(2020, 10, 26))
    publishing_demo.build(election=bihar)
    return bihar


def test_a_post_goes_from_draft_through_two_approvals_to_the_sandbox_feed(page, browser, demo):
    # The writer drafts for Bahadurganj, watching the X counter, and sends it for review.
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/posts/new/")
    page.get_by_label("Title (for the cell only)").fill("Bridge repair starts")
    text = "बहादुरगंज पुल की मरम्मत कल से शुरू। #बहादुरगंज"
    page.get_by_label("Text in Hindi").fill(text)
    page.get_by_label(re.compile("X · @VIP_Bahadurganj")).check()
    variant = page.locator(".variant[data-platform=x]").filter(has_text="@VIP_Bahadurganj")
    # The page counts as the server does (limits.length), as the person types.
    used = limits.length("x", text)
    expect(variant.locator(".counter")).to_have_text(re.compile(rf"^\s*{used} / 280\s*$"))
    page.get_by_label("Publish at (IST)").fill("2020-10-27T12:00")
    snap(page, "pub_compose")
    settle(page)
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.locator("h1")).to_contain_text("In review")
    post = Post.objects.get(title="Bridge repair starts")
    sign_out(page)

    # The desk lead approves step 1; the post waits for the spokesperson.
    sign_in(page, "lead.bahadurganj")
    page.goto(f"/pub/{SLUG}/review/")
    item = page.locator(f"#post-{post.pk}")
    item.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("Approved.")
    expect(page.locator(f"#post-{post.pk}")).to_contain_text("step 2")
    sign_out(page)

    # The spokesperson approves on a phone: the post is scheduled for 12:00 IST.
    phone = browser.new_context(base_url=page.url.split("/accounts")[0], viewport=PHONE)
    mobile = phone.new_page()
    sign_in(mobile, "spokesperson")
    mobile.goto(f"/pub/{SLUG}/review/")
    mobile.locator(f"#post-{post.pk}").get_by_role("button", name="Approve").click()
    snap(mobile, "pub_review_phone")
    mobile.goto(f"/pub/{SLUG}/posts/{post.pk}/")
    expect(mobile.locator("h1")).to_contain_text("Scheduled")
    phone.close()
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.publish_at == datetime(2020, 10, 27, 12, 0, tzinfo=IST)

    # Not before its time; at its time it is on the sandbox feed.
    clock.set_now(T0 + timedelta(hours=1))
    sweep()
    sign_in(page, "spokesperson")
    page.goto(f"/pub/{SLUG}/sandbox/")
    expect(page.locator(".feed")).not_to_contain_text("पुल की मरम्मत")
    clock.set_now(datetime(2020, 10, 27, 12, 0, 30, tzinfo=IST))
    sweep()
    page.goto(f"/pub/{SLUG}/sandbox/")
    expect(page.locator(".feed")).to_contain_text("बहादुरगंज पुल की मरम्मत कल से शुरू।")
    snap(page, "pub_sandbox_feed")
    page.goto(f"/pub/{SLUG}/posts/{post.pk}/")
    expect(page.locator("h1")).to_contain_text("Published")
    expect(page.locator("#timeline")).to_contain_text("Published (X @VIP_Bahadurganj)")


def test_pause_holds_a_due_post_until_resumed(page, demo):
    evening = Post.objects.get(title="Evening: health camp")
    sign_in(page, "spokesperson")
    page.goto(f"/pub/{SLUG}/deliveries/")
    page.get_by_label("Why").fill("Checking the figures after a complaint")
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".paused")).to_contain_text("All publishing is paused")

    clock.set_now(evening.publish_at + timedelta(minutes=1))
    sweep()
    assert set(evening.deliveries.values_list("state", flat=True)) == {Delivery.State.PENDING}
    page.goto(f"/pub/{SLUG}/posts/{evening.pk}/")
    expect(page.locator("#main table")).to_contain_text("Paused: Checking the figures")
    page.goto(f"/pub/{SLUG}/sandbox/")
    expect(page.locator(".feed")).not_to_contain_text("स्वास्थ्य शिविर")
    page.goto(f"/pub/{SLUG}/deliveries/")
    snap(page, "pub_deliveries_paused")

    page.get_by_role("button", name="Resume").click()
    expect(page.locator(".messages")).to_contain_text("Publishing resumed")
    page.goto(f"/pub/{SLUG}/sandbox/")
    expect(page.locator(".feed")).to_contain_text("स्वास्थ्य शिविर")


def test_an_edit_after_approval_sends_the_post_back_to_review(page, demo):
    evening = Post.objects.get(title="Evening: health camp")
    assert evening.state == PostState.SCHEDULED
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/posts/{evening.pk}/")
    page.get_by_role("link", name="Edit").click()
    expect(page.locator(".warning")).to_contain_text("sends the post back to review")
    page.get_by_label("Text in English").fill("Free health camp tomorrow 10 am (not 9).")
    settle(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("goes through review again")
    expect(page.locator("h1")).to_contain_text("In review")
    evening.refresh_from_db()
    assert evening.state == PostState.IN_REVIEW
    assert set(evening.deliveries.values_list("state", flat=True)) == {Delivery.State.CANCELLED}


def test_the_review_queue_reads_in_hindi(page, demo):
    sign_in(page, "lead.bahadurganj")
    page.goto(f"/pub/{SLUG}/review/")
    page.get_by_role("button", name="हिन्दी").click()
    expect(page.locator("h1")).to_contain_text(hindi("Review"))
    expect(page.get_by_role("button", name=hindi("Approve")).first).to_be_visible()
    snap(page, "pub_review_hi")


def test_the_calendar_shows_the_days_posts_by_week_and_month(page, demo):
    sign_in(page, "spokesperson")
    page.goto(f"/pub/{SLUG}/calendar/?view=week&date=2020-10-27")
    today = page.locator(".cal .d.today")
    expect(today).to_contain_text("Evening: health camp")
    expect(today).to_contain_text("Relief camps open")
    snap(page, "pub_calendar_week")
    page.get_by_role("link", name="Month").click()
    expect(page.locator(".cal.month .d:not(.blank)")).to_have_count(31)
    page.get_by_role("link", name="Evening: health camp").click()
    expect(page.locator("h1")).to_contain_text("Scheduled")


def test_a_content_calendar_import_names_every_bad_row_and_keeps_nothing(page, demo):
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/calendar/import/")
    bad = (
        "date,time,title,text_hi,text_en,channels\n"
        "2020-10-28,09:00,Morning,सुबह की पोस्ट,,@VIP_Bahadurganj\n"
        "2020-10-28,25:00,Late,,Late post,@VIP_Bahadurganj\n"
        "2020-10-28,10:00,Nowhere,कहीं नहीं,,@nobody\n"
    )
    page.get_by_label("Or paste the CSV").fill(bad)
    page.get_by_role("button", name="Import as drafts").click()
    problems = page.locator(".problems")
    expect(problems).to_contain_text("row 3")
    expect(problems).to_contain_text("row 4")
    assert not Post.objects.filter(title="Morning").exists()
    expect(page.get_by_label("Or paste the CSV")).to_have_value(bad)  # kept, to correct
    snap(page, "pub_import_refused")
    good = "\n".join(bad.splitlines()[:2]) + "\n"
    page.get_by_label("Or paste the CSV").fill(good)
    page.get_by_role("button", name="Import and send for review").click()
    expect(page.locator(".messages")).to_contain_text("1 post imported")
    assert Post.objects.get(title="Morning").state == PostState.IN_REVIEW


def test_a_volunteer_shares_an_approved_post_by_hand(page, demo):
    sign_in(page, "writer.bahadurganj")
    page.goto(f"/pub/{SLUG}/sharing/")
    task = page.locator(".queue > li").filter(has_text="Relief camps open")
    expect(task).to_contain_text("बाढ़ राहत शिविर")
    task.locator("input[name=link]").fill("https://chat.whatsapp.com/example")
    task.get_by_role("button", name="Shared").click()
    expect(page.locator(".messages")).to_contain_text("marked as shared")
    snap(page, "pub_sharing")


def test_channels_show_their_health_and_the_library_takes_a_poster(page, demo, tmp_path):
    sign_in(page, "head")
    page.goto(f"/pub/{SLUG}/channels/")
    row = page.locator("tr").filter(has_text="@VIP_Bahadurganj")
    expect(row).to_contain_text("Connected")
    expect(row).to_contain_text("Last published")
    snap(page, "pub_channels")
    poster = tmp_path / "poster.png"
    poster.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1c5e40000000049454e44ae426082"
        )
    )
    page.goto(f"/pub/{SLUG}/media/")
    page.get_by_text("Add a file").click()
    page.get_by_label("File").set_input_files(str(poster))
    page.get_by_label("Kind").select_option("poster")
    page.get_by_label("Title").fill("Rally poster")
    page.get_by_label("Source").fill("Design desk, HQ")
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".problems")).to_contain_text("printer and publisher")  # nothing lost
    expect(page.get_by_label("Title")).to_have_value("Rally poster")
    page.get_by_label("File").set_input_files(str(poster))
    page.get_by_label("Printer and publisher (posters)").fill("Sahani Press, Patna; VIP Bihar")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("table")).to_contain_text("Rally poster")
    snap(page, "pub_media")
