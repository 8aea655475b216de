"""The playbook's writes: talking points proposed and reviewed like posts (four eyes, stale
bases refused, every approved version kept), themes, guidance, templates (unknown variables
named, nothing saved) and calendar days (inside the campaign, the election's phases)."""

from datetime import date

import pytest

from itcell.audit.models import AuditEvent
from itcell.core.errors import InvalidInput
from itcell.elections.models import Election, Phase
from itcell.organisation.tests.factories import audited
from itcell.playbook import services
from itcell.playbook.errors import NotWaiting, SelfReview, StaleRevision
from itcell.playbook.models import CalendarDay, Guidance, PostTemplate, Revision, TalkingPoint
from itcell.playbook.selectors import compare, word_diff
from itcell.playbook.services import DayInput, Fact, TemplateInput
from itcell.playbook.tests.playbook_factories import (
    SOURCE,
    approved_point,
    guidance,
    point_input,
    template,
    theme,
)
from itcell.publishing.tests.factories import Cell

pytestmark = pytest.mark.django_db
R = Revision.State


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cell(bihar: Election) -> Cell:
    """Bahadurganj's writer and desk lead, the state's spokesperson and head (publishing's)."""
    return Cell.build(bihar)


# Revisions -------------------------------------------------------------------------------------


def test_approving_a_new_point_creates_it_at_version_1(cell: Cell):
    jobs = theme(cell.election, cell.head)
    with audited("playbook.revision.proposed"):
        revision = services.propose_revision(
            election=cell.election, author=cell.writer, data=point_input(theme_id=jobs.pk)
        )
    assert revision.state == R.PROPOSED
    assert revision.based_on == 0
    assert not TalkingPoint.objects.exists()
    with audited("playbook.revision.approved"):
        point = services.approve_revision(revision=revision, reviewer=cell.spokesperson)
    revision.refresh_from_db()
    assert (point.version, point.title_en, point.theme_id) == (1, "Jobs at home", jobs.pk)
    assert point.facts == [
        {"fact_en": "Unemployment is high.", "fact_hi": "बेरोज़गारी ऊँची है।", "source": SOURCE}
    ]
    assert (revision.state, revision.version, revision.talking_point_id) == (
        R.APPROVED,
        1,
        point.pk,
    )
    assert revision.reviewer == cell.spokesperson


def test_approving_a_change_bumps_the_version_and_keeps_the_old_one(cell: Cell):
    point = approved_point(cell.election, cell.writer, cell.head)
    change = services.propose_revision(
        election=cell.election,
        author=cell.writer,
        point=point,
        data=point_input(summary_en="Work near home, in every block."),
        note="More precise.",
    )
    assert change.based_on == 1
    point = services.approve_revision(revision=change, reviewer=cell.spokesperson, comment="ok")
    assert point.version == 2
    assert point.summary_en == "Work near home, in every block."
    versions = Revision.objects.filter(talking_point=point, state=R.APPROVED).order_by("version")
    assert [(r.version, r.summary_en) for r in versions] == [
        (1, "Work near home for young people."),
        (2, "Work near home, in every block."),
    ]


def test_a_revision_written_on_an_old_version_is_refused_as_stale(cell: Cell):
    point = approved_point(cell.election, cell.writer, cell.head)
    first = services.propose_revision(
        election=cell.election, author=cell.writer, point=point, data=point_input(title_en="A")
    )
    second = services.propose_revision(
        election=cell.election, author=cell.lead, point=point, data=point_input(title_en="B")
    )
    services.approve_revision(revision=first, reviewer=cell.head)
    with pytest.raises(StaleRevision, match="propose again on the new version"):
        services.approve_revision(revision=second, reviewer=cell.head)
    point.refresh_from_db()
    second.refresh_from_db()
    assert (point.title_en, point.version, second.state) == ("A", 2, R.PROPOSED)
    # Proposing against a base that is no longer current is refused too.
    with pytest.raises(StaleRevision):
        services.propose_revision(
            election=cell.election,
            author=cell.writer,
            point=point,
            data=point_input(title_en="C"),
            based_on=1,
        )


def test_nobody_reviews_their_own_revision(cell: Cell):
    revision = services.propose_revision(
        election=cell.election, author=cell.head, data=point_input()
    )
    with audited(), pytest.raises(SelfReview, match="someone else"):
        services.approve_revision(revision=revision, reviewer=cell.head)
    with pytest.raises(SelfReview):
        services.reject_revision(revision=revision, reviewer=cell.head, comment="no")
    revision.refresh_from_db()
    assert revision.state == R.PROPOSED
    assert not TalkingPoint.objects.exists()


def test_sending_back_needs_a_reason_and_a_decided_revision_stays_decided(cell: Cell):
    revision = services.propose_revision(
        election=cell.election, author=cell.writer, data=point_input()
    )
    with pytest.raises(InvalidInput) as refused:
        services.reject_revision(revision=revision, reviewer=cell.head, comment=" ")
    assert refused.value.problems[0].field == "comment"
    with audited("playbook.revision.rejected"):
        services.reject_revision(revision=revision, reviewer=cell.head, comment="Add a source.")
    with pytest.raises(NotWaiting):
        services.approve_revision(revision=revision, reviewer=cell.spokesperson)


def test_only_the_author_withdraws(cell: Cell):
    revision = services.propose_revision(
        election=cell.election, author=cell.writer, data=point_input()
    )
    with pytest.raises(NotWaiting):
        services.withdraw_revision(revision=revision, author=cell.lead)
    services.withdraw_revision(revision=revision, author=cell.writer)
    revision.refresh_from_db()
    assert revision.state == R.WITHDRAWN


def test_a_proposal_needs_a_title_and_each_fact_a_source_link(cell: Cell):
    with audited(), pytest.raises(InvalidInput) as refused:
        services.propose_revision(
            election=cell.election,
            author=cell.writer,
            data=point_input(
                title_en=" ",
                facts=(Fact("A fact", "", "not a link"), Fact("", "", "https://example.org")),
            ),
        )
    problems = {(p.field, p.row) for p in refused.value.problems}
    assert problems == {("title_en", None), ("facts", 1), ("facts", 2)}
    assert not Revision.objects.exists()


def test_a_change_that_changes_nothing_is_refused(cell: Cell):
    point = approved_point(cell.election, cell.writer, cell.head)
    with pytest.raises(InvalidInput, match="Nothing is changed"):
        services.propose_revision(
            election=cell.election, author=cell.writer, point=point, data=point_input()
        )


def test_a_point_made_outside_review_keeps_its_first_text_when_changed(cell: Cell):
    point = TalkingPoint.objects.create(election=cell.election, title_en="Old title")
    change = services.propose_revision(
        election=cell.election, author=cell.writer, point=point, data=point_input()
    )
    services.approve_revision(revision=change, reviewer=cell.head)
    kept = Revision.objects.get(talking_point=point, version=1)
    assert (kept.state, kept.title_en) == (R.APPROVED, "Old title")


# Themes, guidance ------------------------------------------------------------------------------


def test_themes_are_created_changed_and_deleted_with_an_audit_trail(cell: Cell):
    with audited("playbook.theme.created"):
        jobs = theme(cell.election, cell.head, title="Jobs")
    with audited("playbook.theme.changed"):
        services.save_theme(
            election=cell.election,
            theme=jobs,
            data=services.ThemeInput(title_en="Jobs and skills", title_hi="रोज़गार"),
            actor=cell.head,
        )
    services.save_calendar_day(
        election=cell.election, data=DayInput(date(2020, 10, 20), jobs.pk), actor=cell.head
    )
    with pytest.raises(InvalidInput, match="calendar days"):
        services.delete_theme(theme=jobs, actor=cell.head)
    CalendarDay.objects.all().delete()
    with audited("playbook.theme.deleted"):
        services.delete_theme(theme=jobs, actor=cell.head)


def test_hashtags_are_one_word_and_get_their_hash(cell: Cell):
    line = guidance(cell.election, cell.head, Guidance.Kind.HASHTAG, en="VIPBihar", hi="#बाढ़_राहत")
    assert (line.text_en, line.text_hi) == ("#VIPBihar", "#बाढ़_राहत")
    with pytest.raises(InvalidInput) as refused:
        guidance(cell.election, cell.head, Guidance.Kind.HASHTAG, en="two words")
    assert refused.value.problems[0].field == "text_en"


def test_only_a_disclaimer_may_apply_to_paid_promotion_only(cell: Cell):
    with pytest.raises(InvalidInput) as refused:
        guidance(cell.election, cell.head, Guidance.Kind.AVOID, en="traitor", applies="paid")
    assert refused.value.problems[0].field == "applies"
    line = guidance(
        cell.election, cell.head, Guidance.Kind.DISCLAIMER, en="Paid for by VIP", applies="paid"
    )
    assert line.applies == Guidance.Applies.PAID
    with pytest.raises(InvalidInput) as refused:
        guidance(cell.election, cell.head, Guidance.Kind.DO)
    assert refused.value.problems[0].field == "text_en"


# Templates -------------------------------------------------------------------------------------


def test_a_template_with_an_unknown_variable_is_refused_naming_it_and_nothing_is_saved(
    cell: Cell,
):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        template(
            cell.election,
            cell.head,
            "Meet",
            hi="{candidate} से मिलिए",
            en="Meet {candiate} in {ac}",
        )
    [problem] = refused.value.problems
    assert problem.field == "text_en"
    assert problem.message.startswith("Unknown variable {candiate}; use one of: {candidate}")
    assert not PostTemplate.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_template_change_with_a_bad_variable_leaves_the_saved_one(cell: Cell):
    saved = template(cell.election, cell.head, "Meet", hi="{candidate} से मिलिए", en="")
    with pytest.raises(InvalidInput):
        services.save_template(
            election=cell.election,
            template=saved,
            data=TemplateInput(name="Meet again", text_hi="{उम्मीदवार} से मिलिए"),
            actor=cell.head,
        )
    saved.refresh_from_db()
    assert (saved.name, saved.text_hi) == ("Meet", "{candidate} से मिलिए")


def test_template_names_are_unique_and_a_text_is_needed(cell: Cell):
    template(cell.election, cell.head, "Meet", hi="{ac}", en="")
    with pytest.raises(InvalidInput) as refused:
        template(cell.election, cell.head, "Meet", hi="", en="")
    assert {p.field for p in refused.value.problems} == {"name", "text_hi"}


# The calendar ----------------------------------------------------------------------------------


def test_calendar_days_stay_inside_the_campaign_and_the_elections_phases(cell: Cell):
    jobs = theme(cell.election, cell.head)
    phase1 = Phase.objects.get(election=cell.election, number=1)  # polls 28 Oct 2020
    with audited("playbook.day.set"):
        services.save_calendar_day(
            election=cell.election,
            data=DayInput(date(2020, 10, 26), jobs.pk, phase_id=phase1.pk),
            actor=cell.head,
        )
    refusals = [
        (DayInput(date(2020, 11, 11), jobs.pk), "date"),  # after the MCC ends
        (DayInput(date(2020, 10, 29), jobs.pk, phase_id=phase1.pk), "date"),  # after its poll
        (DayInput(date(2020, 10, 26), jobs.pk, phase_id=phase1.pk), "date"),  # already set
    ]
    for data, field in refusals:
        with audited(), pytest.raises(InvalidInput) as refused:
            services.save_calendar_day(election=cell.election, data=data, actor=cell.head)
        assert refused.value.problems[0].field == field
    with pytest.raises(InvalidInput) as refused:  # not a phase of this election
        services.save_calendar_day(
            election=cell.election,
            data=DayInput(date(2020, 10, 25), jobs.pk, phase_id=10**6),
            actor=cell.head,
        )
    assert refused.value.problems[0].field == "phase"
    # The whole election's day and a phase's day live side by side.
    services.save_calendar_day(
        election=cell.election, data=DayInput(date(2020, 10, 26), jobs.pk), actor=cell.head
    )
    assert CalendarDay.objects.filter(date=date(2020, 10, 26)).count() == 2


# What changed between versions (pure) ----------------------------------------------------------


def test_word_diff_keeps_runs_of_changed_words_together():
    assert word_diff("Roads that stay open.", "Roads stay open, always.") == [
        ("same", "Roads "),
        ("del", "that "),
        ("same", "stay "),
        ("del", "open."),
        ("ins", "open, always."),
    ]


def test_compare_lists_only_the_fields_that_changed():
    old = {
        "title_en": "Jobs",
        "title_hi": "",
        "summary_en": "",
        "summary_hi": "",
        "facts": [],
        "theme_id": 1,
    }
    new = {
        **old,
        "title_hi": "रोज़गार",
        "facts": [{"fact_en": "A", "source": "https://x.org"}],
        "theme_id": 2,
    }
    changes = compare(old, new, {1: "Work", 2: "Jobs and skills"})
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("title_hi", "", "रोज़गार"),
        ("facts", "", "A · https://x.org"),
        ("theme_id", "Work", "Jobs and skills"),
    ]
