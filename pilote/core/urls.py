from django.urls import path

from . import proconnect, views

app_name = "core"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("espace/", views.espace, name="espace"),
    path("sante/", views.health, name="health"),
    path("connexion/proconnect/", proconnect.ProConnectLoginView.as_view(), name="proconnect_login"),
    path("connexion/proconnect/retour/", proconnect.ProConnectCallbackView.as_view(), name="proconnect_callback"),
]
