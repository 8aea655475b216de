from django.urls import path

from itcell.organisation import views

app_name = "organisation"
urlpatterns = [
    path("org/<slug:slug>/desks/", views.desk_board, name="desks"),
    path("org/<slug:slug>/desks/<int:desk_id>/", views.desk_page, name="desk"),
    path("org/<slug:slug>/desks/<int:desk_id>/roster/", views.roster, name="roster"),
    path(
        "org/<slug:slug>/desks/<int:desk_id>/roster/template/",
        views.roster_template,
        name="roster_template",
    ),
    path("org/<slug:slug>/desks/<int:desk_id>/handover/", views.handover, name="handover"),
    path(
        "org/<slug:slug>/desks/<int:desk_id>/handovers/<int:handover_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("org/<slug:slug>/desks/<int:desk_id>/invite/", views.invite, name="invite"),
    path(
        "org/<slug:slug>/districts/<int:district_id>/roster/",
        views.district_roster,
        name="district_roster",
    ),
    path("org/<slug:slug>/coverage/", views.coverage_gaps, name="coverage"),
    path("org/<slug:slug>/me/shifts/", views.my_shifts, name="my_shifts"),
    path("org/<slug:slug>/me/shifts/<int:shift_id>/check-in/", views.check_in, name="check_in"),
    path("org/<slug:slug>/me/shifts/<int:shift_id>/check-out/", views.check_out, name="check_out"),
    path("org/<slug:slug>/members/import/", views.import_members, name="import_members"),
    path("org/<slug:slug>/on-duty/", views.on_duty, name="on_duty"),
    path("join/<str:token>/", views.join, name="join"),
]
