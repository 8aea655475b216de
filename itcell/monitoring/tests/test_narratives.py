"""Narratives: near-duplicates grouped after ingest, across runs and across workers (the
in-memory index is caught up from the database), shown biggest first and as a feed filter."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from itcell.core import clock
from itcell.monitoring.models import Item
from itcell.monitoring.narratives import forget_indexes, group_narratives
from itcell.monitoring.selectors import list_narratives
from itcell.monitoring.services import create_source, ingest
from itcell.monitoring.sources import Batch, RawItem
from itcell.publishing.tests.factories import Cell

NOW = datetime(2020, 10, 20, 6, 40, tzinfo=UTC)
FORWARD = (
    "बहादुरगंज पुल का एप्रोच रोड पिछले साल ही बना था और पहली बारिश में बह गया। "
    "ज़िम्मेदार कौन है? सब लोग शेयर करें"
)
COPIES = [
    FORWARD,
    "Forwarded: " + FORWARD + " 🙏🙏",
    FORWARD.replace("सब लोग शेयर करें", "सब शेयर करो") + " https://example.org/x",
]
OTHER = "पटना में आज मौसम साफ़ रहा, शाम को हल्की बारिश की संभावना है"


@pytest.fixture(autouse=True)
def fresh():  # type: ignore[no-untyped-def]
    clock.set_now(NOW)
    forget_indexes()
    yield
    forget_indexes()


def feed(cell: Cell, texts: list[str], start: int = 0) -> None:
    source = create_source(election=cell.election, name=f"Stream {start}", backend="locmem")
    items = [
        RawItem(external_id=str(start + i), text=t, published_at=NOW - timedelta(minutes=30 - i))
        for i, t in enumerate(texts)
    ]
    ingest(source=source, batch=Batch(items=items, cursor=None))


def narrative_of(text: str) -> int | None:
    return Item.objects.filter(text=text).values_list("narrative", flat=True).first()


def test_copies_form_one_narrative_and_other_texts_their_own(cell: Cell) -> None:
    feed(cell, [*COPIES, OTHER])
    assert group_narratives(election=cell.election) == 4
    first = Item.objects.get(text=FORWARD)
    assert {narrative_of(t) for t in COPIES} == {first.pk}
    assert narrative_of(OTHER) != first.pk
    assert group_narratives(election=cell.election) == 0  # nothing left to group
    [story] = list_narratives(election=cell.election, since=NOW - timedelta(hours=24))
    assert (story.first, story.items) == (first, 3)


def test_a_later_copy_joins_the_narrative_even_in_another_worker(cell: Cell) -> None:
    feed(cell, [COPIES[0]])
    group_narratives(election=cell.election)
    forget_indexes()  # another worker: its index is rebuilt from the stored signatures
    feed(cell, [COPIES[1]], start=100)
    group_narratives(election=cell.election)
    assert narrative_of(COPIES[1]) == narrative_of(COPIES[0])


def test_the_feed_shows_one_narrative_and_the_screen_lists_it(client, cell: Cell) -> None:
    feed(cell, [*COPIES, OTHER])
    group_narratives(election=cell.election)
    first = Item.objects.get(text=FORWARD)
    client.force_login(cell.head)
    page = client.get(reverse("monitoring:narratives", args=["bihar-2020"])).content.decode()
    assert f'id="narrative-{first.pk}"' in page
    assert "3 items" in page
    only = client.get(
        reverse("monitoring:feed", args=["bihar-2020"]) + f"?narrative={first.pk}"
    ).content.decode()
    assert OTHER not in only
    assert only.count('<li id="item-') == 3
