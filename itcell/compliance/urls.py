from django.urls import path

from itcell.compliance import views

app_name = "compliance"
urlpatterns = [
    path("rules/<slug:slug>/", views.overview, name="overview"),
    path("rules/<slug:slug>/check.json", views.check_json, name="check_json"),
    path("rules/<slug:slug>/posts/<int:post_id>/override/", views.override, name="override"),
    path("rules/<slug:slug>/ledger/", views.ledger, name="ledger"),
    path("rules/<slug:slug>/certificates/", views.certificates, name="certificates"),
    path("rules/<slug:slug>/takedowns/", views.takedowns, name="takedowns"),
    path("rules/<slug:slug>/dossier.csv", views.dossier, {"fmt": "csv"}, name="dossier"),
    path("rules/<slug:slug>/dossier.pdf", views.dossier, {"fmt": "pdf"}, name="dossier_pdf"),
]
