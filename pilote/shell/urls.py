from django.urls import path

from . import proconnect, views

# The namespace stays "core": the URL names (core:login, core:espace…) are used by templates, tests and settings,
# and the pages did not change when their code moved from the kernel to the shell (ADR 0007).
app_name = "core"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("espace/", views.espace, name="espace"),
    path("espace/notifications/", views.notifications, name="notifications"),
    path("sante/", views.health, name="health"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("connexion/proconnect/", proconnect.ProConnectLoginView.as_view(), name="proconnect_login"),
    path("connexion/proconnect/retour/", proconnect.ProConnectCallbackView.as_view(), name="proconnect_callback"),
]
