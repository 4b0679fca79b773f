"""Sign-in with a brake on password guessing.

After PEDIGREE_LOGIN_MAX_FAILURES failed attempts for one user name from one address, further
attempts are refused with 429 for PEDIGREE_LOGIN_LOCKOUT_SECONDS without checking the password.
The counts live in Django's cache (the database cache table, shared by every web process).
"""

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.cache import cache


def _key(request) -> str:
    username = request.POST.get("username", "").strip().lower()[:150]
    return f"login-failures:{request.META.get('REMOTE_ADDR', '')}:{username}"


class ThrottledLoginView(LoginView):
    def post(self, request, *args, **kwargs):
        if cache.get(_key(request), 0) >= settings.PEDIGREE_LOGIN_MAX_FAILURES:
            form = self.get_form()
            context = self.get_context_data(form=form, throttled=True,
                                            lockout_minutes=max(1, settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS // 60))
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        key = _key(self.request)
        cache.add(key, 0, settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.PEDIGREE_LOGIN_LOCKOUT_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        cache.delete(_key(self.request))
        return super().form_valid(form)
