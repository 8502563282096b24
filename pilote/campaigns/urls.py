from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("nouvelle/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_dashboard, name="dashboard"),
    path("<int:pk>/dossiers.csv", views.campaign_export_csv, name="export_csv"),
    path("<int:pk>/dossiers.xlsx", views.campaign_export_xlsx, name="export_xlsx"),
    path("dossiers/<int:pk>/", views.file_detail, name="file"),
    path("dossiers/<int:pk>/historique/", views.file_history, name="file_history"),
    path("dossiers/<int:pk>/perimetre/", views.file_perimeter, name="file_perimeter"),
    path("dossiers/<int:pk>/perimetre/lieux.json", views.file_perimeter_places, name="file_perimeter_places"),
    path("dossiers/<int:pk>/perimetre/communes.geojson", views.file_perimeter_communes, name="file_perimeter_communes"),
    path("dossiers/<int:pk>/perimetre.geojson", views.file_perimeter_geojson, name="file_perimeter_geojson"),
    path("dossiers/<int:pk>/rouvrir/", views.file_reopen, name="file_reopen"),
    path("dossiers/<int:pk>/avis/demander/", views.opinion_ask, name="opinion_ask"),
    path("dossiers/<int:pk>/deposer/", views.file_submit, name="file_submit"),
    path("dossiers/<int:pk>/messages/", views.file_message, name="file_message"),
    path("dossiers/<int:pk>/pieces/", views.file_attachment_add, name="file_attachment_add"),
    path("dossiers/<int:pk>/pieces/<int:attachment>/", views.file_attachment, name="file_attachment"),
    path(
        "dossiers/<int:pk>/pieces/<int:attachment>/retirer/",
        views.file_attachment_remove,
        name="file_attachment_remove",
    ),
    path("dossiers/<int:pk>/recepisse.pdf", views.file_receipt_pdf, name="file_receipt_pdf"),
    path("dossiers/<int:pk>/version-validee.pdf", views.file_record_pdf, name="file_record_pdf"),
    path("dossiers/<int:pk>/valider/", views.file_validate, name="file_validate"),
    path("dossiers/<int:pk>/renvoyer/", views.file_send_back, name="file_send_back"),
    path("dossiers/<int:pk>/<slug:name>/", views.file_transition, name="file_transition"),
    path("avis/<int:pk>/", views.opinion_give, name="opinion_give"),
    path("avis/<int:pk>/prolonger/", views.opinion_extend, name="opinion_extend"),
]
