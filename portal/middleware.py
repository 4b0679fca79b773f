"""Login required everywhere, except the few views marked public (health checks, sign-in)."""

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

PUBLIC_ATTRIBUTE = "pedigree_public"


def public(view):
    """Mark a view as reachable without signing in."""
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, PUBLIC_ATTRIBUTE, False) or request.user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
        return redirect_to_login(request.get_full_path())
