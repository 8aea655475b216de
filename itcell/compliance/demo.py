"""The demo's compliance: each election's rule book (the 2020 COVID rules on), and at
Bahadurganj (AC 52) a post scheduled into the constituency's silence window and a boosted
post without an MCMC certificate — both stopped, each with the rule's message — a boosted
post with its certificate, the candidate's ledger near the 80 % warning, and a takedown
notice on this morning's post with its 3-hour clock running."""

from datetime import timedelta

from itcell.accounts.models import User
from itcell.compliance import services
from itcell.compliance.models import RuleBook, Spend
from itcell.core import clock
from itcell.elections.models import Candidacy, Election
from itcell.elections.selectors import get_calendar
from itcell.organisation.models import Desk
from itcell.publishing.models import Channel, Delivery, Post
from itcell.publishing.services.posts import PostInput, create_post, submit_post


def build(*, election: Election) -> None:
    for each in (election, election.exercise_of):
        if each is not None:
            RuleBook.objects.get_or_create(election=each, defaults={"covid_rules": True})
    if Spend.objects.filter(election=election).exists():
        return
    desk = Desk.objects.get(election=election, kind=Desk.Kind.AC, acs__number=52)
    writer, head = (User.objects.get(username=n) for n in ("writer.bahadurganj", "head"))
    desk_x = Channel.objects.get(election=election, handle="@VIP_Bahadurganj")
    silence = get_calendar(election=election).silence_window(52)

    def draft(title: str, text_hi: str, text_en: str, **extra: object) -> Post:
        return create_post(
            desk=desk,
            author=writer,
            data=PostInput(
                title=title,
                text_hi=text_hi,
                text_en=text_en,
                variants={desk_x.pk: ""},
                ac_numbers=frozenset({52}),
                **extra,  # type: ignore[arg-type]
            ),
        )

    draft(
        "Poll-eve appeal (inside the silence period)",
        "कल मतदान है: बहादुरगंज, वीआईपी को वोट दें!",
        "Polling tomorrow: Bahadurganj, vote VIP!",
        publish_at=silence.start + timedelta(hours=6),
    )
    draft(
        "Boosted: flood relief video (no certificate)",
        "बाढ़ राहत में हमारे कार्यकर्ताओं का काम — देखें और साझा करें।",
        "Our volunteers' flood relief work — watch and share.",
        publish_at=clock.now() + timedelta(days=1),
        paid_promotion=True,
    )
    release = clock.now() + timedelta(days=4)
    certified = draft(
        "Boosted: health camp (certified)",
        "बहादुरगंज में निःशुल्क स्वास्थ्य शिविर, रविवार सुबह 9 बजे।",
        "Free health camp in Bahadurganj, Sunday 9 am.",
        publish_at=release,
        paid_promotion=True,
    )
    candidate = Candidacy.objects.filter(
        election=election, ac__number=52, party=election.own_party_id
    ).first()
    application, _findings = services.apply_for_certificate(
        post=certified,
        data=services.ApplicationInput(
            applicant="candidate" if candidate else "party",
            candidacy=candidate,
            intended_release_at=release,
            production_cost_inr=15_000,
            placement_cost_inr=40_000,
            outlets="Facebook, X",
        ),
        actor=head,
    )
    services.record_certificate(
        application=application,
        number="MCMC/KNJ/2026/0117",
        issued_at=clock.now(),
        actor=head,
    )
    submit_post(post=Post.objects.get(pk=certified.pk), author=writer)
    if candidate is not None:
        _ledger(election, candidate, head, certified)
    morning = Delivery.objects.filter(
        post__election=election, state=Delivery.State.PUBLISHED, channel=desk_x
    ).first()
    if morning is not None:
        services.open_takedown(
            delivery=morning,
            source="platform",
            reason="Reported as misleading: the relief figures are disputed.",
            noticed_at=clock.now() - timedelta(minutes=50),
            misinformation=False,
            actor=head,
        )


def _ledger(election: Election, candidate: Candidacy, actor: User, post: Post) -> None:
    today = clock.today_ist()
    entries = [
        (today - timedelta(days=9), "Patna Print House", 1_100_000, "content", "transfer", ""),
        (today - timedelta(days=6), "Field team (pro-rated pay)", 900_000, "staff", "transfer", ""),
        (today - timedelta(days=2), "Meta Platforms", 600_000, "ads", "card", "MCMC/KNJ/2026/0117"),
    ]  # fmt: skip
    for on, vendor, amount, category, mode, certificate in entries:
        services.book_spend(
            election=election,
            data=services.SpendInput(
                on=on,
                vendor=vendor,
                amount_inr=amount,
                category=category,
                mode=mode,
                candidacy=candidate,
                post=post if category == "ads" else None,
                certificate=certificate,
            ),
            actor=actor,
        )
