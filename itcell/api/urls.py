"""The head's screens for API tokens and webhooks (``/integrations/``); the API itself is
mounted at ``/api/`` by ``config.urls``."""

from django.urls import include, path

from itcell.api import views

app_name = "api"

urlpatterns = [
    path("integrations/<slug:slug>/tokens/", views.tokens_page, name="tokens"),
    path("integrations/<slug:slug>/tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
    path("integrations/<slug:slug>/webhooks/", include("itcell.api.webhook_urls")),
]
