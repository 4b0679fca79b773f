"""Auditor pages: thin views over querysets; every page needs a signed-in user (middleware)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .choices import Headline
from .models import Component, Release


def release_list(request):
    releases = Release.objects.with_related()
    return render(request, "audits/release_list.html", {"releases": releases})


def release_detail(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    components = Component.objects.filter(release=release).for_table().order_by("name")
    headline = request.GET.get("headline", "")
    if headline in Headline.values:
        components = components.filter(headline=headline)
    query = request.GET.get("q", "").strip()
    if query:
        components = components.filter(name__icontains=query)
    page = Paginator(components, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audits/release_detail.html",
        {
            "release": release,
            "page": page,
            "headlines": Headline.choices,
            "headline": headline,
            "query": query,
            "inconsistencies": release.inconsistencies.select_related("component")[:200],
        },
    )


def component_detail(request, pk: int, name: str):
    component = get_object_or_404(
        Component.objects.select_related("release__distribution", "release__commit", "config_commit", "rendered_commit"),
        release_id=pk,
        name=name,
    )
    return render(
        request,
        "audits/component_detail.html",
        {
            "component": component,
            "reasons": component.reasons.all(),
            "overlays": component.overlays.all(),
            "sources_entries": component.sources_entries.all(),
            "source_files": component.source_file_overrides.all(),
            "binary_packages": component.binary_packages.all(),
            "inconsistencies": component.inconsistencies.all(),
            "rendered_spec": getattr(component, "rendered_spec", None),
        },
    )
