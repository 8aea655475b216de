"""The playbook's checks of a post: words and claims to avoid (whole words, phrases anywhere,
any case, Hindi and English), a required disclaimer missing (paid-only ones on paid posts),
a hashtag the playbook does not approve (only once it approves some). Warnings, never a stop:
shown beside the election rules' findings, with the election's screener registered too."""

import pytest

from itcell.elections.models import Election
from itcell.playbook import checks
from itcell.playbook.checks import Rules, Text, hashtags_in, review
from itcell.playbook.models import Guidance
from itcell.playbook.tests.playbook_factories import guidance
from itcell.publishing.screening import Checkpoint, findings, screen, screeners
from itcell.publishing.services.posts import submit_post
from itcell.publishing.tests.factories import Cell
from itcell.publishing.workflow import PostState


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cell(bihar: Election) -> Cell:
    """Bahadurganj's writer and desk lead, the state's spokesperson and head (publishing's)."""
    return Cell.build(bihar)


AVOID = Rules(
    avoid=(
        (("traitor", "ग़द्दार"), "Personal attacks breach the MCC."),
        (("guaranteed win", "पक्की जीत"), ""),
    )
)


def hi(text: str) -> list[Text]:
    return [Text("the Hindi text", text)]


def en(text: str) -> list[Text]:
    return [Text("the English text", text)]


def rules_of(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.rule for f in found]


def test_an_avoided_word_is_found_in_any_case_as_a_whole_word():
    [finding] = review(en("He is a TRAITOR, they say."), AVOID, paid=False)
    assert (finding.rule, finding.blocking, finding.severity) == ("PB-AVOID", False, "warn")
    assert finding.message == (
        "“traitor” in the English text is on the playbook's list to avoid. "
        "Personal attacks breach the MCC."
    )
    assert review(en("Traitorous weather today."), AVOID, paid=False) == []


def test_an_avoided_hindi_word_is_a_whole_word_despite_vowel_signs():
    assert rules_of(review(hi("वह ग़द्दार है।"), AVOID, paid=False)) == ["PB-AVOID"]
    assert rules_of(review(hi("वह ग़द्दार।"), AVOID, paid=False)) == ["PB-AVOID"]
    # "ग़द्दारी" (treachery) is another word: the vowel sign continues it.
    assert review(hi("यह ग़द्दारी की बात"), AVOID, paid=False) == []


def test_an_avoided_phrase_is_found_anywhere_whatever_the_spacing():
    assert rules_of(review(en("A  Guaranteed\nwin for us!"), AVOID, paid=False)) == ["PB-AVOID"]
    assert rules_of(review(hi("इस बार पक्की जीतहै"), AVOID, paid=False)) == ["PB-AVOID"]


DISCLAIMERS = Rules(
    disclaimers=(
        (("Paid for by VIP", "वीआईपी द्वारा प्रायोजित"), True),
        (("#ECI_Guidelines",), False),
    )
)


def test_a_disclaimer_for_paid_posts_is_required_only_on_paid_posts():
    texts = [Text("the Hindi text", "राहत शिविर खुले। #ECI_Guidelines")]
    assert review(texts, DISCLAIMERS, paid=False) == []
    [finding] = review(texts, DISCLAIMERS, paid=True)
    assert finding.rule == "PB-DISCLAIMER"
    assert not finding.blocking
    assert finding.message == (
        "The required disclaimer “Paid for by VIP” is missing from the Hindi text."
    )
    texts = [Text("the Hindi text", "राहत शिविर। वीआईपी द्वारा प्रायोजित #ECI_Guidelines")]
    assert review(texts, DISCLAIMERS, paid=True) == []


def test_a_disclaimer_for_every_post_is_checked_in_each_text():
    texts = [
        Text("the Hindi text", "शिविर खुले #ECI_guidelines"),
        Text("the English text", "Camps open"),
    ]
    [finding] = review(texts, DISCLAIMERS, paid=False)
    assert "missing from the English text" in finding.message


HASHTAGS = Rules(hashtags=("#VIPBihar", "#बाढ़_राहत"))


def test_an_unapproved_hashtag_is_named_with_the_approved_ones():
    texts = [
        Text("the Hindi text", "राहत #बाढ़_राहत #बिहार_बाढ़।"),
        Text("the English text", "Relief #vipbihar #FloodHelp, #FloodHelp"),
    ]
    found = review(texts, HASHTAGS, paid=False)
    assert [f.message for f in found] == [
        "#बिहार_बाढ़ is not an approved hashtag; use one of: #VIPBihar, #बाढ़_राहत.",
        "#FloodHelp is not an approved hashtag; use one of: #VIPBihar, #बाढ़_राहत.",
    ]
    assert {f.rule for f in found} == {"PB-HASHTAG"}


def test_hashtags_are_not_checked_until_the_playbook_approves_some():
    assert review(en("Anything #goes"), Rules(), paid=False) == []


def test_hashtags_end_at_punctuation_and_skip_html_entities():
    assert hashtags_in("#एक। #two, a#b &#39; (#three)") == ["एक", "two", "three"]


# Registered, beside the election's rules ------------------------------------------------------


def test_the_playbook_screener_is_registered_beside_the_election_rules():
    registered = dict(screeners.items())
    assert registered["playbook"] is checks.playbook
    assert "eci" in registered


@pytest.mark.django_db
def test_a_post_gets_the_playbooks_warnings_and_is_still_sent_for_review(cell: Cell):
    election, head = cell.election, cell.head
    guidance(election, head, Guidance.Kind.AVOID, en="traitor", hi="ग़द्दार")
    guidance(election, head, Guidance.Kind.HASHTAG, en="#VIPBihar")
    guidance(election, head, Guidance.Kind.DISCLAIMER, en="Paid for by VIP", applies="paid")
    post = cell.draft(
        text_hi="वह ग़द्दार है। #बाढ़_राहत",
        text_en="Relief camps are open. #VIPBihar",
        paid_promotion=True,
        variants={cell.channel.pk: "Camps open #Camps"},
    )
    found = findings(post=post, checkpoint=Checkpoint.COMPOSE, at=post.created_at)
    playbook = [f for f in found if f.rule.startswith("PB-")]
    assert sorted(rules_of(playbook)) == [
        "PB-AVOID",
        "PB-DISCLAIMER",
        "PB-DISCLAIMER",
        "PB-DISCLAIMER",
        "PB-HASHTAG",
        "PB-HASHTAG",
    ]
    assert all(not f.blocking and f.severity == "warn" for f in playbook)
    assert any("the text for @vip_bihar" in f.message for f in playbook)
    assert screen(
        post=post, checkpoint=Checkpoint.SUBMIT, at=post.created_at, using=[checks.playbook]
    )
    submit_post(post=post, author=cell.writer)
    post.refresh_from_db()
    assert post.state == PostState.IN_REVIEW


@pytest.mark.django_db
def test_nothing_is_checked_at_delivery_or_without_guidance(cell: Cell):
    post = cell.draft(text_en="A traitor. #Anything")
    args = {"post": post, "channel": None, "at": post.created_at}
    assert checks.playbook(checkpoint=Checkpoint.REVIEW, **args) == []
    guidance(cell.election, cell.head, Guidance.Kind.AVOID, en="traitor")
    assert rules_of(checks.playbook(checkpoint=Checkpoint.REVIEW, **args)) == ["PB-AVOID"]
    assert checks.playbook(checkpoint=Checkpoint.DELIVER, **args) == []
