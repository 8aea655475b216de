from django.urls import path

from itcell.playbook import training_views as views

app_name = "training"
urlpatterns = [
    path("training/<slug:slug>/", views.my_training, name="mine"),
    path("training/<slug:slug>/modules/<int:module_id>/", views.module_page, name="module"),
    path("training/<slug:slug>/trainer/", views.trainer_board, name="board"),
    path("training/<slug:slug>/trainer/remind/", views.remind, name="remind"),
    path("training/<slug:slug>/manage/modules/", views.modules, name="modules"),
    path("training/<slug:slug>/manage/modules/new/", views.edit_module, name="new_module"),
    path(
        "training/<slug:slug>/manage/modules/<int:module_id>/",
        views.edit_module,
        name="edit_module",
    ),
    path("training/<slug:slug>/manage/core/", views.set_core, name="set_core"),
    path("training/<slug:slug>/workshops/", views.workshops, name="workshops"),
    path("training/<slug:slug>/workshops/new/", views.edit_workshop, name="new_workshop"),
    path("training/<slug:slug>/workshops/<int:workshop_id>/", views.workshop_page, name="workshop"),
    path(
        "training/<slug:slug>/workshops/<int:workshop_id>/edit/",
        views.edit_workshop,
        name="edit_workshop",
    ),
]
