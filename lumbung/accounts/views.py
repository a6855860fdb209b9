"""Accounts pages: log in with a code (or a password), profile, organisations, tokens, and acting-for.

Every page works without JavaScript. A service error is shown on the form and nothing is saved.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lumbung.core import permissions
from lumbung.core.errors import DomainError, ValidationFailed

from . import selectors, services
from .forms import (
    AssistInPersonForm,
    AssistStartForm,
    CodeForm,
    MemberAddForm,
    OrganisationForm,
    PasswordLoginForm,
    PasswordSetForm,
    PhoneForm,
    ProfileForm,
    TokenForm,
    form_error_add,
)
from .models import NO_PHONE_PREFIX, Organisation, OrganisationKind, User
from .rules import SELF_SERVICE_KINDS
from .sessions import language_cookie_set, session_login


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_login(request, user: User, *, created: bool):
    nxt = _next_url(request)
    if created or not user.name or user.village_id is None:
        # Phone-first sign-up: ask for a name and a village before anything else.
        target = reverse("accounts:profile") + "?welcome=1"
        if nxt:
            target += "&" + urlencode({"next": nxt})
    else:
        target = nxt or reverse(settings.LOGIN_REDIRECT_URL)
    response = redirect(target)
    language_cookie_set(response, user.language)
    return response


# --- login ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login_phone(request):
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.otp_request(phone=form.cleaned_data["phone"], language=request.LANGUAGE_CODE)
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            request.session["otp_phone"] = sent.phone
            target = reverse("accounts:login_code")
            nxt = _next_url(request)
            if nxt:
                target += "?" + urlencode({"next": nxt})
            return redirect(target)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def login_code(request):
    phone = request.session.get("otp_phone")
    if not phone:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.otp_verify(
                phone=phone, code=form.cleaned_data["code"], language=request.LANGUAGE_CODE
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            session_login(request, result.user)
            return _after_login(request, result.user, created=result.created)
    return render(
        request, "accounts/login_code.html", {"form": form, "phone": phone, "next": _next_url(request)}
    )


@require_http_methods(["GET", "POST"])
def login_password(request):
    form = PasswordLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_login_check(
                phone=form.cleaned_data["phone"], password=form.cleaned_data["password"], request=request
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            session_login(request, user)
            return _after_login(request, user, created=False)
    return render(request, "accounts/login_password.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- profile and password ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {"name": user.name, "language": user.language, "village": user.village}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(
                user=user,
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                village=form.cleaned_data["village"],
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            translation.activate(user.language)
            messages.success(request, _("Your profile is saved."))
            response = redirect(_next_url(request) or reverse("accounts:profile"))
            language_cookie_set(response, user.language)
            return response
    context = {
        "form": form,
        "welcome": bool(request.GET.get("welcome")),
        "next": _next_url(request),
        "grants": selectors.acting_for_active_for_villager(user),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def password_set(request):
    user = request.user
    needs_current = user.has_usable_password()
    form = PasswordSetForm(request.POST or None, needs_current=needs_current)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_set(
                user=user,
                password=form.cleaned_data["password"],
                current_password=form.cleaned_data.get("current_password"),
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/password.html", {"form": form, "needs_current": needs_current})


# --- organisations ----------------------------------------------------------------------------------


def _kinds_for(user) -> list[str]:
    return [k for k in OrganisationKind.values if permissions.can(user, "accounts.create_organisation", k)]


@login_required
@require_http_methods(["GET", "POST"])
def organisations(request):
    kinds = _kinds_for(request.user)
    form = OrganisationForm(
        request.POST or None, kinds=kinds, initial={"kind": next(iter(SELF_SERVICE_KINDS))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                village=form.cleaned_data["village"],
                address=form.cleaned_data["address"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("accounts:organisation", public_id=organisation.public_id)
    rows = [
        (o, sorted(selectors.roles_in(request.user, o))) for o in selectors.organisations_of(request.user)
    ]
    return render(request, "accounts/organisations.html", {"form": form, "rows": rows})


def _organisation_or_404(user, public_id: str) -> Organisation:
    organisation = selectors.organisation_by_public_id(public_id)
    if organisation is None or not permissions.can(user, "accounts.view_organisation", organisation):
        raise Http404
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request, public_id: str):
    organisation = _organisation_or_404(request.user, public_id)
    can_manage = permissions.can(request.user, "accounts.manage_organisation", organisation)
    roles = sorted(services.ROLES_BY_KIND.get(organisation.kind, ()))
    form = MemberAddForm(request.POST or None, roles=roles)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.membership_add(
                    actor=request.user,
                    organisation=organisation,
                    phone=form.cleaned_data["phone"],
                    role=form.cleaned_data["role"],
                )
            except DomainError as exc:
                form_error_add(form, exc)
            else:
                messages.success(request, _("The member is added and told by SMS."))
                return redirect("accounts:organisation", public_id=public_id)
    context = {
        "organisation": organisation,
        "members": selectors.organisation_members(organisation),
        "can_manage": can_manage,
        "form": form,
    }
    return render(request, "accounts/organisation.html", context)


@login_required
@require_POST
def member_remove(request, public_id: str):
    organisation = _organisation_or_404(request.user, public_id)
    user = User.objects.filter(public_id=request.POST.get("user", "")).first()
    if user is None:
        raise Http404
    try:
        services.membership_remove(
            actor=request.user, organisation=organisation, user=user, role=request.POST.get("role", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The role is removed."))
    return redirect("accounts:organisation", public_id=public_id)


# --- API tokens -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            form = TokenForm()
    context = {"form": form, "new_token": new_token, "tokens": selectors.api_tokens_of(request.user)}
    response = render(request, "accounts/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a token shown once
    return response


@login_required
@require_POST
def token_revoke(request, prefix: str):
    token = selectors.api_tokens_of(request.user).filter(prefix=prefix).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:tokens")


# --- acting for -------------------------------------------------------------------------------------


def _agent_centres(user):
    centres = list(selectors.centres_of_agent(user))
    if not centres:
        raise Http404
    return centres


def _centre_pick(centres, public_id: str):
    centre = next((c for c in centres if c.public_id == public_id), None)
    if centre is None:
        raise ValidationFailed(_("Choose one of your service centres."), details={"field": "centre"})
    return centre


@login_required
@require_http_methods(["GET", "POST"])
def assist(request):
    """The agent's desk: start a consent request, see pending and active grants."""
    centres = _agent_centres(request.user)
    form = AssistStartForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.acting_for_start(
                agent=request.user,
                villager_phone=form.cleaned_data["villager_phone"],
                purpose=form.cleaned_data["purpose"],
                centre=_centre_pick(centres, form.cleaned_data["centre"]),
            )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            return redirect("accounts:assist_code", public_id=grant.public_id)
    context = {
        "form": form,
        "pending": selectors.acting_for_pending_of_agent(request.user),
        "active": selectors.acting_for_active_of_agent(request.user),
    }
    return render(request, "accounts/assist.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assist_code(request, public_id: str):
    grant = selectors.acting_for_by_public_id(public_id)
    if grant is None or grant.agent_id != request.user.pk:
        raise Http404
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acting_for_confirm_code(agent=request.user, grant=grant, code=form.cleaned_data["code"])
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            messages.success(
                request, _("Consent recorded. You can now act for %(name)s.") % {"name": grant.villager}
            )
            return redirect("accounts:assist")
    return render(request, "accounts/assist_code.html", {"form": form, "grant": grant})


@login_required
@require_http_methods(["GET", "POST"])
def assist_in_person(request):
    centres = _agent_centres(request.user)
    form = AssistInPersonForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            centre = _centre_pick(centres, data["centre"])
            ref = data["villager_id"].strip().upper()
            if ref:
                villager = User.objects.filter(phone=ref).first() if ref.startswith(NO_PHONE_PREFIX) else None
                if villager is None:
                    raise ValidationFailed(_("No villager has that id."), details={"field": "villager_id"})
                services.acting_for_record_in_person(
                    agent=request.user,
                    villager=villager,
                    purpose=data["purpose"],
                    centre=centre,
                    consent_note=data["consent_note"],
                )
            else:
                # Registering the villager and recording consent stand or fall together.
                with transaction.atomic():
                    villager = services.villager_register_without_phone(
                        agent=request.user, centre=centre, name=data["name"], village=data["village"]
                    )
                    services.acting_for_record_in_person(
                        agent=request.user,
                        villager=villager,
                        purpose=data["purpose"],
                        centre=centre,
                        consent_note=data["consent_note"],
                    )
        except DomainError as exc:
            form_error_add(form, exc)
        else:
            messages.success(
                request,
                _("Consent recorded for %(name)s. Their villager id is %(id)s: write it on their slip.")
                % {"name": villager.name, "id": villager.phone},
            )
            return redirect("accounts:assist")
    return render(request, "accounts/assist_in_person.html", {"form": form})


@login_required
@require_POST
def assist_revoke(request, public_id: str):
    grant = selectors.acting_for_by_public_id(public_id)
    if grant is None or not permissions.can(request.user, "accounts.view_acting_for", grant):
        raise Http404
    services.acting_for_revoke(actor=request.user, grant=grant)
    messages.success(request, _("The permission is withdrawn."))
    if grant.villager_id == request.user.pk:
        return redirect("accounts:profile")
    return redirect("accounts:assist")
