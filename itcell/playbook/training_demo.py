"""The demo's training: three modules (two core), an upcoming workshop at the party office in
Patna with the Bahadurganj and Kishanganj desks invited, a held workshop with attendance, and
passed checks for every demo member except writer.bahadurganj, who meets the gate: she drafts,
but takes the core modules before sending a post for review."""

from datetime import datetime, time, timedelta

from itcell.accounts.models import User
from itcell.core import clock
from itcell.core.clock import IST
from itcell.elections.models import Election
from itcell.organisation.models import Desk
from itcell.playbook.models import Module, Workshop
from itcell.playbook.training import (
    ChoiceInput,
    ModuleInput,
    QuestionInput,
    WorkshopInput,
    create_module,
    create_workshop,
    invite,
    mark_attendance,
    set_core_modules,
    take_check,
)

#: The member who has not been trained yet (the gate is shown with her).
UNTRAINED = "writer.bahadurganj"

# (English, Hindi) of each answer; the first answer listed is the correct one, then shuffled
# by ``_question`` so the right answer is not always first.
Q = tuple[str, str, list[tuple[str, str]]]

MODULES: list[tuple[str, str, str, str, bool, list[Q]]] = [
    (
        "The party's message",
        "पार्टी का संदेश",
        "What the party stands for in this election, in three lines: relief that reached every "
        "flooded village, jobs for the young, and respect for the boatmen and fishing "
        "communities.\n\nEvery post starts from an approved talking point in the playbook. "
        "Say it in your own words, with the facts and sources the playbook gives.",
        "इस चुनाव में पार्टी किस बात के लिए खड़ी है, तीन पंक्तियों में: हर बाढ़ग्रस्त गाँव तक "
        "पहुँची राहत, युवाओं के लिए रोज़गार, और मल्लाह व मछुआरा समुदायों का सम्मान।\n\nहर पोस्ट "
        "प्लेबुक के किसी स्वीकृत बिंदु से शुरू होती है। अपने शब्दों में कहें, प्लेबुक के तथ्यों "
        "और स्रोतों के साथ।",
        True,
        [
            (
                "Where does every post start?",
                "हर पोस्ट कहाँ से शुरू होती है?",
                [
                    ("An approved talking point", "एक स्वीकृत बिंदु से"),
                    ("A trending hashtag", "किसी ट्रेंडिंग हैशटैग से"),
                    ("An opponent's post", "विरोधी की पोस्ट से"),
                ],
            ),
            (
                "A figure in a post needs…",
                "पोस्ट में दिए आँकड़े के लिए चाहिए…",
                [
                    ("A source from the playbook", "प्लेबुक से एक स्रोत"),
                    ("Nothing, if it sounds right", "कुछ नहीं, अगर सही लगे"),
                    ("A large font", "बड़ा फ़ॉन्ट"),
                ],
            ),
            (
                "Who approves a post before it is published?",
                "प्रकाशन से पहले पोस्ट को कौन स्वीकृत करता है?",
                [
                    ("Someone other than its writer", "लेखक के अलावा कोई और"),
                    ("Its writer", "उसका लेखक"),
                    ("Nobody", "कोई नहीं"),
                ],
            ),
        ],
    ),
    (
        "Election rules for posts: MCC, silence period, MCMC",
        "पोस्ट के लिए चुनाव नियम: आदर्श आचार संहिता, मौन अवधि, एमसीएमसी",
        "The Model Code of Conduct applies from the announcement to the results. In the 48 "
        "hours before the poll closes in a constituency (the silence period) no campaign "
        "material about it is published. Paid promotion needs the MCMC's certificate before "
        "it runs. Exit polls are not shared while voting goes on.",
        "आदर्श आचार संहिता घोषणा से परिणाम तक लागू रहती है। किसी क्षेत्र में मतदान समाप्त होने से "
        "पहले के 48 घंटों (मौन अवधि) में उसके बारे में कोई प्रचार सामग्री प्रकाशित नहीं होती। "
        "सशुल्क प्रचार चलाने से पहले एमसीएमसी का प्रमाणपत्र चाहिए। मतदान के दौरान एग्ज़िट पोल "
        "साझा नहीं किए जाते।",
        True,
        [
            (
                "How long is the silence period before the poll closes?",
                "मतदान समाप्ति से पहले मौन अवधि कितनी लंबी होती है?",
                [("48 hours", "48 घंटे"), ("24 hours", "24 घंटे"), ("12 hours", "12 घंटे")],
            ),
            (
                "A boosted (paid) post needs…",
                "बूस्ट की गई (सशुल्क) पोस्ट के लिए चाहिए…",
                [
                    ("The MCMC's certificate first", "पहले एमसीएमसी का प्रमाणपत्र"),
                    ("Only the desk lead's approval", "केवल डेस्क प्रमुख की स्वीकृति"),
                    ("Nothing extra", "कुछ अतिरिक्त नहीं"),
                ],
            ),
            (
                "May we share an exit poll while voting goes on?",
                "क्या मतदान के दौरान एग्ज़िट पोल साझा कर सकते हैं?",
                [("No", "नहीं"), ("Yes", "हाँ"), ("Only on WhatsApp", "केवल व्हाट्सऐप पर")],
            ),
            (
                "When does the Model Code of Conduct apply?",
                "आदर्श आचार संहिता कब लागू होती है?",
                [
                    ("From the announcement to the results", "घोषणा से परिणाम तक"),
                    ("Only on polling day", "केवल मतदान के दिन"),
                    ("Only to candidates", "केवल उम्मीदवारों पर"),
                ],
            ),
        ],
    ),
    (
        "Handling misinformation and the tipline",
        "ग़लत सूचना और टिपलाइन",
        "When you see a false claim about the party or a candidate, do not repeat it. Forward "
        "it to the tipline with its link; the monitoring desk checks it and, if needed, the "
        "playbook gets an answer with sources.",
        "पार्टी या उम्मीदवार के बारे में कोई झूठा दावा दिखे तो उसे दोहराएँ नहीं। उसे लिंक के साथ "
        "टिपलाइन पर भेजें; निगरानी डेस्क उसकी जाँच करती है और ज़रूरत हो तो प्लेबुक में स्रोतों के "
        "साथ जवाब जुड़ता है।",
        False,
        [
            (
                "You see a false claim about our candidate. First…",
                "हमारे उम्मीदवार के बारे में झूठा दावा दिखे। पहले…",
                [
                    ("Forward it to the tipline", "उसे टिपलाइन पर भेजें"),
                    ("Share it to mock it", "मज़ाक उड़ाने के लिए साझा करें"),
                    ("Reply with insults", "अपशब्दों से जवाब दें"),
                ],
            ),
            (
                "The answer to a false claim comes with…",
                "झूठे दावे का जवाब किसके साथ आता है?",
                [("Sources", "स्रोतों के साथ"), ("Rumours", "अफ़वाहों के साथ")],
            ),
            (
                "Who checks what reaches the tipline?",
                "टिपलाइन पर आई सूचना की जाँच कौन करता है?",
                [
                    ("The monitoring desk", "निगरानी डेस्क"),
                    ("Whoever sent it", "भेजने वाला"),
                    ("Nobody", "कोई नहीं"),
                ],
            ),
        ],
    ),
]


def _question(n: int, text_en: str, text_hi: str, answers: list[tuple[str, str]]) -> QuestionInput:
    choices = [ChoiceInput(en, hi, is_correct=i == 0) for i, (en, hi) in enumerate(answers)]
    shift = n % len(choices)  # the right answer moves: not always the first
    return QuestionInput(text_en, text_hi, tuple(choices[shift:] + choices[:shift]))


def _pass(module: Module, member: User) -> None:
    answers = {
        q.pk: next(c.pk for c in q.choices.all() if c.is_correct)
        for q in module.questions.prefetch_related("choices")
    }
    take_check(module=module, member=member, answers=answers)


def build(*, election: Election) -> None:
    if Module.objects.filter(election=election).exists():
        return
    head = User.objects.get(username="head")
    trainer = User.objects.get(username="trainer")
    modules = []
    for order, (title_en, title_hi, content_en, content_hi, _core, questions) in enumerate(MODULES):
        modules.append(
            create_module(
                election=election,
                data=ModuleInput(
                    title_en=title_en,
                    title_hi=title_hi,
                    content_en=content_en,
                    content_hi=content_hi,
                    pass_mark=70,
                    order=order,
                    questions=tuple(_question(n, *q) for n, q in enumerate(questions)),
                ),
                actor=trainer,
            )
        )
    set_core_modules(
        election=election,
        module_ids=[m.pk for m, spec in zip(modules, MODULES, strict=True) if spec[4]],
        actor=head,
    )
    desks = Desk.objects.filter(election=election, memberships__isnull=False).distinct()
    members = User.objects.filter(
        memberships__desk__election=election, memberships__is_active=True
    ).distinct()
    for member in members:
        if member.username != UNTRAINED:
            for module in modules[:2]:
                _pass(module, member)
    today = clock.now().astimezone(IST).date()
    held = create_workshop(
        election=election,
        data=WorkshopInput(
            title="Orientation: the message and the rules",
            starts_at=datetime.combine(today - timedelta(days=3), time(11), tzinfo=IST),
            ends_at=datetime.combine(today - timedelta(days=3), time(13), tzinfo=IST),
            trainer=trainer,
            place="Party office, Patna",
            module_ids=tuple(m.pk for m in modules[:2]),
            status=Workshop.Status.HELD,
        ),
        actor=trainer,
    )
    invite(workshop=held, actor=trainer, desks=desks)
    mark_attendance(
        workshop=held,
        attended={m.pk: m.username != UNTRAINED for m in members},
        actor=trainer,
    )
    upcoming = create_workshop(
        election=election,
        data=WorkshopInput(
            title="Handling misinformation",
            starts_at=datetime.combine(today + timedelta(days=1), time(11), tzinfo=IST),
            ends_at=datetime.combine(today + timedelta(days=1), time(12, 30), tzinfo=IST),
            trainer=trainer,
            place="Party office, Patna",
            online_url="https://meet.example.org/vip-bihar-training",
            module_ids=(modules[2].pk,),
        ),
        actor=trainer,
    )
    invite(
        workshop=upcoming,
        actor=trainer,
        desks=desks.filter(kind__in=[Desk.Kind.AC, Desk.Kind.DISTRICT]),
    )
