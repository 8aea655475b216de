"""Faults at the edges of publishing, each ending in a stated state with words a person
understands (the campaign that needs processes, a database server and Redis is
``bench/faults.py``; see docs/reliability.md).

A full disk on upload: the storage refuses the file with ENOSPC. The page answers with the
form, the person's words still in it, and a message on the file field; nothing is saved
(no library entry, no audit event, no file)."""

import errno
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from itcell.audit.models import AuditEvent
from itcell.publishing.models import DistributionTask, MediaAsset
from itcell.publishing.tests.factories import Cell
from itcell.publishing.tests.test_library import png_bytes

pytestmark = pytest.mark.django_db

FULL_DISK = "The disk on the server is full, so the file was not saved."


@pytest.fixture
def full_disk(settings, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """Every file the default storage writes fails as a full disk fails."""
    settings.MEDIA_ROOT = tmp_path

    def no_space(self: FileSystemStorage, name: str, content: Any) -> str:
        raise OSError(errno.ENOSPC, "No space left on device", name)

    monkeypatch.setattr(FileSystemStorage, "_save", no_space)
    return tmp_path


def upload_form(cell: Cell, title: str) -> dict[str, object]:
    return {
        "file": SimpleUploadedFile("camp.png", png_bytes(), content_type="image/png"),
        "kind": "image",
        "title": title,
        "alt_text": "Volunteers handing out rice at the camp",
        "source": "Desk photographer",
        "desk": cell.desk.pk,
    }


def test_full_disk_on_media_upload_keeps_the_words_and_says_what_happened(
    client: Client, cell: Cell, full_disk: Path
) -> None:
    client.force_login(cell.writer)
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("publishing:media", args=[cell.election.slug]),
        upload_form(cell, "Relief camp, Bahadurganj"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    field = html.split('name="file"')[1].split('<div class="field">')[0]
    assert FULL_DISK in field
    assert 'value="Relief camp, Bahadurganj"' in html
    assert "Volunteers handing out rice at the camp" in html
    assert MediaAsset.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert list(full_disk.rglob("*")) == []


def test_full_disk_message_is_translated(client: Client, cell: Cell, full_disk: Path) -> None:
    client.force_login(cell.writer)

    with translation.override("hi"):
        response = client.post(
            reverse("publishing:media", args=[cell.election.slug]),
            upload_form(cell, "राहत शिविर"),
            HTTP_ACCEPT_LANGUAGE="hi",
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert FULL_DISK not in html
    assert 'value="राहत शिविर"' in html


def test_full_disk_on_a_shared_screenshot_leaves_the_task_open_and_says_so(
    client: Client, cell: Cell, full_disk: Path
) -> None:
    delivery = cell.scheduled().deliveries.get()
    task = DistributionTask.objects.create(delivery=delivery, volunteer=cell.writer, desk=cell.desk)
    client.force_login(cell.writer)

    response = client.post(
        reverse("publishing:share", args=[cell.election.slug, task.pk]),
        {"screenshot": SimpleUploadedFile("shared.png", png_bytes(), content_type="image/png")},
        follow=True,
    )

    assert response.status_code == 200
    assert FULL_DISK in response.content.decode()
    task.refresh_from_db()
    assert (task.state, task.shared_at, task.screenshot.name) == (
        DistributionTask.State.OPEN,
        None,
        "",
    )
    assert list(full_disk.rglob("*")) == []
