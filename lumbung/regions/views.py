"""Pages: browse the areas (provinces → … → villages), the village picker, and its htmx fragment.

Everything works without JavaScript; htmx only swaps the next select's options in place.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lumbung.regions import selectors
from lumbung.regions.forms import SLOTS, VillagePickForm
from lumbung.regions.models import Country


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Provinces of Indonesia and China, with a picker that leads to a village's page."""
    form = VillagePickForm(request.GET or None)
    if form.is_valid():
        return redirect("regions:area", code=form.cleaned_data["village"].code)
    context = {
        "form": form,
        "indonesia": selectors.area_children(country=Country.INDONESIA),
        "china": selectors.area_children(country=Country.CHINA),
    }
    return render(request, "regions/index.html", context)


@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = selectors.area_find(code=code)
    if area is None:
        raise Http404
    context = {
        "area": area,
        "ancestors": selectors.area_ancestors(area=area),
        "children": selectors.area_children(parent=area),
        "postal_codes": selectors.postal_codes_of(area),
        "now": timezone.now(),
    }
    return render(request, "regions/area.html", context)


@require_GET
def options(request: HttpRequest) -> HttpResponse:
    """``<option>``s for the select below ``parent`` (an htmx fragment); lower selects are emptied too."""
    code = request.GET.get("parent", "").strip()
    prefix = request.GET.get("prefix", "").strip()
    parent = selectors.area_find(code=code) if code else None
    if code and parent is None:
        raise Http404
    children = list(selectors.area_children(parent=parent)) if parent else []
    # The select this fills sits one slot below the parent's; the slots below it are reset.
    below = SLOTS[min(parent.level, len(SLOTS) - 1) + 1 :] if parent else []
    context = {
        "options": [(a.code, a.name) for a in children],
        "cleared": [f"id_{prefix}{name}" for name in below],
    }
    return render(request, "regions/_options.html", context)
