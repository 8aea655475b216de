"""The API as another system uses it: tokens, the error envelope, limits, pages and filters,
and each area's endpoints."""

from datetime import datetime, timedelta

import pytest
from openapi_spec_validator import validate

from itcell.api.models import ApiToken
from itcell.api.tests.conftest import Api
from itcell.api.tokens import revoke_token
from itcell.audit.models import AuditEvent
from itcell.core import clock
from itcell.core.clock import IST
from itcell.publishing.models import Post
from itcell.publishing.workflow import PostState

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid_3_1_and_names_each_operations_scope(client):
    document = client.get("/api/openapi.json").json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) >= 19
    assert all(op["x-scope"] for op in operations)


def test_the_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


def test_no_token_an_unknown_one_a_revoked_one_and_an_expired_one_get_401(cell, make_token):
    assert Api("")
    raw = make_token()
    assert Api(raw).get("/election").status_code == 200
    for bad in ("", "itc_nope_nope", raw[:-1]):
        answer = Api(bad).get("/election")
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"
        assert answer["WWW-Authenticate"] == "Bearer"
    revoke_token(token=ApiToken.objects.get(), actor=cell.head)
    assert Api(raw).get("/election").status_code == 401
    soon = make_token(expires_at=clock.now() + timedelta(minutes=5))
    assert Api(soon).get("/election").status_code == 200
    clock.set_now(clock.now() + timedelta(minutes=6))
    assert Api(soon).get("/election").status_code == 401


def test_the_secret_is_kept_only_as_a_digest(cell, make_token):
    raw = make_token()
    token = ApiToken.objects.get()
    assert raw.startswith(f"itc_{token.prefix}_")
    assert raw not in str(ApiToken.objects.values().get())
    event = AuditEvent.objects.get(action="api.token_created")
    assert raw not in str(event.after)
    assert token.digest not in str(event.after)


def test_a_missing_scope_is_403_with_the_envelope(cell, api):
    answer = api(scopes=("posts:read",)).get("/alerts")
    assert answer.status_code == 403
    assert answer.json() == {
        "error": {
            "code": "insufficient_scope",
            "message": "This token does not have the scope alerts:read.",
        }
    }


def test_a_role_that_may_not_is_403_whatever_the_scopes(cell, api):
    answer = api(user=cell.writer).get("/alerts")  # a writer does not monitor
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


def test_the_rate_limit_answers_429_with_retry_after(cell, api):
    client = api(rate_per_minute=3)
    assert [client.get("/election").status_code for _ in range(4)] == [200, 200, 200, 429]
    answer = client.get("/election")
    assert answer.json()["error"]["code"] == "rate_limited"
    assert 0 < int(answer["Retry-After"]) <= 60


def test_bad_query_parameters_are_422_naming_the_field(cell, api):
    answer = api().get("/acs", limit=0)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert error["details"][0]["field"].endswith("limit")


def test_pages_say_where_the_next_starts_and_filters_narrow(cell, api):
    client = api()
    first = client.get("/acs", limit=100).json()
    assert [a["number"] for a in first["items"]][:3] == [1, 2, 3]
    assert first["next_offset"] == 100
    last = client.get("/acs", limit=100, offset=200).json()
    assert len(last["items"]) == 43
    assert last["next_offset"] is None
    found = client.get("/acs", q="बहादुरगंज").json()["items"]
    assert [a["number"] for a in found] == [52]
    ac = client.get("/acs/52").json()
    assert ac["name_en"] == "Bahadurganj"
    assert ac["district"] == "Kishanganj"


def test_a_draft_is_written_checked_and_sent_for_review_as_the_member(cell, api):
    client = api(user=cell.writer, scopes=("posts:write", "posts:read"))
    body = {
        "desk": cell.desk.pk,
        "title": "Camps open",
        "text_hi": "राहत शिविर खुले हैं।",
        "channels": [cell.channel.pk],
        "acs": [52],
    }
    created = client.post("/posts", body)
    assert created.status_code == 201, created.json()
    post = created.json()
    assert post["state"] == PostState.DRAFT
    assert post["author"] == cell.writer.username
    event = AuditEvent.objects.filter(action="post.created").last()
    assert event.actor == cell.writer
    assert event.source_address == "127.0.0.1"

    sent = client.post(f"/posts/{post['id']}/submit")
    assert sent.status_code == 200
    assert sent.json()["post"]["state"] == PostState.IN_REVIEW
    again = client.post(f"/posts/{post['id']}/submit")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "refused"


def test_a_bad_draft_names_every_field_and_saves_nothing(cell, api):
    client = api(user=cell.writer)
    answer = client.post(
        "/posts", {"desk": cell.desk.pk, "title": " ", "channels": [cell.channel.pk], "acs": [1]}
    )
    assert answer.status_code == 422
    fields = {d["field"] for d in answer.json()["error"]["details"]}
    assert {"title", "text_hi", "acs"} <= fields
    assert not Post.objects.exists()


def test_a_desk_outside_the_token_is_not_found(cell, api):
    kishanganj_writer = api(user=cell.writer)
    from itcell.organisation.tests.factories import desk as desk_at

    other = desk_at(cell.election, 54)
    answer = kishanganj_writer.post(
        "/posts", {"desk": other.pk, "title": "x", "text_hi": "x", "channels": [cell.channel.pk]}
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_pushed_items_are_stored_once_tagged_and_audited(cell, api):
    client = api(user=cell.head, scopes=("monitoring:write", "monitoring:read"))
    item = {
        "external_id": "cc-1",
        "text": "बहादुरगंज में बाढ़ राहत शिविर पर सवाल",
        "published_at": "2020-10-20T10:00:00",
        "platform": "callcentre",
    }
    assert client.post("/monitoring/items", {"items": [item, item]}).json() == {
        "new": 1,
        "duplicates": 1,
    }
    assert client.post("/monitoring/items", {"items": [item]}).json()["duplicates"] == 1
    found = client.get("/monitoring/items", ac=52).json()["items"]
    assert [i["external_id"] for i in found] == ["cc-1"]
    assert found[0]["published_at"].startswith("2020-10-20T04:30:00")  # IST when no zone
    assert AuditEvent.objects.filter(action="monitoring.items_pushed").count() == 2


def test_the_compliance_check_evaluates_a_described_post(cell, api):
    clock.set_now(datetime(2020, 10, 20, 9, 0, tzinfo=IST))  # the Model Code in force
    answer = api().post(
        "/compliance/check",
        {"text": "Vote!", "is_paid": True, "scheduled_at": "2020-10-20T10:00:00+05:30"},
    )
    assert answer.status_code == 200, answer.json()
    assert "R-ADV-1" in {f["rule"] for f in answer.json()["findings"]}
    bad = api().post("/compliance/check", {"colour": "blue"})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "colour"


def test_the_daily_report_is_the_states_for_the_head_and_not_found_for_a_district_analyst(
    cell, api
):
    report = api().get("/reports/daily", date="2020-10-20").json()
    assert report["day"] == "2020-10-20"
    assert "publishing" in report
    analyst = api(user=cell.analyst, scopes=("reports:read",))
    assert analyst.get("/reports/daily", date="2020-10-20").status_code == 404
    assert analyst.get("/reports/daily", date="2020-10-20", district="Araria").status_code == 404


def test_on_duty_names_the_desk_that_answers(cell, api):
    answer = api().get("/on-duty", ac=52, at="2020-10-20T10:00:00")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["ac"] == 52
    assert answer.json()["level"] in {"ac", "district", "hq"}


def test_the_demo_token_is_made_once_reads_and_cannot_write(cell):
    from itcell.api import demo

    secret = demo.build(election=cell.election)
    assert secret is not None
    assert demo.build(election=cell.election) is None
    client = Api(secret)
    assert client.get("/election").status_code == 200
    answer = client.post("/posts", {"desk": cell.desk.pk, "title": "x", "channels": [1]})
    assert answer.json()["error"]["code"] == "insufficient_scope"


def test_the_rate_is_counted_in_a_shared_redis_cache(cell, make_token, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
        }
    }
    from django.core.cache import cache

    cache.clear()
    raw = make_token(rate_per_minute=2)
    first, second = Api(raw), Api(raw)  # two callers, as two web processes would be
    assert first.get("/election").status_code == 200
    assert second.get("/election").status_code == 200
    assert first.get("/election").status_code == 429
    cache.clear()


def test_nul_characters_are_refused_before_they_reach_postgresql(cell, api):
    client = api()
    item = {"external_id": "x\u0000", "text": "t", "published_at": "2020-10-20T10:00:00"}
    answer = client.post("/monitoring/items", {"items": [item]})
    assert answer.status_code == 422
    assert "NUL" in answer.json()["error"]["message"]
    assert client.get("/acs", q="a\x00").status_code == 422
