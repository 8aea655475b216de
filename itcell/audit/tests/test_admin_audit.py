"""Writes in Django's admin leave audit events, like the services' writes."""

import pytest

from itcell.audit.models import AuditEvent
from itcell.playbook.models import TalkingPoint

pytestmark = pytest.mark.django_db


def test_adding_changing_and_deleting_in_the_admin_is_audited(client, bihar, make_user):
    head = make_user("head", is_staff=True, is_superuser=True)
    client.force_login(head)
    response = client.post(
        "/admin/playbook/talkingpoint/add/",
        {"election": bihar.pk, "title_en": "Flood relief", "is_active": "on"},
    )
    assert response.status_code == 302
    point = TalkingPoint.objects.get()
    client.post(
        f"/admin/playbook/talkingpoint/{point.pk}/change/",
        {"election": bihar.pk, "title_en": "Flood relief reached all", "is_active": "on"},
    )
    client.post(f"/admin/playbook/talkingpoint/{point.pk}/delete/", {"post": "yes"})

    events = AuditEvent.objects.filter(object_type="playbook.talkingpoint").order_by("id")
    assert [e.action for e in events] == [
        "admin.playbook.talkingpoint.added",
        "admin.playbook.talkingpoint.changed",
        "admin.playbook.talkingpoint.deleted",
    ]
    assert events[1].after == {"title_en": "Flood relief reached all"}
    assert {e.actor_id for e in events} == {head.pk}
