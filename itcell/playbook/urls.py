from django.urls import path

from itcell.playbook import views

app_name = "playbook"
urlpatterns = [
    path("playbook/<slug:slug>/", views.overview, name="overview"),
    path("playbook/<slug:slug>/points/new/", views.propose, name="propose_new"),
    path("playbook/<slug:slug>/points/<int:point_id>/", views.point_page, name="point"),
    path("playbook/<slug:slug>/points/<int:point_id>/propose/", views.propose, name="propose"),
    path(
        "playbook/<slug:slug>/points/<int:point_id>/versions/<int:version>/",
        views.version_page,
        name="version",
    ),
    path("playbook/<slug:slug>/review/", views.review_queue, name="review"),
    path(
        "playbook/<slug:slug>/revisions/<int:revision_id>/<str:verb>/",
        views.decide,
        name="decide",
    ),
    path("playbook/<slug:slug>/themes/new/", views.theme_form, name="theme_new"),
    path("playbook/<slug:slug>/themes/<int:theme_id>/", views.theme_form, name="theme"),
    path("playbook/<slug:slug>/guidance/new/", views.guidance_form, name="guidance_new"),
    path("playbook/<slug:slug>/guidance/<int:guidance_id>/", views.guidance_form, name="guidance"),
    path("playbook/<slug:slug>/templates/new/", views.template_form, name="template_new"),
    path("playbook/<slug:slug>/templates/preview/", views.template_preview, name="preview"),
    path("playbook/<slug:slug>/templates/<int:template_id>/", views.template_form, name="template"),
    path("playbook/<slug:slug>/calendar/new/", views.day_form, name="day_new"),
    path("playbook/<slug:slug>/calendar/<int:day_id>/", views.day_form, name="day"),
    path("playbook/<slug:slug>/<str:kind>/<int:thing_id>/delete/", views.delete, name="delete"),
]
