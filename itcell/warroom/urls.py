from django.urls import path

from itcell.warroom import views

app_name = "warroom"
urlpatterns = [
    path("war/<slug:slug>/", views.war_map, name="map"),
    path("war/<slug:slug>/summary/", views.summary, name="summary"),
    path("war/<slug:slug>/outlines.geojson", views.outlines, name="outlines"),
    path("war/<slug:slug>/measures.json", views.seat_measures, name="measures"),
    path("war/<slug:slug>/ac/<int:number>/", views.panel, name="panel"),
    path("war/<slug:slug>/seats/", views.seats, name="seats"),
]
