"""Sign-in pages besides the user-name-and-password form (portal/login.py): the OpenID Connect
redirect and callback, sign-out, the no-role page and the admins' sessions page."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..middleware import allowed_without_role, no_role_response, public
from ..models import ExternalIdentity
from ..permissions import Capabilities, accounts_required, permissions_of
from . import oidc
from .accounts import SignInRefused, provider_account
from .backends import OIDC_BACKEND
from .sessions import METHOD, sign_out_everywhere

logger = logging.getLogger(__name__)

NEXT = "pedigree_oidc_next"
ID_TOKEN = "pedigree_oidc_id_token"
END_SESSION = "pedigree_oidc_end_session"


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return settings.LOGIN_REDIRECT_URL


def _failed(request, reason: str, status: int):
    return render(request, "registration/signin_failed.html",
                  {"reason": reason, "provider": settings.PEDIGREE_OIDC_NAME}, status=status)


@public
@never_cache
@require_GET
def oidc_start(request):
    if not oidc.enabled():
        raise Http404("OpenID Connect sign-in is not configured")
    request.session[NEXT] = _safe_next(request, request.GET.get("next"))
    try:
        return oidc.start(request, request.build_absolute_uri(reverse("signin:oidc-callback")))
    except oidc.OIDCError as exc:
        return _failed(request, str(exc), 502)


@public
@never_cache
@require_GET
def oidc_callback(request):
    if not oidc.enabled():
        raise Http404("OpenID Connect sign-in is not configured")
    try:
        found = oidc.finish(request)
    except oidc.OIDCError as exc:
        return _failed(request, str(exc), 400)
    try:
        account = provider_account(
            method=ExternalIdentity.OIDC, issuer=found.issuer, subject=found.subject, username=found.username,
            username_source=f"the {settings.PEDIGREE_OIDC_USERNAME_CLAIM} claim", groups=found.groups,
            roles=found.roles, email=found.email, first_name=found.first_name, last_name=found.last_name,
        )
    except SignInRefused as exc:
        return _failed(request, str(exc), 403)
    next_url = request.session.get(NEXT) or settings.LOGIN_REDIRECT_URL
    login(request, account, backend=OIDC_BACKEND)
    request.session[ID_TOKEN] = found.id_token
    request.session[END_SESSION] = found.end_session_endpoint
    return HttpResponseRedirect(_safe_next(request, next_url))


@allowed_without_role
@require_POST
def sign_out(request):
    """Sign out here and, for OpenID Connect sessions, at the provider when it offers an end-session endpoint
    (RP-initiated logout: the ID token as hint, back to the sign-in page afterwards)."""
    method, id_token, end_session = (request.session.get(k) for k in (METHOD, ID_TOKEN, END_SESSION))
    logout(request)
    if method == "oidc" and end_session and oidc.secure_or_loopback(end_session):
        params = {"post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
                  "client_id": settings.PEDIGREE_OIDC_CLIENT_ID}
        if id_token:
            params["id_token_hint"] = id_token
        separator = "&" if "?" in end_session else "?"
        # A page that moves on by itself (meta refresh), not a redirect: the sign-out form's redirect to
        # another origin would break the Content-Security-Policy's form-action 'self'.
        return render(request, "registration/signed_out.html",
                      {"end_session_url": f"{end_session}{separator}{urlencode(params)}",
                       "provider": settings.PEDIGREE_OIDC_NAME})
    return redirect("login")


@allowed_without_role
@never_cache
def no_role(request):
    """What a signed-in account without any role sees instead of every page (also at its own address)."""
    if permissions_of(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    return no_role_response(request)


@never_cache
@accounts_required
def sessions(request):
    users = (get_user_model().objects.order_by("username")
             .annotate(open_sessions=Count("signin_sessions"))
             .select_related("external_identity").prefetch_related("groups"))
    return render(request, "access/sessions.html", {"users": users, "can": Capabilities(request.user)})


@require_POST
@accounts_required
def end_sessions(request, pk: int):
    user = get_object_or_404(get_user_model(), pk=pk)
    ended = sign_out_everywhere(user)
    messages.success(request, f"{user.get_username()} is signed out everywhere ({ended} session{'s' if ended != 1 else ''} "
                              "ended). API keys are not affected.")
    return redirect("signin:sessions")
