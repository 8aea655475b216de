from django.urls import path

from itcell.playbook import views

app_name = "playbook"
urlpatterns = [
    path("playbook/<slug:slug>/", views.overview, name="overview"),
]
