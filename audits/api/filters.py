"""Query filters of the API lists other than components (components use audits.filters.ComponentFilter)."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from ..choices import AccessAction, OverlayPresence, UpstreamVerdict
from ..filters import release_channels
from ..models import AccessLog, Overlay, UpstreamVerification
from .converters import MAX_ID


class ReleaseFilterBackend(DjangoFilterBackend):
    """django-filter with invalid parameters answered by 400, and ComponentFilter given its release."""

    raise_exception = True

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_wants_release", False):
            release = view.get_release()
            kwargs.update(release=release, channels=release_channels(release))
        return kwargs


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number a database integer holds (400 otherwise, never an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class OverlayFilter(django_filters.FilterSet):
    component = django_filters.CharFilter(field_name="component__name", help_text="Component name (exact).")
    type = django_filters.CharFilter()
    category = django_filters.CharFilter()
    upstream_status = django_filters.CharFilter()
    presence = django_filters.ChoiceFilter(choices=OverlayPresence.choices)

    class Meta:
        model = Overlay
        fields: list[str] = []


class UpstreamVerificationFilter(django_filters.FilterSet):
    component = django_filters.CharFilter(field_name="component__name", help_text="Component name (exact).")
    verdict = django_filters.ChoiceFilter(choices=UpstreamVerdict.choices)

    class Meta:
        model = UpstreamVerification
        fields: list[str] = []


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter()
    api_key_name = django_filters.CharFilter()
    action = django_filters.ChoiceFilter(choices=AccessAction.choices)

    class Meta:
        model = AccessLog
        fields: list[str] = []
