"""Browser sessions: idle and absolute lifetimes, each user's sessions on record, sign out everywhere.

- At sign-in (any method) the session gets its start time and method, and a UserSession row
  records its key for its user.
- SessionLifetimeMiddleware ends a session idle for more than PEDIGREE_SESSION_IDLE_SECONDS or
  older than PEDIGREE_SESSION_ABSOLUTE_SECONDS, whatever the activity; the sign-in page then says
  why. The last-activity time is written at most once a minute (not a write per request), and the
  session's own expiry follows it, so an abandoned session also disappears from the store.
- `sign_out_everywhere(user)` deletes every session of the user: the recorded ones and, with
  database sessions, any other row whose data names the user (sessions from before the record).
  API keys are not sessions: they keep working.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    SESSION_KEY,
    logout,
    user_logged_in,
    user_logged_out,
)
from django.contrib.sessions.models import Session
from django.utils import timezone

from ..models import UserSession
from .backends import LDAP_BACKEND, LOCAL_BACKEND, OIDC_BACKEND

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "pedigree_signed_in_at"
LAST_SEEN = "pedigree_last_seen"
METHOD = "pedigree_signin_method"
ENDED = "pedigree_session_ended"  # why the last session ended (idle/absolute), for the sign-in page
METHODS = {LOCAL_BACKEND: "local", LDAP_BACKEND: "ldap", OIDC_BACKEND: "oidc"}


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def _touch_every() -> float:
    return min(60.0, settings.PEDIGREE_SESSION_IDLE_SECONDS / 10)


def signed_in(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    now = time.time()
    session[SIGNED_IN_AT] = session[LAST_SEEN] = now
    session[METHOD] = METHODS.get(session.get(BACKEND_SESSION_KEY, ""), "local")
    session.set_expiry(settings.PEDIGREE_SESSION_IDLE_SECONDS)
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(session_key=session.session_key,
                                         defaults={"user": user, "method": session[METHOD]})
    # Records of sessions that have certainly ended by now.
    cutoff = timezone.now() - dt.timedelta(seconds=settings.PEDIGREE_SESSION_ABSOLUTE_SECONDS)
    UserSession.objects.filter(user=user, created_at__lt=cutoff).delete()


def signed_out(sender, request, user, **kwargs) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


user_logged_in.connect(signed_in, dispatch_uid="pedigree-session-signed-in")
user_logged_out.connect(signed_out, dispatch_uid="pedigree-session-signed-out")


def sign_out_everywhere(user) -> int:
    """End every session of `user`; the number of sessions ended."""
    store = _store()
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    if settings.SESSION_ENGINE in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk):
                keys.add(session.session_key)
    ended = 0
    for key in keys:
        if store.exists(key):
            ended += 1
        store.delete(key)
    UserSession.objects.filter(user=user).delete()
    logger.info("signed %s out everywhere: %d sessions ended", user.get_username(), ended)
    return ended


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware: end sessions past their idle or absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            started = session.get(SIGNED_IN_AT)
            last = session.get(LAST_SEEN, started)
            if started is None:  # a session from before lifetimes were kept: its lifetime starts now
                session[SIGNED_IN_AT] = session[LAST_SEEN] = now
                session.set_expiry(settings.PEDIGREE_SESSION_IDLE_SECONDS)
            elif now - started > settings.PEDIGREE_SESSION_ABSOLUTE_SECONDS or now - last > settings.PEDIGREE_SESSION_IDLE_SECONDS:
                reason = "absolute" if now - started > settings.PEDIGREE_SESSION_ABSOLUTE_SECONDS else "idle"
                logout(request)
                request.session[ENDED] = reason
            elif now - last >= _touch_every():
                session[LAST_SEEN] = now
                session.set_expiry(settings.PEDIGREE_SESSION_IDLE_SECONDS)
        return self.get_response(request)
