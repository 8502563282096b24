from django.urls import path, re_path

from .views import api, home, not_found

urlpatterns = [
    path("", home, name="api-home"),  # before ninja's own root, which is an HTML 404 outside DEBUG
    path("", api.urls),
    # Any other path under /api/ answers JSON too, not Django's HTML page.
    re_path(r"^(?P<path>.*)$", not_found),
]
