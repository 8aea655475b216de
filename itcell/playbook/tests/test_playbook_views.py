"""The playbook's screens with the demo's cell and playbook on Bihar 2020 (clock on Tuesday
27 October 2020, 10:00 IST): who reads, who proposes, who reviews and edits (a refusal is a
404), the review of a talking-point change with its old version still readable, template
forms that name an unknown variable, the live preview, and the composer's template picker
with the playbook's warnings beside the election rules' findings."""

import re
from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import AssemblyConstituency, Election, Party
from itcell.elections.services import set_own_party
from itcell.organisation import demo as organisation_demo
from itcell.organisation.models import Desk
from itcell.playbook import demo as playbook_demo
from itcell.playbook.models import CalendarDay, PostTemplate, Revision, TalkingPoint, Theme

pytestmark = pytest.mark.django_db
SLUG = "bihar-2020"
T0 = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
R = Revision.State


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(bihar: Election) -> Election:
    clock.set_now(T0)
    set_own_party(election=bihar, party=Party.objects.get(short_name="VIP"))
    organisation_demo.build(election=bihar, password=PASSWORD, first_day=date(2020, 10, 26))
    playbook_demo.build(election=bihar)
    return bihar


def as_(client: Client, username: str) -> Client:
    client.force_login(User.objects.get(username=username))
    return client


def url(name: str, *args: object) -> str:
    return reverse(f"playbook:{name}", args=[SLUG, *args])


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_demo_builds_a_whole_playbook_once(demo: Election):
    assert Theme.objects.filter(election=demo).count() == 4
    assert TalkingPoint.objects.filter(election=demo).count() == 8
    assert PostTemplate.objects.filter(election=demo).count() == 3
    assert CalendarDay.objects.filter(election=demo, phase=None).count() == 14
    [waiting] = Revision.objects.filter(election=demo, state=R.PROPOSED)
    assert waiting.author.username == "writer.bahadurganj"
    playbook_demo.build(election=demo)  # idempotent
    assert Theme.objects.filter(election=demo).count() == 4


def test_everyone_in_the_election_reads_the_overview(client: Client, demo: Election):
    response = as_(client, "legal").get(url("overview"))  # an observer
    page = text(response)
    assert response.status_code == 200
    assert "Fishing families and the river economy" in page
    assert "A fair deal for fishing families" in page
    assert "Don&#x27;t comment on anyone&#x27;s caste, religion or community" in page
    assert "#बाढ़_राहत" in page
    assert "Paid promotion by Vikassheel Insaan Party" in page
    assert 'class="today" aria-current="date" data-date="2020-10-27"' in page
    assert "Meet the candidate" in page
    # Reading only: no editing, reviewing or proposing links.
    for name in ("theme_new", "review", "propose_new"):
        assert url(name) not in page


def test_the_overview_in_hindi_shows_the_hindi_texts(client: Client, demo: Election):
    response = as_(client, "legal").get(url("overview"), HTTP_ACCEPT_LANGUAGE="hi")
    page = text(response)
    assert 'lang="hi"' in page
    assert "मछुआरा परिवार और नदी की अर्थव्यवस्था" in page
    assert "मछुआरा परिवारों के साथ न्याय" in page
    assert "किसी की जाति, धर्म या समुदाय पर टिप्पणी न करें" in page


def test_someone_outside_the_election_gets_a_404(client: Client, demo: Election, make_user):
    client.force_login(make_user("stranger"))
    assert client.get(url("overview")).status_code == 404


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "propose_new", ()),
        ("get", "review", ()),
        ("get", "theme_new", ()),
        ("get", "guidance_new", ()),
        ("get", "template_new", ()),
        ("get", "day_new", ()),
        ("post", "preview", ()),
    ],
)
def test_an_observer_may_not_propose_review_or_edit(
    client: Client, demo: Election, method: str, name: str, args: tuple[object, ...]
):
    response = getattr(as_(client, "legal"), method)(url(name, *args))
    assert response.status_code == 404


def test_a_writer_proposes_but_does_not_review_or_edit(client: Client, demo: Election):
    writer = as_(client, "writer.bahadurganj")
    assert writer.get(url("propose_new")).status_code == 200
    waiting = Revision.objects.get(state=R.PROPOSED)
    assert writer.get(url("review")).status_code == 404
    assert writer.post(url("decide", waiting.pk, "approve")).status_code == 404
    assert writer.get(url("theme_new")).status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == R.PROPOSED


def test_a_change_is_proposed_reviewed_and_the_old_version_stays_readable(
    client: Client, demo: Election
):
    point = TalkingPoint.objects.get(title_en="Every village on an all-weather road")
    writer = as_(client, "writer.bahadurganj")
    form = writer.get(url("propose", point.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(summary_en="Roads open through the rains, bridges where rivers cut villages off.")
    data.update(note="Shorter.")
    response = writer.post(url("propose", point.pk), data)
    assert response.status_code == 302
    revision = Revision.objects.get(talking_point=point, state=R.PROPOSED)
    assert revision.based_on == 1
    assert revision.facts == point.facts

    spokesperson = as_(Client(), "spokesperson")
    queue = text(spokesperson.get(url("review")))
    assert f'id="revision-{revision.pk}"' in queue
    assert "Roads <del>that stay </del>open through the rains," in queue  # now
    assert "bridges where <ins>rivers cut </ins>villages off." in queue  # proposed
    response = spokesperson.post(url("decide", revision.pk, "approve"), {"comment": "Good."})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.version == 2
    assert point.summary_en.startswith("Roads open")

    page = text(as_(Client(), "legal").get(url("point", point.pk)))
    assert "version 2" in page
    assert url("version", point.pk, 1) in page
    old = text(as_(Client(), "legal").get(url("version", point.pk, 1)))
    assert "Roads that stay open through the rains" in old
    assert "An earlier version: the point is at version 2 now." in old


def test_a_reviewer_cannot_approve_their_own_proposal(client: Client, demo: Election):
    spokesperson = as_(client, "spokesperson")
    point = TalkingPoint.objects.get(title_en="Cold chains and fish markets")
    form = spokesperson.get(url("propose", point.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title_en"] = "Cold chains and fair fish markets"
    spokesperson.post(url("propose", point.pk), data)
    mine = Revision.objects.get(talking_point=point, state=R.PROPOSED)
    assert "You proposed this: another reviewer decides it." in text(
        spokesperson.get(url("review"))
    )
    response = spokesperson.post(url("decide", mine.pk, "approve"), follow=True)
    assert "someone else with the playbook" in text(response)
    mine.refresh_from_db()
    assert mine.state == R.PROPOSED


def test_a_stale_revision_is_refused_with_a_clear_message(client: Client, demo: Election):
    waiting = Revision.objects.get(state=R.PROPOSED)  # the writer's, on version 1
    point = waiting.talking_point
    head = as_(client, "head")
    form = head.get(url("propose", point.pk)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title_en"] = "Justice for fishing families"
    head.post(url("propose", point.pk), data)
    newer = Revision.objects.get(talking_point=point, state=R.PROPOSED, author__username="head")
    spokesperson = as_(Client(), "spokesperson")
    spokesperson.post(url("decide", newer.pk, "approve"))
    queue = text(spokesperson.get(url("review")))
    assert "The point changed since (it is at version 2)" in queue
    response = spokesperson.post(url("decide", waiting.pk, "approve"), follow=True)
    assert "propose again on the new version" in text(response)


def test_a_template_with_an_unknown_variable_is_refused_naming_it(client: Client, demo: Election):
    head = as_(client, "head")
    response = head.post(
        url("template_new"),
        {
            "name": "Broken",
            "text_hi": "{candidate}",
            "text_en": "Meet {candiate}",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Unknown variable {candiate}; use one of: {candidate}" in text(response)
    assert not PostTemplate.objects.filter(name="Broken").exists()


def test_the_template_preview_fills_for_a_constituency(client: Client, demo: Election):
    ac = AssemblyConstituency.objects.get(number=52)
    response = as_(client, "head").post(
        url("preview"),
        {
            "ac": ac.pk,
            "text_hi": "{candidate}, {ac} ({district})",
            "text_en": "{candidate} of {ac}",
        },
    )
    page = text(response)
    assert "Lakhan Lal Pandit, बहादुरगंज (किशनगंज)" in page
    assert "Lakhan Lal Pandit of Bahadurganj" in page
    bad = as_(client, "head").post(url("preview"), {"ac": ac.pk, "text_en": "{nope}"})
    assert "Unknown variable {nope}" in text(bad)


def test_editors_add_guidance_and_calendar_days_with_errors_on_their_fields(
    client: Client, demo: Election
):
    head = as_(client, "head")
    response = head.post(
        url("guidance_new"), {"kind": "hashtag", "text_en": "two words", "applies": "always"}
    )
    assert "A hashtag is one word" in text(response)
    response = head.post(
        url("guidance_new"), {"kind": "avoid", "text_en": "rigged", "applies": "always"}
    )
    assert response.status_code == 302
    theme = Theme.objects.filter(election=demo).first()
    response = head.post(url("day_new"), {"date": "2020-11-20", "theme": theme.pk})
    assert "The campaign ends with the Model Code of Conduct" in text(response)
    day = CalendarDay.objects.filter(election=demo, phase=None).first()
    response = head.post(url("delete", "day", day.pk))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


# The composer -----------------------------------------------------------------------------------


def test_the_compose_screen_offers_templates_groups_points_and_shows_todays_theme(
    client: Client, demo: Election
):
    page = text(as_(client, "writer.bahadurganj").get(reverse("publishing:compose", args=[SLUG])))
    assert "Start from a template" in page
    bahadurganj = AssemblyConstituency.objects.get(number=52)
    assert f'<option value="{bahadurganj.pk}" selected>52 Bahadurganj</option>' in page
    assert '<optgroup label="Fishing families and the river economy">' in page
    today = CalendarDay.objects.get(election=demo, date=date(2020, 10, 27), phase=None)
    assert f"Today's theme: <strong>{today.theme.title_en}</strong>" in page


def test_a_template_fills_the_texts_for_an_ac_of_the_desk(client: Client, demo: Election):
    desk = Desk.objects.get(election=demo, kind=Desk.Kind.AC, acs__number=52)
    template = PostTemplate.objects.get(name="Meet the candidate")
    ac = AssemblyConstituency.objects.get(number=52)
    writer = as_(client, "writer.bahadurganj")
    response = writer.post(
        reverse("publishing:from_template", args=[SLUG]),
        {"desk": desk.pk, "start_template": template.pk, "start_ac": ac.pk},
    )
    page = text(response)
    assert 'id="field-text_hi" hx-swap-oob="true"' in page
    assert "बहादुरगंज (किशनगंज) से हमारे गठबंधन के उम्मीदवार Lakhan Lal Pandit से मिलिए।" in page
    assert (
        "Meet Lakhan Lal Pandit, our alliance&#x27;s candidate for Bahadurganj (Kishanganj)" in page
    )
    assert f'<option value="{template.talking_point_id}" selected>' in page
    # Another desk's constituency, or another desk: not found.
    other_ac = AssemblyConstituency.objects.get(number=2)
    assert (
        writer.post(
            reverse("publishing:from_template", args=[SLUG]),
            {"desk": desk.pk, "start_template": template.pk, "start_ac": other_ac.pk},
        ).status_code
        == 404
    )
    other_desk = Desk.objects.get(election=demo, kind=Desk.Kind.AC, acs__number=2)
    assert (
        writer.post(
            reverse("publishing:from_template", args=[SLUG]),
            {"desk": other_desk.pk, "start_template": template.pk, "start_ac": other_ac.pk},
        ).status_code
        == 404
    )


def test_the_live_check_shows_playbook_warnings_labelled_beside_the_rules(
    client: Client, demo: Election
):
    from itcell.publishing import demo as publishing_demo

    publishing_demo.build(election=demo)
    desk = Desk.objects.get(election=demo, kind=Desk.Kind.AC, acs__number=52)
    writer = as_(client, "writer.bahadurganj")
    form = writer.get(reverse("publishing:compose", args=[SLUG])).context["form"]
    channel = form.channel_list[0]
    response = writer.post(
        reverse("publishing:check", args=[SLUG]),
        {
            "desk": desk.pk,
            "title": "Test",
            "text_hi": "यह पक्की जीत है। #जीत",
            "text_en": "",
            "channels": [channel.pk],
        },
    )
    page = text(response)
    assert 'data-rule="PB-AVOID"' in page
    assert 'data-rule="PB-HASHTAG"' in page
    assert '<span class="badge source">Playbook</span> <code>PB-AVOID</code>' in page
    assert "Stops it" not in page.split('data-rule="PB-AVOID"')[1].split("</li>")[0]
