"""The accounts API (/api/accounts): login codes, me, tokens, organisations and members, acting-for.

Thin: each operation checks who asks, calls one service and shapes the answer. Errors are core
``DomainError``s, turned into ``{code, message, details}`` by the API.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.utils import check_csrf

from lumbung.core import permissions
from lumbung.core.errors import Forbidden, NotFound, ValidationFailed
from lumbung.core.schemas import ErrorOut

from . import selectors, services
from .api_auth import api_auth
from .models import NO_PHONE_PREFIX, ActingFor, ApiToken, Organisation, User
from .schemas import (
    GrantConfirmIn,
    GrantInPersonIn,
    GrantOut,
    GrantStartIn,
    MemberAddIn,
    MemberOut,
    MeOut,
    MeUpdateIn,
    OrganisationCreateIn,
    OrganisationOut,
    OtpRequestIn,
    OtpRequestOut,
    OtpVerifyIn,
    OtpVerifyOut,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
)
from .sessions import language_cookie_set, session_login

router = Router(tags=["accounts"], auth=api_auth)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _area(area):
    return None if area is None else {"code": area.code, "name": area.name, "path": area.path}


def _me(user: User) -> dict:
    return {
        "public_id": user.public_id,
        "phone": user.phone,
        "name": user.name,
        "language": user.language,
        "village": _area(user.village),
        "has_password": user.has_usable_password(),
        "needs_profile": not user.name or user.village_id is None,
    }


def _token(token: ApiToken) -> dict:
    return {
        "prefix": token.prefix,
        "name": token.name,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


def _organisation(user: User, organisation: Organisation) -> dict:
    return {
        "public_id": organisation.public_id,
        "kind": organisation.kind,
        "name": organisation.name,
        "village": _area(organisation.village),
        "address": organisation.address,
        "phone": organisation.phone,
        "my_roles": sorted(selectors.roles_in(user, organisation)),
    }


def _person(user: User) -> dict:
    return {
        "public_id": user.public_id,
        "name": user.name,
        "phone": user.phone,
        "has_own_phone": user.has_own_phone,
    }


def _grant(grant: ActingFor) -> dict:
    return {
        "public_id": grant.public_id,
        "agent": _person(grant.agent),
        "villager": _person(grant.villager),
        "centre": grant.centre.public_id if grant.centre_id else None,
        "purpose": grant.purpose,
        "consent_method": grant.consent_method,
        "status": selectors.acting_for_status(grant),
        "created_at": grant.created_at,
        "consented_at": grant.consented_at,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
    }


def _village(code: str | None, *, field: str = "village_code"):
    village = selectors.village_by_code(code)
    if village is None:
        raise ValidationFailed(_("Choose a village from the list."), details={"field": field})
    return village


def _organisation_visible(request, public_id: str) -> Organisation:
    """The organisation if the caller may see it; strangers get 404 so ids reveal nothing."""
    organisation = selectors.organisation_by_public_id(public_id)
    if organisation is None or not permissions.can(request.auth, "accounts.view_organisation", organisation):
        raise NotFound()
    return organisation


def _grant_visible(request, public_id: str) -> ActingFor:
    grant = selectors.acting_for_by_public_id(public_id)
    if grant is None or not permissions.can(request.auth, "accounts.view_acting_for", grant):
        raise NotFound()
    return grant


def _centre(request, public_id: str) -> Organisation:
    centre = selectors.organisation_by_public_id(public_id)
    if centre is None or not permissions.can(request.auth, "accounts.view_organisation", centre):
        raise ValidationFailed(_("Choose one of your service centres."), details={"field": "centre"})
    return centre


# --- login ------------------------------------------------------------------------------------------


@router.post("/otp/request", auth=None, response={202: OtpRequestOut, **ERRORS, 429: ErrorOut})
def otp_request(request: HttpRequest, payload: OtpRequestIn):
    """Send a 6-digit login code by SMS. The answer is the same whether or not the number has an account."""
    sent = services.otp_request(phone=payload.phone, language=payload.language or request.LANGUAGE_CODE)
    return Status(202, {"sent": True, "expires_in": sent.expires_in})


@router.post("/otp/verify", auth=None, response={200: OtpVerifyOut, **ERRORS, 429: ErrorOut})
def otp_verify(request: HttpRequest, response: HttpResponse, payload: OtpVerifyIn):
    """Check the code. Browsers get a session (send the CSRF token); apps ask for ``issue_token``."""
    if not payload.issue_token and check_csrf(request) is not None:
        # A session login from another site would log the victim into the attacker's account.
        raise Forbidden(
            _("The security token of this page has expired. Reload the page and try again."),
            code="csrf_failed",
        )
    result = services.otp_verify(
        phone=payload.phone, code=payload.code, language=payload.language or request.LANGUAGE_CODE
    )
    token = None
    if payload.issue_token:
        _row, token = services.api_token_create(user=result.user, name=payload.token_name)
    else:
        session_login(request, result.user)
        language_cookie_set(response, result.user.language)
    return {"user": _me(result.user), "created": result.created, "token": token}


@router.post("/logout", response={204: None, **ERRORS})
def logout_session(request: HttpRequest):
    """End the browser session (a bearer token is ended by revoking it)."""
    logout(request)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest):
    return _me(request.auth)


@router.patch("/me", response={200: MeOut, **ERRORS})
def me_update(request: HttpRequest, response: HttpResponse, payload: MeUpdateIn):
    village = _village(payload.village_code) if payload.village_code else None
    user = services.user_profile_update(
        user=request.auth, name=payload.name, language=payload.language, village=village
    )
    language_cookie_set(response, user.language)
    return _me(user)


# --- tokens -----------------------------------------------------------------------------------------


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
def tokens_list(request: HttpRequest):
    return [_token(t) for t in selectors.api_tokens_of(request.auth)]


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def tokens_create(request: HttpRequest, payload: TokenCreateIn):
    token, raw = services.api_token_create(user=request.auth, name=payload.name)
    return Status(201, {**_token(token), "token": raw})


@router.delete("/tokens/{prefix}", response={204: None, **ERRORS})
def tokens_revoke(request: HttpRequest, prefix: str):
    token = ApiToken.objects.filter(prefix=prefix).first()
    if token is None or not permissions.can(request.auth, "accounts.manage_api_token", token):
        raise NotFound()
    services.api_token_revoke(actor=request.auth, token=token)
    return Status(204, None)


# --- organisations ----------------------------------------------------------------------------------


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
def organisations_mine(request: HttpRequest):
    return [_organisation(request.auth, o) for o in selectors.organisations_of(request.auth)]


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def organisations_create(request: HttpRequest, payload: OrganisationCreateIn):
    organisation = services.organisation_create(
        actor=request.auth,
        kind=payload.kind,
        name=payload.name,
        village=_village(payload.village_code),
        address=payload.address,
        phone=payload.phone,
    )
    return Status(201, _organisation(request.auth, organisation))


@router.get("/organisations/{public_id}", response={200: OrganisationOut, **ERRORS})
def organisations_get(request: HttpRequest, public_id: str):
    return _organisation(request.auth, _organisation_visible(request, public_id))


@router.get("/organisations/{public_id}/members", response={200: list[MemberOut], **ERRORS})
def members_list(request: HttpRequest, public_id: str):
    organisation = _organisation_visible(request, public_id)
    return [
        {"user_public_id": m.user.public_id, "name": m.user.name, "phone": m.user.phone, "role": m.role}
        for m in selectors.organisation_members(organisation)
    ]


@router.post("/organisations/{public_id}/members", response={201: MemberOut, **ERRORS})
def members_add(request: HttpRequest, public_id: str, payload: MemberAddIn):
    organisation = _organisation_visible(request, public_id)
    membership = services.membership_add(
        actor=request.auth, organisation=organisation, phone=payload.phone, role=payload.role
    )
    user = membership.user
    return Status(
        201,
        {"user_public_id": user.public_id, "name": user.name, "phone": user.phone, "role": membership.role},
    )


@router.delete("/organisations/{public_id}/members/{user_public_id}/{role}", response={204: None, **ERRORS})
def members_remove(request: HttpRequest, public_id: str, user_public_id: str, role: str):
    organisation = _organisation_visible(request, public_id)
    user = User.objects.filter(public_id=user_public_id).first()
    if user is None:
        raise NotFound()
    services.membership_remove(actor=request.auth, organisation=organisation, user=user, role=role)
    return Status(204, None)


# --- acting for -------------------------------------------------------------------------------------


@router.get("/acting-for", response={200: list[GrantOut], **ERRORS})
def grants_list(request: HttpRequest):
    """The agent's grants: waiting for a code, then active."""
    pending = list(selectors.acting_for_pending_of_agent(request.auth).select_related("agent"))
    active = list(selectors.acting_for_active_of_agent(request.auth).select_related("agent"))
    return [_grant(g) for g in pending + active]


@router.post("/acting-for", response={201: GrantOut, **ERRORS, 429: ErrorOut})
def grants_start(request: HttpRequest, payload: GrantStartIn):
    """Ask a villager for consent: they get a code by SMS and read it out to you."""
    grant = services.acting_for_start(
        agent=request.auth,
        villager_phone=payload.villager_phone,
        purpose=payload.purpose,
        centre=_centre(request, payload.centre),
    )
    return Status(201, _grant(grant))


@router.post("/acting-for/in-person", response={201: GrantOut, **ERRORS})
def grants_in_person(request: HttpRequest, payload: GrantInPersonIn):
    """Record in-person consent of a villager without a phone (registering them if new)."""
    centre = _centre(request, payload.centre)
    with transaction.atomic():  # a new villager is only registered together with their consent
        return Status(201, _grant(_in_person(request, payload, centre)))


def _in_person(request: HttpRequest, payload: GrantInPersonIn, centre: Organisation) -> ActingFor:
    if payload.new_villager is not None:
        if not permissions.can(request.auth, "accounts.act_for", centre):
            raise Forbidden(_("Only an agent of this service centre can act for villagers."))
        villager = services.villager_register_without_phone(
            agent=request.auth,
            centre=centre,
            name=payload.new_villager.name,
            village=_village(payload.new_villager.village_code, field="new_villager.village_code"),
        )
    else:
        ref = (payload.villager_id or "").strip()
        villager = User.objects.filter(public_id=ref).first()
        if villager is None and ref.upper().startswith(NO_PHONE_PREFIX):
            villager = User.objects.filter(phone=ref.upper()).first()
        if not ref or villager is None:
            raise ValidationFailed(_("No villager has that id."), details={"field": "villager_id"})
    return services.acting_for_record_in_person(
        agent=request.auth,
        villager=villager,
        purpose=payload.purpose,
        centre=centre,
        consent_note=payload.consent_note,
    )


@router.get("/acting-for/{public_id}", response={200: GrantOut, **ERRORS})
def grants_get(request: HttpRequest, public_id: str):
    return _grant(_grant_visible(request, public_id))


@router.post("/acting-for/{public_id}/confirm", response={200: GrantOut, **ERRORS, 429: ErrorOut})
def grants_confirm(request: HttpRequest, public_id: str, payload: GrantConfirmIn):
    grant = _grant_visible(request, public_id)
    return _grant(services.acting_for_confirm_code(agent=request.auth, grant=grant, code=payload.code))


@router.post("/acting-for/{public_id}/revoke", response={200: GrantOut, **ERRORS})
def grants_revoke(request: HttpRequest, public_id: str):
    grant = _grant_visible(request, public_id)
    return _grant(services.acting_for_revoke(actor=request.auth, grant=grant))
