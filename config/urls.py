from django.contrib import admin
from django.urls import include, path

from itcell.api.api import urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("itcell.accounts.urls")),
    path("notifications/", include("itcell.notifications.urls")),
    path("", include("itcell.core.urls")),
    path("", include("itcell.organisation.urls")),
    path("", include("itcell.publishing.urls")),
    path("", include("itcell.compliance.urls")),
    path("", include("itcell.monitoring.urls")),
    path("", include("itcell.warroom.urls")),
    path("", include("itcell.playbook.urls")),
    path("", include("itcell.playbook.training_urls")),
    path("", include("itcell.elections.urls")),
    path("", include("itcell.audit.urls")),
    path("", include("itcell.api.urls")),
    path("api/", urls()),
]
