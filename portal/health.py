"""Health check: the database answers and the broker accepts a connection.

The page is public, so it says only "ok" or "unavailable" per check; what went wrong (exception
type and message, which may name internal hosts, ports or users) goes to the log.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from access.middleware import public

from .celery import app

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@public
@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", check_database), ("broker", check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # a health check reports every failure, whatever its type
            logger.warning("health check %s failed: %s: %s", name, type(exc).__name__, exc)
            checks[name] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503)
