"""The training screens: modules and their checks, workshops, the trainer's view."""

from django.http import HttpResponse
from django.shortcuts import render

from itcell.organisation.access import SignedInRequest, asker_for


def my_training(request: SignedInRequest, slug: str) -> HttpResponse:
    asker = asker_for(request, slug)
    return render(request, "playbook/training.html", {"election": asker.election})
