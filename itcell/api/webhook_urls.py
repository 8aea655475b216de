"""The head's screens for webhook subscriptions and their delivery logs (included under
``integrations/<slug>/webhooks/`` in the ``api`` namespace)."""

from django.urls import path

from itcell.api import webhook_views as views

urlpatterns = [
    path("", views.subscriptions, name="webhooks"),
    path("<int:subscription_id>/", views.subscription, name="webhook"),
    path("<int:subscription_id>/active/", views.set_active, name="webhook_active"),
    path("<int:subscription_id>/ping/", views.ping, name="webhook_ping"),
    path(
        "<int:subscription_id>/deliveries/<int:delivery_id>/retry/",
        views.retry,
        name="webhook_retry",
    ),
]
