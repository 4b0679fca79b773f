"""OpenAPI additions: the API-key security scheme, each operation's required scope, problem responses."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from ..permissions import SCOPE_PERMISSIONS

SCOPE_OF = {permission: scope for scope, granted in SCOPE_PERMISSIONS.items() for permission in granted}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True, "description": "Field -> messages (400 only)."},
    },
}
ERRORS = {
    "400": "Invalid parameters or body.",
    "401": "No, invalid, expired or revoked credentials.",
    "403": "The key's scopes or the user's role do not allow this, or the key may not be used from this address.",
    "404": "Not found.",
    "429": "Too many requests; retry after the Retry-After header's seconds.",
}


class ApiKeySchemeExtension(OpenApiAuthenticationExtension):
    target_class = "access.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key created by an admin: pdg_<prefix>_<secret>."}


class ScopedAutoSchema(AutoSchema):
    """Adds `x-required-scope`: the API-key scope an operation needs (tests derive the permission matrix from it)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and hasattr(self.view, "required_permission"):
            operation["x-required-scope"] = SCOPE_OF[self.view.required_permission()]
        return operation


def add_problem_responses(result, generator, request, public):
    """Every operation may answer with these problems; the body is described once as a component."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    ref = {"$ref": "#/components/schemas/Problem"}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                responses.setdefault(code, {"description": text, "content": {"application/problem+json": {"schema": ref}}})
    return result
