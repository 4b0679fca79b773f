"""Query filters every API shares: strict parsing (400 on bad values), bounded ids, the access log."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from ..choices import AccessAction
from ..models import AccessLog
from .converters import MAX_ID


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter with invalid parameters answered by 400."""

    raise_exception = True


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number a database integer holds (400 otherwise, never an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter()
    api_key_name = django_filters.CharFilter()
    action = django_filters.ChoiceFilter(choices=AccessAction.choices)

    class Meta:
        model = AccessLog
        fields: list[str] = []
