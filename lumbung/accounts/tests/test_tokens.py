"""API tokens: shown once, stored as a hash, work as a bearer, stop working when revoked."""

import hashlib

import pytest

from lumbung.accounts import services
from lumbung.accounts.models import ApiToken
from lumbung.core.errors import Forbidden

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_and_prefix_are_stored():
    user = UserFactory()
    token, raw = services.api_token_create(user=user, name="HP kasir")
    row = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith(row.prefix)
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields]).get()]
    assert all(raw not in value for value in stored)


def test_token_authenticates_until_revoked_and_notes_last_use():
    user = UserFactory()
    token, raw = services.api_token_create(user=user, name="tablet")
    assert services.api_token_authenticate(raw) == user
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert services.api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    services.api_token_revoke(actor=user, token=token)
    assert services.api_token_authenticate(raw) is None


def test_someone_else_cannot_revoke_my_token():
    token, raw = services.api_token_create(user=UserFactory(), name="tablet")
    with pytest.raises(Forbidden):
        services.api_token_revoke(actor=UserFactory(), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.api_token_authenticate(raw) is not None


def test_token_of_a_closed_account_does_not_work():
    user = UserFactory()
    _token, raw = services.api_token_create(user=user, name="tablet")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert services.api_token_authenticate(raw) is None
