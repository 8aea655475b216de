from django.urls import path

from itcell.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/<slug:slug>/", views.events, name="events"),
    path("audit/<slug:slug>/verify/", views.verify, name="verify"),
    path("audit/<slug:slug>/export.<str:fmt>", views.export, name="export"),
]
