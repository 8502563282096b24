from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("pilote.api.urls")),
    path("", include("pilote.shell.urls")),
    path("espace/plans/", include("pilote.plans.urls")),
    path("espace/campagnes/", include("pilote.campaigns.urls")),
    path("espace/budget/", include("pilote.budget.urls")),
    path("ciblage/", include("pilote.targeting.urls")),
    path("sites/", include("pilote.sites.urls")),
    path("", include("pilote.territories.urls")),
]
handler400 = "pilote.shell.views.bad_request"
