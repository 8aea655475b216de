"""The demo's playbook for the Vikassheel Insaan Party (VIP, in the NDA) in Bihar: four themes
(jobs and skills, fishing families and the river economy, floods, roads and power), eight
talking points with their facts and sources, do's and don'ts, approved hashtags, words to
avoid, the paid-promotion disclaimer, three templates, two weeks of the messaging calendar,
and one change from the Bahadurganj writer waiting for the spokesperson's review.

Everything goes through the services, so the audit trail and the versions are as in use.
Idempotent: an election that has themes is left as it is.
"""

from datetime import timedelta

from itcell.accounts.models import User
from itcell.core import clock
from itcell.elections.models import Election
from itcell.playbook import services
from itcell.playbook.models import Guidance, Theme
from itcell.playbook.services import (
    DayInput,
    Fact,
    GuidanceInput,
    PointInput,
    TemplateInput,
    ThemeInput,
)

G = Guidance.Kind

PIB = "https://pib.gov.in/PressReleasePage.aspx?PRID=1652913"
PLFS = "https://mospi.gov.in/web/mospi/reports-publications/periodic-labour-force-survey-plfs"

# (title_en, title_hi, summary_en, summary_hi)
THEMES = [
    (
        "Jobs and skills at home",
        "घर के पास रोज़गार और हुनर",
        "Work for Bihar's young people in Bihar, so no one has to leave home to earn.",
        "बिहार के युवाओं को बिहार में काम, ताकि कमाने के लिए किसी को घर न छोड़ना पड़े।",
    ),
    (
        "Fishing families and the river economy",
        "मछुआरा परिवार और नदी की अर्थव्यवस्था",
        "Ponds, rivers and markets that pay the families who fish them.",
        "तालाब, नदियाँ और बाज़ार जो मछली पालने वाले परिवारों को सही दाम दें।",
    ),
    (
        "Floods: relief and protection",
        "बाढ़: राहत और सुरक्षा",
        "Relief that reaches every village, and embankments repaired before the monsoon.",
        "हर गाँव तक पहुँचने वाली राहत, और बरसात से पहले तटबंधों की मरम्मत।",
    ),
    (
        "Roads, bridges and power for every village",
        "हर गाँव तक सड़क, पुल और बिजली",
        "All-weather roads and reliable electricity, village by village.",
        "हर मौसम में चलने लायक सड़कें और भरोसेमंद बिजली, गाँव-गाँव तक।",
    ),
]

# theme index → [(title_en, title_hi, summary_en, summary_hi, [(fact_en, fact_hi, source)])]
POINTS: dict[int, list[tuple[str, str, str, str, list[tuple[str, str, str]]]]] = {
    0: [
        (
            "Jobs at home, not migration",
            "पलायन नहीं, घर के पास रोज़गार",
            "Lakhs of Bihar's workers came home in the 2020 lockdown; the party's plan is work "
            "near home in food processing, fisheries and construction.",
            "2020 के लॉकडाउन में बिहार के लाखों मज़दूर घर लौटे; पार्टी की योजना है खाद्य "
            "प्रसंस्करण, मत्स्य पालन और निर्माण में घर के पास काम।",
            [
                (
                    "Youth unemployment in Bihar is above the national average (PLFS 2018-19).",
                    "बिहार में युवा बेरोज़गारी राष्ट्रीय औसत से अधिक है (पीएलएफ़एस 2018-19)।",
                    PLFS,
                ),
            ],
        ),
        (
            "Skills training in every block",
            "हर प्रखंड में हुनर का प्रशिक्षण",
            "Short courses in every block that lead to jobs, with the training centre's "
            "results published.",
            "हर प्रखंड में छोटे कोर्स जो नौकरी तक ले जाएँ, और प्रशिक्षण केंद्र के नतीजे सार्वजनिक हों।",
            [
                (
                    "The Kushal Yuva Programme trains young people in computers and communication.",
                    "कुशल युवा कार्यक्रम युवाओं को कंप्यूटर और संवाद का प्रशिक्षण देता है।",
                    "https://www.skillmissionbihar.org/",
                ),
            ],
        ),
    ],
    1: [
        (
            "A fair deal for fishing families",
            "मछुआरा परिवारों के साथ न्याय",
            "Fishing rights on ponds for the societies of fishing families, insurance for "
            "boats and nets, and credit cards for fish farmers.",
            "तालाबों पर मछुआरा समितियों का अधिकार, नाव और जाल का बीमा, और मछली पालकों के "
            "लिए क्रेडिट कार्ड।",
            [
                (
                    "The PM Matsya Sampada Yojana was launched in September 2020 with projects "
                    "in Bihar.",
                    "प्रधानमंत्री मत्स्य संपदा योजना सितंबर 2020 में बिहार की परियोजनाओं के साथ शुरू हुई।",
                    PIB,
                ),
            ],
        ),
        (
            "Cold chains and fish markets",
            "कोल्ड चेन और मछली बाज़ार",
            "Bihar still buys fish from other states; cold storage and markets near the ponds "
            "keep that money in Bihar.",
            "बिहार आज भी दूसरे राज्यों से मछली ख़रीदता है; तालाबों के पास कोल्ड स्टोरेज और "
            "बाज़ार से यह पैसा बिहार में रहेगा।",
            [
                (
                    "Fish production and demand by state are published by the Department of "
                    "Fisheries.",
                    "राज्यवार मछली उत्पादन और माँग के आँकड़े मत्स्य विभाग प्रकाशित करता है।",
                    "https://dof.gov.in/",
                ),
            ],
        ),
    ],
    2: [
        (
            "Embankments repaired before the monsoon",
            "बरसात से पहले तटबंधों की मरम्मत",
            "Every embankment inspected and repaired by May, with the list public.",
            "हर तटबंध की जाँच और मरम्मत मई तक, और सूची सार्वजनिक।",
            [
                (
                    "The 2020 floods affected 16 districts of Bihar.",
                    "2020 की बाढ़ से बिहार के 16 ज़िले प्रभावित हुए।",
                    "http://disastermgmt.bih.nic.in/",
                ),
            ],
        ),
        (
            "Relief camps that stay open as long as needed",
            "जब तक ज़रूरत हो, तब तक राहत शिविर",
            "Community kitchens, clean water and health camps in every flooded panchayat.",
            "हर बाढ़ प्रभावित पंचायत में सामुदायिक रसोई, साफ़ पानी और स्वास्थ्य शिविर।",
            [
                (
                    "Daily flood reports list the camps and community kitchens by district.",
                    "दैनिक बाढ़ रिपोर्ट में ज़िलेवार शिविर और सामुदायिक रसोई दर्ज हैं।",
                    "http://disastermgmt.bih.nic.in/",
                ),
            ],
        ),
    ],
    3: [
        (
            "Every village on an all-weather road",
            "हर गाँव हर मौसम वाली सड़क से जुड़े",
            "Roads that stay open through the rains, and bridges where the river cuts villages "
            "off.",
            "ऐसी सड़कें जो बरसात में भी खुली रहें, और पुल जहाँ नदी गाँवों को काट देती है।",
            [
                (
                    "Progress of rural roads is public on the PMGSY dashboard.",
                    "ग्रामीण सड़कों की प्रगति पीएमजीएसवाई डैशबोर्ड पर सार्वजनिक है।",
                    "https://pmgsy.nic.in/",
                ),
            ],
        ),
        (
            "Power at every home, now reliable power",
            "हर घर बिजली, अब भरोसेमंद बिजली",
            "Homes are connected; the next step is power through the evening and fair bills.",
            "घर जुड़ चुके हैं; अगला क़दम है शाम भर बिजली और सही बिल।",
            [
                (
                    "Bihar reported every willing household electrified under Saubhagya.",
                    "सौभाग्य योजना में बिहार ने हर इच्छुक घर के विद्युतीकरण की सूचना दी।",
                    "https://saubhagya.gov.in/",
                ),
            ],
        ),
    ],
}

# (kind, text_en, text_hi, reason_en, reason_hi, applies)
GUIDANCE = [
    (G.DO, "Give the source of every figure", "हर आँकड़े का स्रोत दें", "", "", "always"),
    (
        G.DO,
        "Reply politely, with facts",
        "विनम्रता से, तथ्यों के साथ जवाब दें",
        "",
        "",
        "always",
    ),
    (
        G.DO,
        "Write in Hindi first; English for the state handles",
        "पहले हिन्दी में लिखें; राज्य के हैंडल के लिए अंग्रेज़ी भी",
        "",
        "",
        "always",
    ),
    (
        G.DONT,
        "Don't comment on anyone's caste, religion or community",
        "किसी की जाति, धर्म या समुदाय पर टिप्पणी न करें",
        "The Model Code of Conduct forbids appeals on these lines.",
        "आदर्श आचार संहिता इसकी मनाही करती है।",
        "always",
    ),
    (
        G.DONT,
        "Don't share unverified videos or forwards",
        "बिना जाँचे वीडियो या फ़ॉरवर्ड साझा न करें",
        "",
        "",
        "always",
    ),
    (
        G.DONT,
        "Don't post anyone's phone number or address",
        "किसी का फ़ोन नंबर या पता पोस्ट न करें",
        "",
        "",
        "always",
    ),
    (
        G.AVOID,
        "traitor",
        "ग़द्दार",
        "A personal attack; the Model Code of Conduct forbids them.",
        "व्यक्तिगत हमला; आदर्श आचार संहिता इसकी मनाही करती है।",
        "always",
    ),
    (
        G.AVOID,
        "guaranteed win",
        "पक्की जीत",
        "Claims about the result read as predictions; speak of the work instead.",
        "नतीजे के दावे भविष्यवाणी लगते हैं; काम की बात करें।",
        "always",
    ),
    (
        G.AVOID,
        "100% jobs",
        "100% रोज़गार",
        "A promise no one can check; give the plan and its figures.",
        "ऐसा वादा जिसे जाँचा न जा सके; योजना और आँकड़े दें।",
        "always",
    ),
    (G.HASHTAG, "#VIPBihar", "#वीआईपी_बिहार", "", "", "always"),
    (G.HASHTAG, "#FloodRelief", "#बाढ़_राहत", "", "", "always"),
    (G.HASHTAG, "#BiharJobs", "#बिहार_रोज़गार", "", "", "always"),
    (
        G.DISCLAIMER,
        "Paid promotion by Vikassheel Insaan Party",
        "विकासशील इंसान पार्टी द्वारा प्रायोजित",
        "Paid posts say who paid for them.",
        "प्रायोजित पोस्ट में बताया जाए कि किसने भुगतान किया।",
        "paid",
    ),
]

# (name, point title_en or "", text_hi, text_en)
TEMPLATES = [
    (
        "Meet the candidate",
        "Jobs at home, not migration",
        "{ac} ({district}) से हमारे गठबंधन के उम्मीदवार {candidate} से मिलिए। {date} को "
        "जनसंवाद में आइए। #वीआईपी_बिहार",
        "Meet {candidate}, our alliance's candidate for {ac} ({district}). Join the public "
        "meeting on {date}. #VIPBihar",
    ),
    (
        "Flood relief camps open",
        "Relief camps that stay open as long as needed",
        "{district} ज़िले के {ac} में राहत शिविर खुले हैं। ज़रूरतमंद परिवार नज़दीकी पंचायत भवन पहुँचें। #बाढ़_राहत",
        "Relief camps are open in {ac}, {district} district. Families in need, please go to "
        "your nearest panchayat bhawan. #FloodRelief",
    ),
    (
        "Poll day reminder",
        "",
        "{ac} में मतदान {poll_date} को है। अपना वोट ज़रूर डालें। #वीआईपी_बिहार",
        "{ac} votes on {poll_date}. Please go and vote. #VIPBihar",
    ),
]


def build(*, election: Election) -> None:
    if Theme.objects.filter(election=election).exists():
        return
    head, spokesperson, writer = (
        User.objects.get(username=name) for name in ("head", "spokesperson", "writer.bahadurganj")
    )
    themes = [
        services.save_theme(
            election=election,
            data=ThemeInput(title_en, title_hi, summary_en, summary_hi, order=n),
            actor=head,
        )
        for n, (title_en, title_hi, summary_en, summary_hi) in enumerate(THEMES)
    ]
    points = {}
    for index, rows in POINTS.items():
        for title_en, title_hi, summary_en, summary_hi, facts in rows:
            revision = services.propose_revision(
                election=election,
                author=spokesperson,
                data=PointInput(
                    title_en=title_en,
                    title_hi=title_hi,
                    summary_en=summary_en,
                    summary_hi=summary_hi,
                    theme_id=themes[index].pk,
                    facts=tuple(Fact(*fact) for fact in facts),
                ),
            )
            points[title_en] = services.approve_revision(revision=revision, reviewer=head)
    # A second version, so the point's page shows what changed.
    camps = points["Relief camps that stay open as long as needed"]
    second = services.propose_revision(
        election=election,
        author=writer,
        point=camps,
        note="Health camps were the first thing families asked for in Bahadurganj.",
        data=PointInput(
            title_en=camps.title_en,
            title_hi=camps.title_hi,
            summary_en="Community kitchens, clean water, health camps and fodder for cattle in "
            "every flooded panchayat.",
            summary_hi="हर बाढ़ प्रभावित पंचायत में सामुदायिक रसोई, साफ़ पानी, स्वास्थ्य शिविर "
            "और मवेशियों के लिए चारा।",
            theme_id=camps.theme_id,
            facts=tuple(Fact(**fact) for fact in camps.facts),
        ),
    )
    services.approve_revision(revision=second, reviewer=spokesperson)
    # Waiting for the spokesperson: the Bahadurganj writer adds a fact.
    fishing = points["A fair deal for fishing families"]
    services.propose_revision(
        election=election,
        author=writer,
        point=fishing,
        note="Families in Bahadurganj ask about the Kisan Credit Card for fish farmers.",
        data=PointInput(
            title_en=fishing.title_en,
            title_hi=fishing.title_hi,
            summary_en=fishing.summary_en,
            summary_hi=fishing.summary_hi,
            theme_id=fishing.theme_id,
            facts=(
                *(Fact(**fact) for fact in fishing.facts),
                Fact(
                    "Fish farmers can get a Kisan Credit Card since 2018-19.",
                    "मछली पालक 2018-19 से किसान क्रेडिट कार्ड ले सकते हैं।",
                    "https://dof.gov.in/",
                ),
            ),
        ),
    )
    for kind, text_en, text_hi, reason_en, reason_hi, applies in GUIDANCE:
        services.save_guidance(
            election=election,
            data=GuidanceInput(kind, text_en, text_hi, reason_en, reason_hi, applies),
            actor=head,
        )
    for name, point_title, text_hi, text_en in TEMPLATES:
        point = points.get(point_title)
        services.save_template(
            election=election,
            data=TemplateInput(
                name=name,
                text_hi=text_hi,
                text_en=text_en,
                talking_point_id=point.pk if point else None,
            ),
            actor=head,
        )
    _calendar(election, themes, head)


def _calendar(election: Election, themes: list[Theme], actor: User, days: int = 14) -> None:
    today, last = clock.today_ist(), services.last_campaign_day(election)
    for n in range(days):
        day = today + timedelta(days=n)
        if day > last:
            break
        services.save_calendar_day(
            election=election,
            data=DayInput(date=day, theme_id=themes[n % len(themes)].pk),
            actor=actor,
        )
    # The last days before each phase votes: its constituencies hear about roads and power.
    for phase in election.phases.all():
        day = phase.poll_date - timedelta(days=3)
        if today <= day < today + timedelta(days=days):
            services.save_calendar_day(
                election=election,
                data=DayInput(
                    date=day,
                    theme_id=themes[3].pk,
                    phase_id=phase.pk,
                    note_en="The last campaign days before this phase votes.",
                    note_hi="इस चरण के मतदान से पहले प्रचार के आख़िरी दिन।",
                ),
                actor=actor,
            )
