"""The home page: what Lumbung is and where each kind of user starts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EntryPoint:
    role: str
    action: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Each role's first page.
ENTRY_POINTS = (
    EntryPoint(_("Buyers"), _("Browse village products"), "catalog:search"),
    EntryPoint(_("Sellers"), _("Open a shop"), "catalog:seller_shop_new"),
    EntryPoint(_("Service centre agents"), _("Open the centre console"), "centers:console"),
    EntryPoint(_("BUMDes managers"), _("Run the export desk"), "export:home"),
    EntryPoint(_("Foreign buyers"), _("Ask BUMDes for a quotation"), "export:rfq_new"),
)


def home(request):
    return render(
        request,
        "web/home.html",
        {"entry_points": ENTRY_POINTS, "is_demo": settings.LUMBUNG_ENV == "demo"},
    )


def media(request, path: str):
    """Uploaded photos outside production (a CDN or the proxy serves them there).

    Reads MEDIA_ROOT per request, so a changed setting (tests, a moved volume) is honoured.
    """
    from django.views.static import serve

    return serve(request, path, document_root=settings.MEDIA_ROOT)
