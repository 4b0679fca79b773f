"""Filters for component lists, shared by the HTML table, its exports and the future REST API."""

from __future__ import annotations

import django_filters
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from .azldev.schema import OVERLAY_CATEGORIES, OVERLAY_TYPES, UPSTREAM_STATUSES
from .choices import Headline, LicenseFamily
from .licenses import UNKNOWN
from .models import BinaryPackage, Component, ComponentReason, Image, LicenseExpression, Overlay, Release

_YES_NO = (("", "any"), ("true", "yes"), ("false", "no"))
LICENSE_VALIDITY = (("true", "valid SPDX"), ("false", "invalid or not SPDX"), ("none", "no License value"))


class YesNoWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = list(_YES_NO)


def _choices(values) -> list[tuple[str, str]]:
    return [(v, v) for v in sorted(set(values)) if v]


class ComponentFilter(django_filters.FilterSet):
    """Every filter of the package table; all of them are plain GET parameters (kept in the URL)."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    headline = django_filters.ChoiceFilter(choices=Headline.choices, label="Classification", empty_label="any")
    reason = django_filters.ChoiceFilter(method="filter_reason", label="Reason", empty_label="any")
    overlay_type = django_filters.ChoiceFilter(method="filter_overlay_type", label="Overlay type", empty_label="any")
    overlay_category = django_filters.ChoiceFilter(method="filter_overlay_category", label="Overlay category", empty_label="any")
    upstream_status = django_filters.ChoiceFilter(
        method="filter_upstream_status", label="Upstream status", empty_label="any", choices=_choices(UPSTREAM_STATUSES)
    )
    channel = django_filters.ChoiceFilter(method="filter_channel", label="Publish channel", empty_label="any")
    pinned = django_filters.BooleanFilter(method="filter_pinned", label="Pinned to a commit", widget=YesNoWidget)
    local = django_filters.BooleanFilter(method="filter_local", label="Local spec", widget=YesNoWidget)
    check_skipped = django_filters.BooleanFilter(field_name="check_skipped", label="%check skipped", widget=YesNoWidget)
    has_inconsistency = django_filters.BooleanFilter(
        field_name="has_inconsistency", label="Has an inconsistency", widget=YesNoWidget
    )
    identity_complete = django_filters.BooleanFilter(
        field_name="identity_complete", label="Identity resolved", widget=YesNoWidget
    )
    license = django_filters.CharFilter(method="filter_license", label="License (SPDX key)")
    license_family = django_filters.ChoiceFilter(
        method="filter_license_family", label="License family", empty_label="any", choices=LicenseFamily.choices
    )
    license_valid = django_filters.ChoiceFilter(
        method="filter_license_valid", label="License validity", empty_label="any", choices=LICENSE_VALIDITY
    )
    image = django_filters.ChoiceFilter(method="filter_image", label="In image", empty_label="any")
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("headline", "headline"),
            ("overlay_count", "overlays"),
            ("version", "version"),
            ("spec_origin", "origin"),
            ("config_commit__committed_at", "changed"),
        ),
        field_labels={"overlay_count": "Overlays", "config_commit__committed_at": "Configuration last changed"},
        label="Sort by",
        empty_label="name",
    )

    class Meta:
        model = Component
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, release: Release | None = None, channels: list[str] | None = None,
                 images: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.release = release
        summary = release.summary if release is not None else {}
        # Offer the values this release has (from the ingest summary, no query); fall back to every known value.
        self.filters["reason"].extra["choices"] = _choices(summary.get("by_reason") or [])
        self.filters["overlay_type"].extra["choices"] = _choices(summary.get("overlays_by_type") or OVERLAY_TYPES)
        categories = [c for c in summary.get("overlays_by_category", {}) if c != "(none)"]
        self.filters["overlay_category"].extra["choices"] = _choices(categories or OVERLAY_CATEGORIES)
        self.filters["channel"].extra["choices"] = _choices(channels or [])
        self.filters["image"].extra["choices"] = images or []

    @property
    def qs(self) -> QuerySet:
        if self.is_bound and not self.is_valid():
            # Never show (or export) more rows than asked for because one filter was not understood.
            return self.queryset.none()
        qs = super().qs
        # A stable order for pagination: the chosen column, then the name.
        ordering = list(qs.query.order_by) or ["name"]
        if "name" not in ordering and "-name" not in ordering:
            ordering.append("name")
        return qs.order_by(*ordering)

    # EXISTS subqueries instead of joins: no duplicate rows, no DISTINCT, and counts stay cheap.
    def filter_reason(self, qs, name, value: str):
        return qs.filter(Exists(ComponentReason.objects.filter(component=OuterRef("pk"), code=value)))

    def filter_overlay_type(self, qs, name, value: str):
        return qs.filter(Exists(Overlay.objects.filter(component=OuterRef("pk"), type=value)))

    def filter_overlay_category(self, qs, name, value: str):
        return qs.filter(Exists(Overlay.objects.filter(component=OuterRef("pk"), category=value)))

    def filter_upstream_status(self, qs, name, value):
        return qs.filter(Exists(Overlay.objects.filter(component=OuterRef("pk"), upstream_status=value)))

    def filter_channel(self, qs, name, value: str):
        return qs.filter(Exists(BinaryPackage.objects.filter(component=OuterRef("pk"), channel=value)))

    def filter_image(self, qs, name, value: str):
        return qs.in_image(int(value))

    # The license filters match a component when its own License or that of one of its binary packages does,
    # so that every figure of the license inventory (components and binary packages) links to its packages.
    # With `image`, only the image's binary packages count, as in the image's inventory.
    def _with_license(self, qs, expressions: QuerySet, *, or_none: bool = False):
        image = self.form.cleaned_data.get("image")
        binaries = BinaryPackage.objects.in_image(int(image)) if image else BinaryPackage.objects.all()
        own = Q(license_expression__in=expressions)
        matches = Q(license_expression__in=expressions)
        if or_none:
            own |= Q(license_expression__isnull=True)
            matches |= Q(license_expression__isnull=True)
        return qs.filter(own | Exists(binaries.filter(matches, component=OuterRef("pk"))))

    def _expressions(self) -> QuerySet:
        rows = LicenseExpression.objects.all()
        return rows.filter(release=self.release) if self.release is not None else rows

    def filter_license(self, qs, name, value: str):
        wanted = value.strip().lower()
        valid = self._expressions().filter(valid=True)  # as the inventory counts keys
        ids = [pk for pk, keys in valid.values_list("pk", "keys") if wanted in (k.lower() for k in keys)]
        return self._with_license(qs, LicenseExpression.objects.filter(pk__in=ids))

    def filter_license_family(self, qs, name, value: str):
        # A component or binary package without a License value counts as unknown, as in the inventory.
        return self._with_license(qs, self._expressions().filter(family=value), or_none=value == UNKNOWN)

    def filter_license_valid(self, qs, name, value: str):
        if value == "none":
            return self._with_license(qs, LicenseExpression.objects.none(), or_none=True)
        return self._with_license(qs, self._expressions().filter(valid=value == "true"))

    def filter_pinned(self, qs, name, value):
        return qs.exclude(upstream_commit="") if value else qs.filter(upstream_commit="")

    def filter_local(self, qs, name, value):
        return qs.filter(spec_type="local") if value else qs.exclude(spec_type="local")


def release_choices(release: Release) -> dict[str, list]:
    """The filters' choices that come from the release's rows, as ComponentFilter's keyword arguments: the publish
    channels its binary packages use and its images (id, name and profile). A release never changes after its
    ingest, so both (10 ms over 28,000 packages) are one entry of the cache, which every web process shares."""

    def choices() -> dict[str, list]:
        channels = (BinaryPackage.objects.filter(component__release=release).exclude(channel="")
                    .order_by().values_list("channel", flat=True).distinct())
        images = Image.objects.filter(release=release).order_by("name", "id").values_list("pk", "name", "profile")
        return {"channels": sorted(channels),
                "images": [(str(pk), f"{name} ({profile})" if profile else name) for pk, name, profile in images]}

    return cache.get_or_set(f"pedigree:release-choices:{release.pk}", choices, timeout=None)
