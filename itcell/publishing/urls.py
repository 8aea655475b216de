from django.urls import path

from itcell.publishing import views

app_name = "publishing"
urlpatterns = [
    path("pub/<slug:slug>/posts/", views.posts_list, name="posts"),
    path("pub/<slug:slug>/posts/new/", views.compose, name="compose"),
    path("pub/<slug:slug>/posts/check/", views.check_draft, name="check"),
    path("pub/<slug:slug>/posts/from-template/", views.from_template, name="from_template"),
    path("pub/<slug:slug>/posts/<int:post_id>/", views.post_page, name="post"),
    path("pub/<slug:slug>/posts/<int:post_id>/edit/", views.edit, name="edit"),
    path("pub/<slug:slug>/posts/<int:post_id>/<str:verb>/", views.act, name="act"),
    path("pub/<slug:slug>/review/", views.review_queue, name="review"),
    path("pub/<slug:slug>/calendar/", views.calendar, name="calendar"),
    path("pub/<slug:slug>/calendar/import/", views.import_calendar, name="import_calendar"),
    path("pub/<slug:slug>/deliveries/", views.deliveries, name="deliveries"),
    path(
        "pub/<slug:slug>/deliveries/<int:delivery_id>/settle/",
        views.settle_delivery,
        name="settle",
    ),
    path("pub/<slug:slug>/pause/", views.pause, name="pause"),
    path("pub/<slug:slug>/channels/", views.channels, name="channels"),
    path("pub/<slug:slug>/media/", views.media_library, name="media"),
    path("pub/<slug:slug>/sharing/", views.my_tasks, name="tasks"),
    path("pub/<slug:slug>/sharing/<int:task_id>/", views.share, name="share"),
    path("pub/<slug:slug>/sandbox/", views.sandbox_feed, name="sandbox"),
]
