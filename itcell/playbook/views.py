"""The playbook's screens: themes and talking points, guidance, templates, the calendar."""

from django.http import HttpResponse
from django.shortcuts import render

from itcell.organisation.access import SignedInRequest, asker_for


def overview(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    return render(request, "playbook/overview.html", {"election": asker.election})
