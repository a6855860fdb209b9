"""Reads about people, organisations and roles."""

from __future__ import annotations

from django.db.models import Q

from .models import Membership


def has_role(user, role: str, *, organisation=None, area=None) -> bool:
    """Does the user hold this role in the organisation, or in the area or any area containing it?"""
    if user is None or not user.is_authenticated:
        return False
    qs = Membership.objects.filter(user=user, role=role, is_active=True)
    if organisation is not None:
        return qs.filter(organisation=organisation).exists()
    if area is not None:
        codes = [area.code, area.province_code, area.regency_code, area.district_code]
        return qs.filter(Q(area__code__in=[c for c in codes if c])).exists()
    return qs.exists()
