"""Every API error as an RFC 9457 problem details object (application/problem+json).

{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "...", "instance": "/api/v1/...",
 "code": "not_found"} plus "errors" (field -> messages) for validation errors. DRF errors go through
problem_exception_handler; Django's own 404/500 for paths under /api/ through the handlers below, and
access.middleware uses problem_response for the rare non-DRF /api/ view.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def problem(status: int, detail: str, *, instance: str = "", code: str = "", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if code:
        body["code"] = code
    body.update(extra)
    return body


def problem_response(status: int, detail: str, *, instance: str = "", code: str = "", **extra: Any) -> HttpResponse:
    body = problem(status, detail, instance=instance, code=code, **extra)
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def problem_exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate, Retry-After), answered as a problem whatever renderer the
    view negotiated (the schema view renders YAML, downloads their file type)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handler below answers
    path = context["request"].path
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        answer = problem_response(response.status_code, "The request has invalid parameters; see errors.",
                                  instance=path, code="invalid", errors=errors)
    else:
        detail = str(getattr(exc, "detail", "") or HTTPStatus(response.status_code).phrase)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else ""
        answer = problem_response(response.status_code, detail, instance=path, code=code if isinstance(code, str) else "")
    for header in ("WWW-Authenticate", "Retry-After"):
        if header in response:
            answer[header] = response[header]
    if isinstance(exc, exceptions.MethodNotAllowed):
        answer["Allow"] = ", ".join(context["view"].allowed_methods)
    return answer


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return problem_response(404, "No such API endpoint.", instance=request.path, code="not_found")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return problem_response(500, "Internal error; it has been logged.", instance=request.path, code="error")
    return defaults.server_error(request)
