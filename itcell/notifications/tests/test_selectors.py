import pytest

from itcell.notifications.models import Kind
from itcell.notifications.selectors import count_unread, list_inbox
from itcell.notifications.services import mark_read, notify


@pytest.mark.django_db
def test_count_and_list_see_only_the_members_items(member) -> None:  # type: ignore[no-untyped-def]
    asha, ravi = member("asha"), member("ravi")
    (one,) = notify(recipients=[asha], kind=Kind.ALERT, title="one")
    (two,) = notify(recipients=[asha], kind=Kind.ALERT, title="two")
    notify(recipients=[ravi], kind=Kind.ALERT, title="ravi's")
    mark_read(user=asha, notification_ids=[one.pk])

    assert count_unread(asha) == 1
    assert list(list_inbox(asha)) == [two, one]
    assert list(list_inbox(asha, unread_only=True)) == [two]
