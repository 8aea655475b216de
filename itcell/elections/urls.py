from django.urls import path

from itcell.elections import views

app_name = "elections"
urlpatterns = [
    path("", views.home, name="home"),
    path("e/<slug:slug>/", views.election, name="election"),
    path("e/<slug:slug>/acs/", views.constituencies, name="constituencies"),
    path("e/<slug:slug>/acs/<int:number>/", views.constituency, name="constituency"),
]
