"""Authentication backend: phone + password, and permissions through the core rule registry."""

from django.contrib.auth.backends import ModelBackend

from lumbung.core import permissions
from lumbung.core.errors import ValidationFailed

from .phones import normalize_phone


class LumbungBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        phone = kwargs.get("phone", username)
        if phone is None or password is None:
            return None
        try:
            phone = normalize_phone(phone)
        except ValidationFailed:
            return None
        return super().authenticate(request, username=phone, password=password)

    def has_perm(self, user_obj, perm, obj=None):
        # Rules registered with lumbung.core.permissions answer object-level questions;
        # Django's model permissions still answer the admin's.
        if perm in permissions.registered_actions():
            return permissions.can(user_obj, perm, obj)
        return super().has_perm(user_obj, perm, obj)
