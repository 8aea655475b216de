"""The API under property-based requests (schemathesis) against a live test server: for every
operation of the OpenAPI document, generated paths, queries and bodies (valid and not) never
get a server error, whatever the token may reach."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itcell.api.tests.conftest import EVERY_SCOPE

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 30  # per operation and token


def test_no_generated_request_gets_a_server_error(live_server, cell, make_token):  # type: ignore[no-untyped-def]
    cell.scheduled(in_minutes=60)  # a post and its delivery to find
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    tokens = {
        "head": make_token(rate_per_minute=10_000),
        "writer at Bahadurganj": make_token(
            user=cell.writer, desk=cell.desk, rate_per_minute=10_000
        ),
    }
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), who=st.sampled_from(sorted(tokens)))
        def run(case, who):  # type: ignore[no-untyped-def]
            response = case.call(
                base_url=live_server.url, headers={"Authorization": f"Bearer {tokens[who]}"}
            )
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r} as {who}: "
                    f"{response.status_code} {response.text[:300]}"
                )
            else:
                assert "error" in response.json() or response.status_code < 400

        run()
    assert not failures, "\n".join(failures[:20])
    assert EVERY_SCOPE
