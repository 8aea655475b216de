"""The compliance screens and the JSON check over HTTP, and ``itcell compliance check``: who
may see and do what, what each shows, in English and Hindi; bad input named, nothing kept.
The clock stands at 27 October 2020, 10:00 IST: phase 1 silent, Bahadurganj (AC 52, phase 3)
still campaigning."""

import contextlib
import csv
import io
import json
import re
import zlib
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from itcell.audit.models import AuditEvent
from itcell.compliance.dossier import as_html
from itcell.compliance.models import Override, Spend, Takedown
from itcell.compliance.selectors import get_dossier
from itcell.core import clock
from itcell.core.clock import IST
from itcell.organisation.roles import Role
from itcell.organisation.tests.factories import person
from itcell.publishing.models import Post
from itcell.publishing.tests.factories import Cell

pytestmark = pytest.mark.django_db

SLUG = "bihar-2020"
T0 = datetime(2020, 10, 27, 10, 0, tzinfo=IST)
#: Appeals for votes on grounds of caste: the lexicon holds it for a person (R-MCC-4).
CASTE_APPEAL = "Apni jaati ke naam par vote do, apne samaj ka neta chuno."
PAGES = ["overview", "ledger", "certificates", "takedowns"]


@pytest.fixture(autouse=True)
def now():  # type: ignore[no-untyped-def]
    with clock.frozen(T0):
        yield T0


def url(name: str, *args: object) -> str:
    return reverse(f"compliance:{name}", args=[SLUG, *args])


@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("page", PAGES)
def test_every_member_sees_the_pages_in_their_language(client, cell: Cell, page, language):
    client.force_login(cell.writer)
    response = client.get(url(page), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_the_overview_shows_silence_windows_in_ist(client, cell: Cell):
    client.force_login(cell.writer)
    text = client.get(url("overview")).content.decode()
    assert "26 Oct 2020, 18:00 IST" in text  # phase 1 fell silent
    assert "71 constituencies are in their silence period now" in text


def test_the_post_page_lists_findings_and_the_spokesperson_overrides_a_hold(client, cell: Cell):
    post = cell.draft(text_hi="", text_en=CASTE_APPEAL)
    client.force_login(cell.lead)
    page = client.get(reverse("publishing:post", args=[SLUG, post.pk])).content.decode()
    assert 'data-rule="R-MCC-4"' in page
    assert "Let it pass" not in page  # a desk lead may not override

    refused = client.post(url("override", post.pk), {"rule": "R-MCC-4", "justification": "x"})
    assert refused.status_code == 404
    assert not Override.objects.exists()

    client.force_login(cell.spokesperson)
    page = client.get(reverse("publishing:post", args=[SLUG, post.pk])).content.decode()
    assert "Let it pass" in page
    empty = client.post(url("override", post.pk), {"rule": "R-MCC-4", "justification": " "})
    assert empty.status_code == 302
    assert not Override.objects.exists()
    client.post(url("override", post.pk), {"rule": "R-MCC-4", "justification": "News report."})
    override = Override.objects.get()
    assert (override.rule, override.version, override.by) == ("R-MCC-4", 1, cell.spokesperson)
    assert AuditEvent.objects.filter(action="compliance.overridden").count() == 1


def test_the_live_check_screens_the_draft_and_keeps_nothing(client, cell: Cell):
    client.force_login(cell.writer)
    form = {
        "desk": cell.desk.pk,
        "title": "Poll-eve appeal",
        "text_hi": "बहादुरगंज: कल वोट करें",
        "channels": [cell.channel.pk],
        "acs": [cell.desk.acs.get().pk],
        "publish_at": "2020-11-06T10:00",
    }
    before = (Post.objects.count(), AuditEvent.objects.count())
    answer = client.post(reverse("publishing:check", args=[SLUG]), form).content.decode()
    assert 'data-rule="R-SIL-2"' in answer
    assert "section 126" in answer
    assert (Post.objects.count(), AuditEvent.objects.count()) == before

    hindi = client.post(
        reverse("publishing:check", args=[SLUG]), form, HTTP_ACCEPT_LANGUAGE="hi"
    ).content.decode()
    assert "धारा 126" in hindi


def test_the_live_check_is_for_writers_only(client, cell: Cell):
    analyst = person("analyst", cell.desk, Role.ANALYST)
    client.force_login(analyst)
    assert client.post(reverse("publishing:check", args=[SLUG]), {}).status_code == 404


def test_the_json_check_names_bad_fields_and_answers_findings(client, cell: Cell):
    client.force_login(cell.writer)
    bad = client.post(
        url("check_json"),
        data=json.dumps({"text": 5, "target_acs": ["52"], "colour": "red"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert {p["field"] for p in bad.json()["problems"]} == {"text", "target_acs", "colour"}

    good = client.post(
        url("check_json"),
        data=json.dumps({"text": "Vote!", "target_acs": [52], "scheduled_at": "2020-11-06T10:00"}),
        content_type="application/json",
    )
    (finding,) = [f for f in good.json()["findings"] if f["rule"] == "R-SIL-2"]
    assert finding["severity"] == "block"
    assert "section 126" in finding["message"]["en"]
    assert finding["until"] == "2020-11-07T18:00:00+05:30"


def test_the_command_prints_findings_as_json(tmp_path, cell: Cell):
    path = tmp_path / "post.json"
    path.write_text(json.dumps({"text": "Vote!", "target_acs": [52], "is_paid": True}))
    out = io.StringIO()
    call_command(
        "compliance", "check", str(path), "--election", SLUG, "--at", "2020-11-06T10:00", stdout=out
    )
    rules = {f["rule"] for f in json.loads(out.getvalue())["findings"]}
    assert {"R-SIL-2", "R-ADV-1"} <= rules

    path.write_text("{not json")
    with pytest.raises(CommandError, match="line 1"):
        call_command("compliance", "check", str(path), "--election", SLUG)


def test_booking_a_spend_over_the_ceiling_is_refused_and_keeps_the_form(client, cell: Cell):
    candidate = cell.election.candidacies.filter(ac__number=52).first()
    cell.election.own_party = candidate.party
    cell.election.save()
    client.force_login(cell.lead)
    form = {
        "candidacy": candidate.pk,
        "on": "2020-10-26",
        "vendor": "Agency",
        "amount_inr": 3_100_000,
        "category": "content",
        "mode": "transfer",
    }
    response = client.post(url("ledger"), form)
    assert response.status_code == 200
    assert "R-EXP-2" in response.content.decode()
    assert 'value="Agency"' in response.content.decode()
    assert not Spend.objects.exists()

    client.force_login(cell.writer)  # may not keep the ledger
    form["amount_inr"] = 1000
    assert client.post(url("ledger"), form).status_code == 404
    assert not Spend.objects.exists()


def test_the_dossier_lists_a_constituencys_posts_for_auditors_only(client, cell: Cell):
    post = cell.approved()
    client.force_login(cell.writer)
    assert client.get(url("dossier") + "?ac=52").status_code == 404
    client.force_login(cell.head)
    response = client.get(url("dossier") + "?ac=52")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["post", "title"]
    assert [r[0] for r in rows[1:] if r and r[0].isdigit()] == [str(post.pk)]
    assert "Approved" in rows[1][7] or "approve" in rows[1][7].lower()


def embedded_fonts(pdf: bytes) -> set[str]:
    """The fonts a PDF embeds (WeasyPrint names them in compressed object streams)."""
    names = set()
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            body = zlib.decompress(stream.group(1))
            names |= {
                n.decode().split("+")[-1] for n in re.findall(rb"/BaseFont\s*/([^/\s<>]+)", body)
            }
    return names


def test_the_dossier_prints_as_a_pdf_with_its_fonts_in_either_language(client, cell: Cell):
    post = cell.approved()
    client.force_login(cell.head)
    response = client.get(url("dossier_pdf") + "?ac=52")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-ac-52.pdf"')
    assert response.content.startswith(b"%PDF-")
    # The bundled fonts are embedded, so Hindi prints the same whatever fonts the server has.
    fonts = embedded_fonts(response.content)
    assert "Noto-Sans" in fonts
    assert any(f.startswith("Noto-Sans-Devanagari") for f in fonts)  # ₹ is drawn from it

    found = get_dossier(election=cell.election, ac_number=52)
    with translation.override("hi"):
        html = as_html(get_dossier(election=cell.election, ac_number=52), election=cell.election)
    assert "अनुपालन" in html  # the title, in Hindi
    assert post.title in as_html(found, election=cell.election)
    client.force_login(cell.writer)
    assert client.get(url("dossier_pdf") + "?ac=52").status_code == 404


def test_a_takedown_notice_starts_the_clock_from_the_screen(client, cell: Cell, queue):
    post = cell.scheduled(in_minutes=1)
    from itcell.publishing.services.delivery import deliver

    with clock.frozen(T0.replace(minute=2)):
        for d in post.deliveries.all():
            deliver(delivery_id=d.pk)
    published = post.deliveries.get()
    client.force_login(cell.lead)
    client.post(
        url("takedowns"),
        {
            "open": "1",
            "delivery": published.pk,
            "source": "eci",
            "reason": "Notice 12/2020",
            "noticed_at": "2020-10-27T09:30",
        },
    )
    incident = Takedown.objects.get()
    assert incident.due_at == datetime(2020, 10, 27, 12, 30, tzinfo=IST)
    page = client.get(url("takedowns")).content.decode()
    assert "27 Oct 2020, 12:30 IST" in page


def test_the_admin_refuses_a_print_job_without_imprint_and_keeps_the_form(admin_client, cell):
    form = {
        "election": cell.election.pk,
        "title": "Pamphlet",
        "printer": "",
        "publisher": "",
        "witnesses": 0,
        "copies": 5000,
    }
    response = admin_client.post("/admin/compliance/printjob/add/", form)
    text = response.content.decode()
    assert response.status_code == 200
    assert "R-IMP-1" in text
    assert "R-IMP-2" in text
    assert 'value="Pamphlet"' in text

    form |= {
        "printer": "Ganga Press, Patna",
        "publisher": "VIP Bihar, Patna",
        "declaration_on_file": "on",
        "witnesses": 2,
    }
    assert admin_client.post("/admin/compliance/printjob/add/", form).status_code == 302


def test_the_rule_book_is_edited_in_the_admin_and_read_by_the_rules(admin_client, cell):
    from itcell.compliance.models import RuleBook
    from itcell.compliance.selectors import get_book

    RuleBook.objects.create(election=cell.election, covid_rules=True, cash_limit_inr=5000)
    book = get_book(election=cell.election)
    assert book.covid_rules
    assert book.cash_limit_inr == 5000
    assert book.ceiling_on(datetime(2020, 10, 19).date()) == 3_080_000
    assert admin_client.get("/admin/compliance/rulebook/").status_code == 200
