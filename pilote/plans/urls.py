from django.urls import re_path

from . import views

app_name = "plans"
TERRITORY = r"^(?P<phase>\d{4}-\d{4})/(?P<code>ti-\d{4})/"
urlpatterns = [
    re_path(rf"{TERRITORY}$", views.plan, name="plan"),
    re_path(rf"{TERRITORY}fiches/nouvelle/$", views.fiche_edit, name="fiche_create"),
    re_path(rf"{TERRITORY}fiches/(?P<pk>\d+)/$", views.fiche_detail, name="fiche"),
    re_path(rf"{TERRITORY}fiches/(?P<pk>\d+)/modifier/$", views.fiche_edit, name="fiche_edit"),
    re_path(rf"{TERRITORY}fiches/(?P<pk>\d+)/pieces/$", views.fiche_attachment_add, name="fiche_attachment_add"),
    re_path(
        rf"{TERRITORY}fiches/(?P<pk>\d+)/pieces/(?P<attachment>\d+)/$", views.fiche_attachment, name="fiche_attachment"
    ),
    re_path(
        rf"{TERRITORY}fiches/(?P<pk>\d+)/pieces/(?P<attachment>\d+)/retirer/$",
        views.fiche_attachment_remove,
        name="fiche_attachment_remove",
    ),
    re_path(rf"{TERRITORY}export\.xlsx$", views.export_xlsx, name="export_xlsx"),
    re_path(rf"{TERRITORY}export\.csv$", views.export_csv, name="export_csv"),
    re_path(rf"{TERRITORY}import/$", views.plan_import, name="import"),
    re_path(rf"{TERRITORY}gouvernance/$", views.governance, name="governance"),
    re_path(rf"{TERRITORY}gouvernance/modifier/$", views.governance_edit, name="governance_edit"),
    re_path(rf"{TERRITORY}gouvernance/chef-de-projet/$", views.project_lead_edit, name="project_lead"),
    re_path(rf"{TERRITORY}gouvernance/chef-de-projet/nouveau/$", views.project_lead_change, name="project_lead_change"),
]
