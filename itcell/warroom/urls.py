from django.urls import path

from itcell.warroom import report_views, views

app_name = "warroom"
urlpatterns = [
    path("war/<slug:slug>/", views.war_map, name="map"),
    path("war/<slug:slug>/summary/", views.summary, name="summary"),
    path("war/<slug:slug>/outlines.geojson", views.outlines, name="outlines"),
    path("war/<slug:slug>/measures.json", views.seat_measures, name="measures"),
    path("war/<slug:slug>/ac/<int:number>/", views.panel, name="panel"),
    path("war/<slug:slug>/seats/", views.seats, name="seats"),
    path("war/<slug:slug>/chart/", views.state_chart, name="chart"),
    path("war/<slug:slug>/district/<int:district_id>/", views.district, name="district"),
    path("war/<slug:slug>/ticker/", views.ticker, name="ticker"),
    path("war/<slug:slug>/report/", report_views.latest, name="report_latest"),
    path("war/<slug:slug>/report/<str:day>/", report_views.daily, name="report"),
    path(
        "war/<slug:slug>/report/<str:day>.pdf",
        report_views.daily,
        {"fmt": "pdf"},
        name="report_pdf",
    ),
    path(
        "war/<slug:slug>/report/<str:day>.csv",
        report_views.daily,
        {"fmt": "csv"},
        name="report_csv",
    ),
    path("war/<slug:slug>/report/<str:day>/kept/<str:name>", report_views.kept, name="report_kept"),
]
