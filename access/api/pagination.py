"""Keyset ("cursor") pagination over any string ordering, with the primary key as the last tie-breaker.

The cursor holds the ordering values of the last row of a page; the next page is the rows strictly
after it in that order. Rows inserted or deleted between two page fetches therefore never shift
the pages: nothing is repeated or skipped (unlike offsets, or DRF's CursorPagination, which keys
on the first ordering field only and uses an offset for ties). NULLs sort last in both directions
on every database. A cursor is bound to its ordering: sending it with another sort is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from .converters import MAX_ID

Key = tuple[str, bool]  # (field path, descending)


def ordering_keys(queryset: QuerySet) -> list[Key]:
    """The queryset's ordering as (field, descending) pairs, ending with the primary key."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    keys: list[Key] = []
    for item in ordering:
        if not isinstance(item, str) or item == "?":
            raise ImproperlyConfigured(f"keyset pagination needs field-name orderings, got {item!r}")
        field = item.lstrip("-")
        keys.append(("pk" if field in ("id", "pk") else field, item.startswith("-")))
    if not any(field == "pk" for field, _ in keys):
        keys.append(("pk", False))
    return keys[: next(i for i, (field, _) in enumerate(keys) if field == "pk") + 1]


def _nullable(model, path: str) -> bool:
    if path == "pk":
        return False
    for name in path.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return True  # an annotation: assume it may be NULL
        if field.null:
            return True
        model = field.related_model or model
    return False


def after(keys: list[Key], values: list[Any], nullable: list[bool]) -> Q:
    """Rows strictly after `values` in the order of `keys` (NULLs last)."""
    condition = Q(pk__in=[])
    equal = Q()
    for (field, descending), value, can_be_null in zip(keys, values, nullable):
        if value is None:
            beyond = Q(pk__in=[])  # nothing sorts after NULL in this column
            same = Q(**{f"{field}__isnull": True})
        else:
            beyond = Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
            if can_be_null:
                beyond |= Q(**{f"{field}__isnull": True})
            same = Q(**{field: value})
        condition |= equal & beyond
        equal &= same
    return condition


class KeysetCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    limit_query_param = "limit"

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list[Any]:
        keys = ordering_keys(queryset)
        self.request = request
        self.limit = self._limit(request)
        self.signature = ",".join(("-" if desc else "") + field for field, desc in keys)
        annotations = {f"_cursor_{i}": F(field) for i, (field, _) in enumerate(keys)}
        queryset = queryset.annotate(**annotations).order_by(
            *(F(name).desc(nulls_last=True) if desc else F(name).asc(nulls_last=True)
              for name, (_, desc) in zip(annotations, keys))
        )
        position = self._decode(request)
        if position is not None:
            nullable = [_nullable(queryset.model, field) for field, _ in keys]
            try:
                queryset = queryset.filter(after(keys, position, nullable))
            except (ValueError, TypeError, DjangoValidationError):
                raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from None
        rows = list(queryset[: self.limit + 1])
        self.next_position = None
        if len(rows) > self.limit:
            rows = rows[: self.limit]
            last = rows[-1]
            self.next_position = [last[name] if isinstance(last, dict) else getattr(last, name) for name in annotations]
        return rows

    def _limit(self, request) -> int:
        raw = request.query_params.get(self.limit_query_param, "")
        if not raw:
            return settings.PEDIGREE_API_PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= settings.PEDIGREE_API_MAX_PAGE_SIZE:
            raise ValidationError({self.limit_query_param: [f"A whole number from 1 to {settings.PEDIGREE_API_MAX_PAGE_SIZE}."]})
        return int(raw)

    def _decode(self, request) -> list[Any] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
        except (ValueError, UnicodeError, binascii.Error):
            data = None
        if not (isinstance(data, dict) and isinstance(data.get("v"), list) and data.get("o") == self.signature
                and all(v is None or isinstance(v, (str, float, bool)) or (isinstance(v, int) and abs(v) <= MAX_ID)
                        for v in data["v"])
                and len(data["v"]) == self.signature.count(",") + 1):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor (or one made for another sort order)."]})
        return data["v"]

    def _encode(self, values: list[Any]) -> str:
        raw = json.dumps({"o": self.signature, "v": values}, cls=DjangoJSONEncoder, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self._encode(self.next_position))

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": "The next page, or null on the last page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Opaque position from the `next` link of the previous page.", "schema": {"type": "string"}},
            {"name": self.limit_query_param, "required": False, "in": "query",
             "description": f"Rows per page (default {settings.PEDIGREE_API_PAGE_SIZE}, at most {settings.PEDIGREE_API_MAX_PAGE_SIZE}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": settings.PEDIGREE_API_MAX_PAGE_SIZE}},
        ]
