from django.urls import path

from itcell.playbook import training_views

app_name = "training"
urlpatterns = [
    path("training/<slug:slug>/", training_views.my_training, name="mine"),
]
