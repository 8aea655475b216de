"""The demo's publishing: sandbox channels for the party and the Bahadurganj desk, a WhatsApp
channel shared by hand, a two-step review at Bahadurganj (desk lead, then spokesperson), a
talking point, and a few posts in every part of their life — one published this morning
(with engagement on the sandbox feed), one scheduled, one waiting for review."""

from datetime import timedelta

from itcell.accounts.models import User
from itcell.core import clock
from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.organisation.roles import Role
from itcell.playbook.models import TalkingPoint
from itcell.publishing.models import (
    ApprovalPolicy,
    ApprovalStep,
    Channel,
    Post,
    PostingSlot,
)
from itcell.publishing.services import delivery
from itcell.publishing.services.posts import PostInput, create_post, submit_post
from itcell.publishing.services.review import approve_post

# (platform, handle, name, language, owner, desk: None = the state's, connector)
CHANNELS = [
    ("x", "@VIPBihar", "VIP Bihar", "hi", Channel.Owner.PARTY, None, "sandbox"),
    (
        "facebook",
        "VIP Bihar Official",
        "VIP Bihar (Facebook)",
        "hi",
        Channel.Owner.PARTY,
        None,
        "sandbox",
    ),
    (
        "bluesky",
        "@vip-bihar.bsky.social",
        "VIP Bihar (Bluesky)",
        "en",
        Channel.Owner.PARTY,
        None,
        "sandbox",
    ),
    ("x", "@VIP_Bahadurganj", "VIP Bahadurganj", "hi", Channel.Owner.DESK, 52, "sandbox"),
    (
        "whatsapp",
        "Bahadurganj WhatsApp groups",
        "Bahadurganj groups",
        "hi",
        Channel.Owner.DESK,
        52,
        "manual",
    ),
]


def build(*, election: Election) -> None:
    if Channel.objects.filter(election=election).exists():
        return
    bahadurganj = Desk.objects.get(election=election, kind=Desk.Kind.AC, acs__number=52)
    channels = []
    for platform, handle, name, language, owner, desk_ac, connector in CHANNELS:
        channel = Channel.objects.create(
            election=election,
            platform=platform,
            handle=handle,
            name=name,
            language=language,
            owner=owner,
            desk=bahadurganj if desk_ac else None,
            connector=connector,
        )
        channels.append(channel)
        for hour in (9, 13, 19):
            PostingSlot.objects.create(channel=channel, at=f"{hour:02d}:00")
    policy = ApprovalPolicy.objects.create(election=election, desk=bahadurganj)
    ApprovalStep.objects.create(policy=policy, position=1, role=Role.DESK_LEAD)
    ApprovalStep.objects.create(policy=policy, position=2, role=Role.SPOKESPERSON)
    point = TalkingPoint.objects.create(
        election=election,
        title_en="Relief reached every flooded village",
        title_hi="हर बाढ़ग्रस्त गाँव तक राहत पहुँची",
        summary_en="What the party's volunteers did in the 2020 floods, with district figures.",
        summary_hi="2020 की बाढ़ में पार्टी के कार्यकर्ताओं ने क्या किया, ज़िले के आँकड़ों के साथ।",
    )
    writer, lead, spokesperson = (
        User.objects.get(username=name)
        for name in ("writer.bahadurganj", "lead.bahadurganj", "spokesperson")
    )
    state_x, _facebook, _bluesky, desk_x, whatsapp = channels
    now = clock.now()

    def post(title: str, text_hi: str, text_en: str, to: list[Channel], **extra: object) -> Post:
        return create_post(
            desk=bahadurganj,
            author=writer,
            data=PostInput(
                title=title,
                text_hi=text_hi,
                text_en=text_en,
                variants={c.pk: "" for c in to},
                ac_numbers=frozenset({52}),
                talking_point_id=point.pk,
                **extra,  # type: ignore[arg-type]
            ),
        )

    # Published three hours ago: approved by both steps, delivered at its time.
    earlier = now - timedelta(hours=3)
    with clock.frozen(earlier):
        morning = post(
            "Relief camps open",
            "बहादुरगंज में बाढ़ राहत शिविर आज से खुले हैं। ज़रूरतमंद परिवार अपने पंचायत भवन पहुँचें। #बाढ़_राहत",
            "Flood relief camps in Bahadurganj open today. Families in need, please go to your"
            " panchayat bhawan. #FloodRelief",
            [desk_x, whatsapp],
            publish_at=earlier + timedelta(minutes=1),
        )
        submit_post(post=morning, author=writer)
        approve_post(post=morning, reviewer=lead)
        approve_post(post=morning, reviewer=spokesperson)
    with clock.frozen(earlier + timedelta(minutes=2)):
        for d in morning.deliveries.all():
            delivery.deliver(delivery_id=d.pk)
    # Scheduled for this evening's slot.
    evening = post(
        "Evening: health camp",
        "कल सुबह 9 बजे बहादुरगंज प्रखंड कार्यालय में निःशुल्क स्वास्थ्य शिविर।",
        "Free health camp tomorrow 9 am at the Bahadurganj block office.",
        [desk_x, state_x],
        publish_at=now + timedelta(hours=3),
    )
    submit_post(post=evening, author=writer)
    approve_post(post=evening, reviewer=lead)
    approve_post(post=evening, reviewer=spokesperson)
    # Waiting for review (step 1: the desk lead).
    waiting = post(
        "Youth volunteers meet",
        "रविवार को युवा स्वयंसेवकों की बैठक, पार्टी कार्यालय बहादुरगंज में।",
        "Youth volunteers meet on Sunday at the party office, Bahadurganj.",
        [desk_x],
    )
    submit_post(post=waiting, author=writer)
