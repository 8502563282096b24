"""The site's URLs plus two views that fail, for tests/shell/test_error_pages.py."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler400  # noqa: F401  (the site's handlers apply under this URLconf too)
from config.urls import urlpatterns as site


def forbidden(request):
    raise PermissionDenied("internal reason")


def broken(request):
    raise RuntimeError("secret internals")


urlpatterns = [path("test-403/", forbidden), path("test-500/", broken), *site]
