"""Choosing a village in a form: a field that takes a village code, and a cascade that works without JS.

``VillageChoiceField`` accepts a code ("72.10.01.2001", or a Chinese county "CN-330112") and returns
the ``Area``. ``VillagePickerMixin`` gives any form a province → regency → district → village cascade:
each "Next" submit re-renders the page with the next select filled (the data carries ``province``,
``regency``, ``district`` and ``village``), and with htmx each change swaps in the next level's options
from ``/regions/options?parent=<code>``. The form's ``village`` field ends up holding the chosen Area.

A host view saves only when ``form.is_valid()``: it is False while the person is still stepping through
the cascade (``form.picker_pending``), and then the form shows no errors yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from lumbung.regions import selectors
from lumbung.regions.models import Area, Country

SLOTS = ("province", "regency", "district", "village")
SLOT_LABELS = {
    "province": _("Province"),
    "regency": _("Regency or city"),
    "district": _("District"),
    "village": _("Village"),
}
NEXT = "_pick"


class VillageChoiceField(forms.Field):
    """A village code in, the village ``Area`` out (a Chinese county counts when ``allow_china``)."""

    widget = forms.TextInput
    default_error_messages = {
        "unknown": _("There is no village with the code %(code)s."),
        "not_village": _("%(name)s is not a village. Choose a village."),
        "china": _("Choose a village in Indonesia."),
    }

    def __init__(self, *, allow_china: bool = True, **kwargs) -> None:
        self.allow_china = allow_china
        kwargs.setdefault("label", _("Village"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.code if isinstance(value, Area) else value

    def to_python(self, value) -> Area | None:
        if isinstance(value, Area):
            return value
        code = str(value or "").strip()
        if not code:
            return None
        area = selectors.area_find(code=code)
        if area is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"code": code})
        if area.country == Country.CHINA and not self.allow_china:
            raise forms.ValidationError(self.error_messages["china"], code="china")
        if not selectors.is_final(area):
            raise forms.ValidationError(
                self.error_messages["not_village"], code="not_village", params={"name": area.name}
            )
        return area


@dataclass
class PickerSlot:
    name: str
    label: str
    html_name: str
    id: str
    options: list[tuple[str, str]] = field(default_factory=list)
    groups: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    selected: str = ""
    next_id: str = ""


class AreaCascade:
    """Which area is chosen at each level, worked out from submitted data (or an initial village).

    Each level is accepted only if it is really a child of the level above, so a stale lower select
    (the person changed the province) is dropped rather than trusted.
    """

    def __init__(
        self,
        data,
        *,
        prefix: str = "",
        countries: tuple[str, ...] = (Country.INDONESIA,),
        initial: Area | None = None,
    ) -> None:
        self.prefix = prefix
        self.countries = countries
        self.chain: list[Area] = []
        self.slots: list[PickerSlot] = []
        wanted = self._wanted(data, initial)
        parent: Area | None = None
        stopped = False
        for name in SLOTS:
            html_name = prefix + name
            slot = PickerSlot(
                name=name, label=str(SLOT_LABELS[name]), html_name=html_name, id=f"id_{html_name}"
            )
            self.slots.append(slot)
            if stopped:
                continue  # the cascade stopped above: this level has nothing to offer yet
            options = self._options(parent)
            if parent is None and len(countries) > 1:
                slot.groups = [
                    (str(Country(c).label), [(a.code, a.name) for a in options if a.country == c])
                    for c in countries
                ]
            else:
                slot.options = [(a.code, a.name) for a in options]
            chosen = next((a for a in options if a.code == wanted.get(name)), None)
            if chosen is None:
                stopped = True
                continue
            slot.selected = chosen.code
            self.chain.append(chosen)
            parent = chosen
            stopped = selectors.is_final(chosen)
        for upper, lower in zip(self.slots, self.slots[1:], strict=False):
            upper.next_id = lower.id

    def _wanted(self, data, initial: Area | None) -> dict[str, str]:
        wanted = {name: str(data.get(self.prefix + name) or "").strip() for name in SLOTS} if data else {}
        if not any(wanted.values()) and initial is not None:
            chain = [*selectors.area_ancestors(area=initial), initial]
            wanted = {name: area.code for name, area in zip(SLOTS, chain, strict=False)}
        return wanted

    def _options(self, parent: Area | None) -> list[Area]:
        if parent is None:
            return [a for c in self.countries for a in selectors.area_children(country=c)]
        return list(selectors.area_children(parent=parent))

    @property
    def final(self) -> Area | None:
        """The chosen village (or Chinese county), once the cascade reaches one."""
        return self.chain[-1] if self.chain and selectors.is_final(self.chain[-1]) else None

    @property
    def next_name(self) -> str:
        return self.prefix + NEXT


class CascadeSelect(forms.Widget):
    """Reads the cascade's final choice as the field's value; the selects are drawn by regions/_picker.html."""

    cascade: AreaCascade | None = None

    def value_from_datadict(self, data, files, name):
        final = self.cascade.final if self.cascade else None
        return final.code if final else ""

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False

    def render(self, name, value, attrs=None, renderer=None):
        return ""


class VillagePickerMixin:
    """Give a Django form the village cascade. Put it before ``forms.Form`` in the bases.

    The form gains a ``village`` field (an ``Area`` once clean) and ``picker`` (an ``AreaCascade`` for the
    template: ``{% include "regions/_picker.html" %}`` with ``form`` in the context).
    """

    picker_countries: tuple[str, ...] = (Country.INDONESIA,)
    picker_required: bool = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        form: forms.Form = self  # type: ignore[assignment]
        prefix = f"{form.prefix}-" if form.prefix else ""
        initial = form.initial.get("village")
        if isinstance(initial, str):
            initial = selectors.area_find(code=initial)
        self.picker = AreaCascade(
            form.data if form.is_bound else None,
            prefix=prefix,
            countries=self.picker_countries,
            initial=initial if isinstance(initial, Area) else None,
        )
        widget = CascadeSelect()
        widget.cascade = self.picker
        form.fields["village"] = VillageChoiceField(
            required=self.picker_required,
            allow_china=Country.CHINA in self.picker_countries,
            widget=widget,
            error_messages={"required": _("Choose the province, then each level down to the village.")},
        )

    @property
    def picker_pending(self) -> bool:
        """True when the person pressed "Next": show the next select, save nothing, show no errors."""
        form: forms.Form = self  # type: ignore[assignment]
        return form.is_bound and self.picker.next_name in form.data

    def full_clean(self) -> None:
        if self.picker_pending:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()  # type: ignore[misc]

    def is_valid(self) -> bool:
        return not self.picker_pending and super().is_valid()  # type: ignore[misc]


class VillagePickForm(VillagePickerMixin, forms.Form):
    """The cascade on its own (the /regions/ page); villages of Indonesia only."""


class AnyPlacePickForm(VillagePickerMixin, forms.Form):
    """The cascade with China too: an Indonesian village or a Chinese county."""

    picker_countries = (Country.INDONESIA, Country.CHINA)
