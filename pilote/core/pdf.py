"""The one way to answer with a PDF: a template rendered to HTML, then laid out by WeasyPrint.

PDF templates extend `components/_pdf_base.html` (A4, its own print style, inline SVG maps: no script runs in a PDF).
WeasyPrint fetches nothing: the style is inline and images are inline SVG, so a PDF can neither leak a request to
another host nor wait on one (`_refuse`)."""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per layout step otherwise


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"PDF rendering fetches nothing ({url[:80]})")


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # imported when first used: it takes a second, which no other page should wait for

    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=_refuse, base_url="/").write_pdf()


def pdf_response(template: str, context: dict, *, filename: str, request=None) -> HttpResponse:
    """The PDF, shown in the browser (inline) under `filename` when saved."""
    response = HttpResponse(render_pdf(template, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
