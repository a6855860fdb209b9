"""The accounts API: login by code over JSON, tokens and sessions, and a permission matrix over
every endpoint (anonymous, owner, member, another tenant, staff, superuser) that also proves a
refused request changed nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client

from lumbung.accounts import services
from lumbung.accounts.models import ApiToken, AssistPurpose, Membership, OrganisationKind, Role, User
from lumbung.regions.tests.factories import village

from .factories import MembershipFactory, UserFactory
from .helpers import centre_with_agent, code_from_sms, snapshot

pytestmark = pytest.mark.django_db
BASE = "/api/accounts"


def call(client: Client, method: str, path: str, body=None, **headers):
    kwargs = {"content_type": "application/json", **headers}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method.lower())(BASE + path, **kwargs)


# --- login over the API -----------------------------------------------------------------------------


def test_browser_login_by_code_gets_a_session_and_its_language():
    client = Client()
    response = call(client, "POST", "/otp/request", {"phone": "0812-5555-0001"})
    assert response.status_code == 202
    assert response.json() == {"sent": True, "expires_in": settings.OTP_TTL_SECONDS}

    response = call(
        client,
        "POST",
        "/otp/verify",
        {"phone": "0812-5555-0001", "code": code_from_sms("+6281255550001"), "language": "en"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["created"] is True and body["token"] is None
    assert body["user"]["phone"] == "+6281255550001"
    assert body["user"]["needs_profile"] is True
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert call(client, "GET", "/me").json()["phone"] == "+6281255550001"


def test_app_login_by_code_gets_a_token_that_works_as_bearer():
    UserFactory(phone="+6281255550002")
    client = Client()
    call(client, "POST", "/otp/request", {"phone": "+6281255550002"})
    response = call(
        client,
        "POST",
        "/otp/verify",
        {
            "phone": "+6281255550002",
            "code": code_from_sms("+6281255550002"),
            "issue_token": True,
            "token_name": "HP",
        },
    )
    token = response.json()["token"]
    assert token and ApiToken.objects.get(name="HP").prefix == token[:12]
    assert "_auth_user_id" not in client.session  # no session for an app

    fresh = Client()
    me = call(fresh, "GET", "/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["phone"] == "+6281255550002"


def test_revoked_token_gets_401():
    user = UserFactory()
    token, raw = services.api_token_create(user=user, name="tablet")
    client = Client()
    assert call(client, "GET", "/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    services.api_token_revoke(actor=user, token=token)
    response = call(client, "GET", "/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_wrong_code_and_lockout_come_back_as_error_json():
    client = Client()
    call(client, "POST", "/otp/request", {"phone": "+6281255550003"})
    response = call(
        client,
        "POST",
        "/otp/verify",
        {
            "phone": "+6281255550003",
            "code": "000000" if code_from_sms("+6281255550003") != "000000" else "111111",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "code_invalid"
    for _ in range(settings.OTP_MAX_PER_HOUR - 1):
        call(client, "POST", "/otp/request", {"phone": "+6281255550003"})
    response = call(client, "POST", "/otp/request", {"phone": "+6281255550003"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "too_many_codes"
    assert "minutes" in body["message"] and body["details"]["retry_after_seconds"] > 0


def test_session_writes_need_the_csrf_token_but_bearer_tokens_do_not():
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = call(browser, "POST", "/tokens", {"name": "sneaky"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert not ApiToken.objects.exists()
    browser.get("/accounts/login/")  # any page with a form sets the CSRF cookie
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert call(browser, "POST", "/tokens", {"name": "mine"}, HTTP_X_CSRFTOKEN=csrf).status_code == 201

    _token, raw = services.api_token_create(user=user, name="app")
    app = Client(enforce_csrf_checks=True)
    assert (
        call(app, "POST", "/tokens", {"name": "from app"}, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        == 201
    )


def test_session_login_by_code_needs_csrf_but_token_issue_does_not():
    browser = Client(enforce_csrf_checks=True)
    call(browser, "POST", "/otp/request", {"phone": "+6281255550004"})
    code = code_from_sms("+6281255550004")
    response = call(browser, "POST", "/otp/verify", {"phone": "+6281255550004", "code": code})
    assert response.status_code == 403
    assert not User.objects.filter(phone="+6281255550004").exists()
    response = call(
        browser, "POST", "/otp/verify", {"phone": "+6281255550004", "code": code, "issue_token": True}
    )
    assert response.status_code == 200


def test_profile_update_over_the_api():
    user = UserFactory(language="id")
    desa = village(name="Bainiu")
    client = Client()
    client.force_login(user)
    response = call(
        client, "PATCH", "/me", {"name": "Ibu Lamba", "language": "zh-hans", "village_code": desa.code}
    )
    assert response.status_code == 200
    assert response.json()["village"]["name"] == "Bainiu"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user.refresh_from_db()
    assert (user.name, user.language, user.village) == ("Ibu Lamba", "zh-hans", desa)
    response = call(client, "PATCH", "/me", {"name": "X", "language": "id", "village_code": desa.parent.code})
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.name == "Ibu Lamba"


def test_in_person_consent_over_the_api_registers_a_villager_without_phone():
    centre, agent = centre_with_agent()
    client = Client()
    client.force_login(agent)
    body = {
        "centre": centre.public_id,
        "purpose": AssistPurpose.SELL,
        "consent_note": "KTP checked, thumbprint on slip #77",
        "new_villager": {"name": "Pak Lamba", "village_code": village().code},
    }
    response = call(client, "POST", "/acting-for/in-person", body)
    assert response.status_code == 201, response.json()
    grant = response.json()
    assert grant["status"] == "active" and grant["consent_method"] == "in_person"
    assert grant["villager"]["phone"].startswith("NP-") and grant["villager"]["has_own_phone"] is False
    # A note too short to say anything: refused, and no villager is left half-registered.
    users = User.objects.count()
    response = call(client, "POST", "/acting-for/in-person", {**body, "consent_note": "ok"})
    assert response.status_code == 422
    assert User.objects.count() == users
    # The same villager again, by the id on their slip.
    again = call(
        client,
        "POST",
        "/acting-for/in-person",
        {**body, "new_villager": None, "villager_id": grant["villager"]["phone"]},
    )
    assert again.status_code == 201


# --- the permission matrix --------------------------------------------------------------------------


@dataclass
class World:
    owner: User
    member: User
    other: User
    staff: User
    superuser: User
    org: object
    org_member: User
    token_prefix: str
    centre: object
    grant: object
    pending: object
    pending_code: str
    village_code: str
    extra: dict = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    centre, owner = centre_with_agent(name="Agent Owner")
    org_owner = MembershipFactory(user=owner, role=Role.OWNER, organisation__kind=OrganisationKind.HOUSEHOLD)
    org = org_owner.organisation
    member = UserFactory(name="Member")
    Membership.objects.create(user=member, organisation=org, role=Role.STAFF)
    Membership.objects.create(user=member, organisation=centre, role=Role.STAFF)
    other = MembershipFactory(role=Role.OWNER).user
    services.api_token_create(user=other, name="other's")
    token, _raw = services.api_token_create(user=owner, name="owner's")
    villager = UserFactory(phone="+6281266660001")
    grant = services.acting_for_start(
        agent=owner, villager_phone=villager.phone, purpose=AssistPurpose.BUY, centre=centre
    )
    services.acting_for_confirm_code(agent=owner, grant=grant, code=code_from_sms(villager.phone))
    other_villager = UserFactory(phone="+6281266660002")
    pending = services.acting_for_start(
        agent=owner, villager_phone=other_villager.phone, purpose=AssistPurpose.SELL, centre=centre
    )
    return World(
        owner=owner,
        member=member,
        other=other,
        staff=UserFactory(is_staff=True),
        superuser=UserFactory(is_staff=True, is_superuser=True),
        org=org,
        org_member=member,
        token_prefix=token.prefix,
        centre=centre,
        grant=grant,
        pending=pending,
        pending_code=code_from_sms(other_villager.phone),
        village_code=village().code,
    )


ACTORS = ("anonymous", "owner", "member", "other", "staff", "superuser")
ALL_OK = {"anonymous": 401, "owner": 200, "member": 200, "other": 200, "staff": 200, "superuser": 200}


def _all(status):
    return {**dict.fromkeys(ACTORS, status), "anonymous": 401}


CASES = [
    # (name, method, path(world), body(world), expected by actor, writes)
    ("me", "GET", lambda w: "/me", None, ALL_OK, False),
    ("me_update", "PATCH", lambda w: "/me", lambda w: {"name": "Renamed", "language": "en"}, ALL_OK, True),
    ("logout", "POST", lambda w: "/logout", None, _all(204), False),
    ("tokens_list", "GET", lambda w: "/tokens", None, ALL_OK, False),
    ("tokens_create", "POST", lambda w: "/tokens", lambda w: {"name": "new"}, _all(201), True),
    (
        "tokens_revoke",
        "DELETE",
        lambda w: f"/tokens/{w.token_prefix}",
        None,
        {"anonymous": 401, "owner": 204, "member": 404, "other": 404, "staff": 404, "superuser": 204},
        True,
    ),
    ("organisations_mine", "GET", lambda w: "/organisations", None, ALL_OK, False),
    (
        "organisations_create",
        "POST",
        lambda w: "/organisations",
        lambda w: {"kind": "household", "name": "Rumah Baru", "village_code": w.village_code},
        _all(201),
        True,
    ),
    (
        "organisation_get",
        "GET",
        lambda w: f"/organisations/{w.org.public_id}",
        None,
        {"anonymous": 401, "owner": 200, "member": 200, "other": 404, "staff": 404, "superuser": 200},
        False,
    ),
    (
        "members_list",
        "GET",
        lambda w: f"/organisations/{w.org.public_id}/members",
        None,
        {"anonymous": 401, "owner": 200, "member": 200, "other": 404, "staff": 404, "superuser": 200},
        False,
    ),
    (
        "members_add",
        "POST",
        lambda w: f"/organisations/{w.org.public_id}/members",
        lambda w: {"phone": "081266669999", "role": "member"},
        {"anonymous": 401, "owner": 201, "member": 403, "other": 404, "staff": 404, "superuser": 201},
        True,
    ),
    (
        "members_remove",
        "DELETE",
        lambda w: f"/organisations/{w.org.public_id}/members/{w.org_member.public_id}/staff",
        None,
        {"anonymous": 401, "owner": 204, "member": 403, "other": 404, "staff": 404, "superuser": 204},
        True,
    ),
    ("grants_list", "GET", lambda w: "/acting-for", None, ALL_OK, False),
    (
        "grants_start",
        "POST",
        lambda w: "/acting-for",
        lambda w: {"villager_phone": "081266668888", "purpose": "buy", "centre": w.centre.public_id},
        {"anonymous": 401, "owner": 201, "member": 403, "other": 422, "staff": 422, "superuser": 403},
        True,
    ),
    (
        "grants_in_person",
        "POST",
        lambda w: "/acting-for/in-person",
        lambda w: {
            "centre": w.centre.public_id,
            "purpose": "sell",
            "consent_note": "KTP checked, thumbprint on slip #5",
            "new_villager": {"name": "Ibu Tanpa HP", "village_code": w.village_code},
        },
        {"anonymous": 401, "owner": 201, "member": 403, "other": 422, "staff": 422, "superuser": 403},
        True,
    ),
    (
        "grant_get",
        "GET",
        lambda w: f"/acting-for/{w.grant.public_id}",
        None,
        {"anonymous": 401, "owner": 200, "member": 404, "other": 404, "staff": 404, "superuser": 200},
        False,
    ),
    (
        "grant_confirm",
        "POST",
        lambda w: f"/acting-for/{w.pending.public_id}/confirm",
        lambda w: {"code": w.pending_code},
        {"anonymous": 401, "owner": 200, "member": 404, "other": 404, "staff": 404, "superuser": 403},
        True,
    ),
    (
        "grant_revoke",
        "POST",
        lambda w: f"/acting-for/{w.grant.public_id}/revoke",
        None,
        {"anonymous": 401, "owner": 200, "member": 404, "other": 404, "staff": 404, "superuser": 200},
        True,
    ),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected", "writes"), CASES, ids=[c[0] for c in CASES]
)
def test_permission_matrix(world, actor, name, method, path, body, expected, writes):
    client = Client()
    if actor != "anonymous":
        client.force_login(getattr(world, actor))
    before = snapshot()

    response = call(client, method, path(world), body(world) if body else None)

    assert response.status_code == expected[actor], response.content
    if response.status_code >= 400:
        assert snapshot() == before, "a refused request changed something"
        assert set(response.json()) == {"code", "message", "details"}
    elif writes:
        assert snapshot() != before, "an accepted write changed nothing"


def test_lists_show_only_the_callers_own_things(world):
    client = Client()
    client.force_login(world.other)
    assert [t["name"] for t in call(client, "GET", "/tokens").json()] == ["other's"]
    assert world.org.public_id not in [o["public_id"] for o in call(client, "GET", "/organisations").json()]
    assert call(client, "GET", "/acting-for").json() == []
    client.force_login(world.owner)
    grants = call(client, "GET", "/acting-for").json()
    assert {g["public_id"]: g["status"] for g in grants} == {
        world.grant.public_id: "active",
        world.pending.public_id: "pending",
    }
    orgs = {o["public_id"]: o["my_roles"] for o in call(client, "GET", "/organisations").json()}
    assert orgs == {world.org.public_id: ["owner"], world.centre.public_id: ["centre_agent"]}
