"""The head's screens for webhook subscriptions and their delivery logs."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
