"""What every API endpoint shares: the permission it needs, the access log, ETags, file downloads
(access.downloads.file_response, like every page's download).

Each view names the permission an action needs (`permission`, `action_permissions`) from
access.permissions; a user needs it through a role, an API key through a scope (SCOPE_PERMISSIONS).
Every authenticated call is recorded in the access log with the key's name; GET answers carry a
content ETag, and a matching If-None-Match gets 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from http import HTTPStatus

from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from ..accesslog import record_access
from ..choices import AccessAction
from ..downloads import file_response
from ..permissions import (
    APPROVE_WAIVERS,
    DECIDE_REVIEWS,
    EDIT_POLICY,
    EXPORT,
    IMPORT_ADVISORIES,
    READ_FEED,
    SIGN_OFF,
    START_JOB,
    VIEW,
    VIEW_ACCESS_LOG,
    permissions_of,
)


def absolute(request, name: str, *args) -> str:
    """The absolute URL of a named route (API bodies link with absolute URLs)."""
    return request.build_absolute_uri(reverse(name, args=args))


class BoundedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A row id; a number no database integer holds does not exist (instead of overflowing the driver)."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


DENIED = {
    VIEW: "Reading needs the 'read' scope (API key) or the auditor role.",
    EXPORT: "Downloads need the 'export' scope (API key) or the auditor role.",
    START_JOB: "Starting jobs needs the 'jobs' scope (API key) or the release-manager role.",
    VIEW_ACCESS_LOG: "The access log needs the 'admin' scope (API key) or the admin role.",
    IMPORT_ADVISORIES: "Importing advisories needs the 'admin' scope (API key) or the admin role.",
    DECIDE_REVIEWS: "Deciding and commenting on reviews needs the 'review' scope (API key) or the auditor role.",
    APPROVE_WAIVERS: "Waivers need the 'waivers' scope (API key) or the release-manager role.",
    SIGN_OFF: "Signing a release off needs the 'sign-off' scope (API key) or the release-manager role.",
    EDIT_POLICY: "Saving the policy file needs the 'policy' scope (API key) or the admin role.",
    READ_FEED: "The feed needs the 'feed' or 'read' scope (API key) or the auditor role.",
}
ACCESS_ACTIONS = {EXPORT: AccessAction.EXPORT, START_JOB: AccessAction.START_JOB, IMPORT_ADVISORIES: AccessAction.UPLOAD,
                  DECIDE_REVIEWS: AccessAction.DECIDE, APPROVE_WAIVERS: AccessAction.WAIVE, SIGN_OFF: AccessAction.SIGN_OFF,
                  EDIT_POLICY: AccessAction.EDIT_POLICY}


class HasRequiredPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        needed = view.required_permission()
        self.message = DENIED[needed]
        return needed in permissions_of(request.user)


class CanRead(BasePermission):
    """The API schema and its documentation pages: readers only (auditors, `read` keys), like the data."""

    message = DENIED[VIEW]

    def has_permission(self, request, view) -> bool:
        return VIEW in permissions_of(request.user)


class ApiView:
    """Mixin for every API view (first in the bases)."""

    permission_classes = [IsAuthenticated, HasRequiredPermission]
    lookup_value_converter = "id"  # see converters.py
    permission = VIEW  # what the view's actions need, unless action_permissions names the action
    action_permissions: dict[str, str] = {}

    def required_permission(self) -> str:
        return self.action_permissions.get(getattr(self, "action", None) or "", self.permission)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.user.is_authenticated:
            self._record(request, response.status_code)
        if request.method in ("GET", "HEAD") and isinstance(response, Response) and response.status_code == 200:
            response.render()
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest())
            response["Cache-Control"] = "private, no-cache"
            return get_conditional_response(request, etag=response["ETag"], response=response) or response
        return response

    access_detail = ""  # what the call did, when the view name does not say it (e.g. the job it started)

    def _record(self, request, status: int) -> None:
        permission = self.required_permission()
        if status >= 400:
            outcome = f" ({status} {HTTPStatus(status).phrase})"
        else:
            outcome = f": {self.access_detail}" if self.access_detail else ""
        release = self.kwargs.get("release_pk") if status < 400 else None
        record_access(request, ACCESS_ACTIONS.get(permission, AccessAction.VIEW),
                      f"API {request.method} {self.get_view_name()}{outcome}", release=release, denied=status >= 400)


class AnyAccept(BaseContentNegotiation):
    """File downloads answer with their own content type whatever the client accepts."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StoredFileViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, detail and download of a model that stores a file's bytes in `content` (SBOM documents,
    evidence bundles; signature bundles later: a subclass with get_queryset, serializers, file_name and
    content_type, and one router.register line). Querysets should defer `content`."""

    action_permissions = {"download": EXPORT}

    def etag_source(self, obj) -> str:
        """A digest of the stored bytes, known without reading them."""
        return obj.sha256

    def file_name(self, obj) -> str:
        raise NotImplementedError

    def content_type(self, obj) -> str:
        raise NotImplementedError

    def get_content_negotiator(self):
        if getattr(self, "action", None) == "download":
            return AnyAccept()
        return super().get_content_negotiator()

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        """The stored bytes; the ETag is their digest, so a matching If-None-Match gets 304 without reading them."""
        obj = self.get_object()
        return file_response(request, stored_content(obj), etag=self.etag_source(obj),
                             content_type=self.content_type(obj), file_name=self.file_name(obj))


def stored_content(obj) -> Callable[[], bytes]:
    """Reads `obj.content` (deferred by the querysets) only when called: a 304 never reads it."""
    return lambda: bytes(type(obj).objects.filter(pk=obj.pk).values_list("content", flat=True).get())
