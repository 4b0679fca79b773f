"""Login required everywhere, except the few views marked public (health checks, sign-in); a role
for every page, except the few marked allowed_without_role (sign-out, the no-role page).

REST API views under /api/ authenticate themselves (API key or session, see access/api) and answer
401 problem details, so they are let through here; no API path ever redirects to the sign-in page.
A signed-in account without any role (a provider user whose groups map to no role) gets the
no-role page, with 403, instead of any page: it says which account and groups it signed in with,
and whom to ask.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from rest_framework.views import APIView

from access.api.problems import API_PREFIX, problem_response

from .models import ExternalIdentity
from .permissions import permissions_of
from .roles import ROLES

PUBLIC_ATTRIBUTE = "pedigree_public"
ROLELESS_ATTRIBUTE = "pedigree_allowed_without_role"


def public(view):
    """Mark a view as reachable without signing in."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def allowed_without_role(view):
    """Mark a view as reachable by a signed-in account that holds no role."""
    setattr(view, ROLELESS_ATTRIBUTE, True)
    return view


def no_role_response(request):
    identity = ExternalIdentity.objects.filter(user=request.user).first()
    return render(request, "registration/no_role.html", {"identity": identity, "roles": ROLES}, status=403)


def _is_rest_view(view_func) -> bool:
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, PUBLIC_ATTRIBUTE, False) or request.user.is_authenticated:
            return None
        if request.path.startswith(API_PREFIX):
            if _is_rest_view(view_func):
                return None
            return problem_response(401, "Authentication credentials were not provided.", instance=request.path,
                                    code="not_authenticated")
        return redirect_to_login(request.get_full_path())


class NoRoleMiddleware:
    """After LoginRequiredMiddleware: the no-role page instead of any page for an account without a role."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (getattr(view_func, PUBLIC_ATTRIBUTE, False) or getattr(view_func, ROLELESS_ATTRIBUTE, False)
                or request.path.startswith(API_PREFIX) or not request.user.is_authenticated):
            return None
        if permissions_of(request.user):
            return None
        return no_role_response(request)


# Every page's Content-Security-Policy: scripts, styles, fonts and data from this origin only, no
# inline script or style anywhere (templates load static files), no framing, no plugins.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
