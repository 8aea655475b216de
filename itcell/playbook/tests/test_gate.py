"""The gate: a member sends posts for review only after passing the election's core training
modules. The service refuses (``submit_post``, the calendar import's "send for review"), the
compose screen says so beforehand and keeps a refused draft; no core modules, no gate."""

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.playbook.tests.training_factories import Cell, pass_module
from itcell.playbook.training import set_core_modules
from itcell.publishing.errors import NotTrained, PostInvalid
from itcell.publishing.models import Channel, Post
from itcell.publishing.services.calendar_import import import_calendar
from itcell.publishing.services.posts import create_post, edit_post, submit_post
from itcell.publishing.tests.factories import channel, post_input
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db
NOW = datetime(2020, 10, 20, 10, 0, tzinfo=IST)


@pytest.fixture(autouse=True)
def _quiet(settings):  # type: ignore[no-untyped-def]
    """Fast hashing, tasks kept (not run), and publishing's screeners without the Election
    Commission's rules (tested with publishing in ``compliance/tests``)."""
    from itcell.publishing.screening import screeners

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    eci = screeners._items.pop("eci", None)
    yield
    if eci is not None:
        screeners._items["eci"] = eci


@pytest.fixture
def cell(bihar: Election) -> Cell:
    clock.set_now(NOW)
    return Cell.build(bihar)


@pytest.fixture
def x(cell: Cell) -> Channel:
    return channel(cell.election, handle="@vip_bihar", connector="sandbox")


def draft(cell: Cell, x: Channel) -> Post:
    return create_post(desk=cell.desk, author=cell.writer, data=post_input(x))


def test_a_writer_without_the_core_modules_cannot_submit(cell: Cell, x: Channel) -> None:
    post = draft(cell, x)
    with pytest.raises(NotTrained) as error:
        submit_post(post=post, author=cell.writer)
    assert error.value.modules == [cell.message, cell.rules]
    assert "The party's message, Election rules for posts" in str(error.value)
    post.refresh_from_db()
    assert post.state == PostState.DRAFT
    assert not AuditEvent.objects.filter(action="post.submitted").exists()


def test_after_passing_the_core_modules_the_same_writer_submits(cell: Cell, x: Channel) -> None:
    post = draft(cell, x)
    pass_module(cell.message, cell.writer)
    with pytest.raises(NotTrained) as error:
        submit_post(post=post, author=cell.writer)
    assert error.value.modules == [cell.rules]
    pass_module(cell.rules, cell.writer)
    submit_post(post=post, author=cell.writer)
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW


def test_no_core_modules_no_gate(bihar: Election) -> None:
    clock.set_now(NOW)
    cell = Cell.build(bihar, core=False)
    x = channel(cell.election, handle="@vip_bihar", connector="sandbox")
    post = draft(cell, x)
    submit_post(post=post, author=cell.writer)
    assert Post.objects.get(pk=post.pk).state == PostState.IN_REVIEW
    set_core_modules(election=cell.election, module_ids=[cell.rules.pk], actor=cell.head)
    with pytest.raises(NotTrained):
        submit_post(post=draft(cell, x), author=cell.writer)


CSV = (
    "date,time,title,text_hi,text_en,channels,acs\n"
    "2020-10-25,18:30,Camps,शिविर खुले हैं।,Camps open.,@vip_bihar,52\n"
)


def test_the_calendar_import_sends_for_review_only_for_the_trained(cell: Cell, x: Channel) -> None:
    with pytest.raises(PostInvalid) as error:
        import_calendar(desk=cell.desk, author=cell.writer, csv_text=CSV, submit=True)
    assert "Election rules for posts" in str(error.value)
    assert not Post.objects.exists()
    drafts = import_calendar(desk=cell.desk, author=cell.writer, csv_text=CSV)
    assert [p.state for p in drafts] == [PostState.DRAFT]
    pass_module(cell.message, cell.writer)
    pass_module(cell.rules, cell.writer)
    again = CSV.replace("18:30", "19:30")
    sent = import_calendar(desk=cell.desk, author=cell.writer, csv_text=again, submit=True)
    assert [p.state for p in sent] == [PostState.IN_REVIEW]


# --- the compose screen ------------------------------------------------------------------------


def compose_data(x: Channel, **extra: str) -> dict[str, str]:
    return {
        "title": "Bridge repair",
        "text_hi": "बहादुरगंज पुल की मरम्मत कल से।",
        "text_en": "",
        "channels": str(x.pk),
        f"variant_{x.pk}": "",  # no constituencies: the desk's whole area
        **extra,
    }


def test_the_compose_screen_shows_the_gate_and_disables_sending(
    cell: Cell, x: Channel, client: Client
) -> None:
    client.force_login(cell.writer)
    url = reverse("publishing:compose", args=[cell.election.slug])
    page = client.get(url).content.decode()
    assert 'id="training-gate"' in page
    assert reverse("training:module", args=[cell.election.slug, cell.message.pk]) in page
    assert 'name="submit" class="primary" disabled' in page
    pass_module(cell.message, cell.writer)
    pass_module(cell.rules, cell.writer)
    page = client.get(url).content.decode()
    assert 'id="training-gate"' not in page
    assert 'name="submit" class="primary">' in page


def test_a_refused_send_keeps_the_draft_and_says_why(
    cell: Cell, x: Channel, client: Client
) -> None:
    client.force_login(cell.writer)
    url = reverse("publishing:compose", args=[cell.election.slug])
    response = client.post(url, compose_data(x, submit="1"), follow=True)
    post = Post.objects.get(title="Bridge repair")
    assert post.state == PostState.DRAFT
    assert response.redirect_chain[-1][0] == reverse(
        "publishing:edit", args=[cell.election.slug, post.pk]
    )
    page = response.content.decode()
    assert "Pass the core training modules before you send posts for review" in page
    assert 'id="training-gate"' in page


def test_the_post_page_send_button_is_refused_with_the_reason(
    cell: Cell, x: Channel, client: Client
) -> None:
    post = draft(cell, x)
    client.force_login(cell.writer)
    url = reverse("publishing:act", args=[cell.election.slug, post.pk, "submit"])
    page = client.post(url, follow=True).content.decode()
    assert "The party&#x27;s message" in page
    assert Post.objects.get(pk=post.pk).state == PostState.DRAFT


def test_an_edit_that_sends_a_post_back_to_review_is_gated_too(cell: Cell, x: Channel) -> None:
    for module in (cell.message, cell.rules):
        pass_module(module, cell.lead)
    post = create_post(desk=cell.desk, author=cell.lead, data=post_input(x))
    submit_post(post=post, author=cell.lead)
    with pytest.raises(NotTrained):
        edit_post(post=post, editor=cell.writer, data=post_input(x, title="Changed"))
    post.refresh_from_db()
    assert (post.state, post.version, post.title) == (PostState.IN_REVIEW, 1, "Flood relief camps")
    # A draft's edit sends nothing anywhere: no gate.
    mine = draft(cell, x)
    edit_post(post=mine, editor=cell.writer, data=post_input(x, title="Still a draft"))
