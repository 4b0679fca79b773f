"""Query filters of the API lists other than components (components use audits.filters.ComponentFilter)."""

from __future__ import annotations

import django_filters

from access.api.filters import StrictFilterBackend

from ..choices import OverlayPresence, UpstreamVerdict
from ..filters import release_choices
from ..models import Overlay, UpstreamVerification


class ReleaseFilterBackend(StrictFilterBackend):
    """StrictFilterBackend, with ComponentFilter given its release."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if getattr(view, "filterset_wants_release", False):
            release = view.get_release()
            kwargs.update(release=release, **release_choices(release))
        return kwargs


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


