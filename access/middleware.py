"""Login required everywhere, except the few views marked public (health checks, sign-in).

REST API views under /api/ authenticate themselves (API key or session, see access/api) and answer
401 problem details, so they are let through here; no API path ever redirects to the sign-in page.
"""

from django.contrib.auth.views import redirect_to_login
from rest_framework.views import APIView

from access.api.problems import API_PREFIX, problem_response

PUBLIC_ATTRIBUTE = "pedigree_public"


def public(view):
    """Mark a view as reachable without signing in."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


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
