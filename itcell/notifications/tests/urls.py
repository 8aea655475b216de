"""The site's URLs with the inbox mounted where config/urls.py will mount it."""

from django.urls import include, path

from config.urls import urlpatterns as site

urlpatterns = [path("notifications/", include("itcell.notifications.urls")), *site]
