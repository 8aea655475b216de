from django.urls import path

from itcell.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("listen/<slug:slug>/", views.feed, name="feed"),
    path("listen/<slug:slug>/items/<int:item_id>/", views.item_page, name="item"),
    path(
        "listen/<slug:slug>/items/<int:item_id>/stance/",
        views.label_stance,
        name="label_stance",
    ),
    path("listen/<slug:slug>/matches/<int:match_id>/", views.decide_match, name="decide_match"),
    path("listen/<slug:slug>/alerts/", views.alerts, name="alerts"),
    path(
        "listen/<slug:slug>/alerts/<int:alert_id>/<str:verb>/",
        views.alert_act,
        name="alert_act",
    ),
    path("listen/<slug:slug>/narratives/", views.narratives, name="narratives"),
    path("listen/<slug:slug>/claims/", views.claims, name="claims"),
    path("listen/<slug:slug>/sources/", views.sources, name="sources"),
    path("listen/<slug:slug>/stance/", views.stance_queue, name="stance"),
    path("listen/<slug:slug>/stance/train/", views.train_stance, name="train_stance"),
    path("listen/<slug:slug>/tips/new/", views.tips, name="tips"),
    path(
        "listen/<slug:slug>/tips/<int:item_id>/screenshot/",
        views.tip_screenshot,
        name="tip_screenshot",
    ),
]
