"""The package table of the release dashboard (filters and sorting kept in the URL), its CSV/XLSX export, and the
package page of one component."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import export_required, viewer_required

from ..azldev.overlay_words import explain_overlay
from ..exports import COMPONENT_COLUMNS, component_rows, export_bytes
from ..filters import ComponentFilter, release_choices
from ..highlight import overlay_marks, render_spec
from ..links import repo_link, safe_url, upstream_links
from ..models import Component, ComponentReason, Overlay, Release
from ..querysets import newest_upstream
from ..services.licenses import FedoraLicense, compare_with_fedora
from .common import PAGE_SIZE, render_page

# (ComponentFilter "sort" value, column heading) of the sortable table columns.
SORT_COLUMNS = (("name", "Component"), ("headline", "Classification"), ("version", "Version"), ("overlays", "Overlays"),
                ("origin", "Spec origin"), ("changed", "Configuration changed"))


# ----------------------------------------------------------------------------- the package table and its export


@dataclass(frozen=True)
class FilterControl:
    name: str
    label: str
    value: str
    choices: list[tuple[str, str]]  # empty for a text input


def _filter_controls(request, filterset: ComponentFilter) -> list[FilterControl]:
    """The filter form as plain data: rendering Django's select widgets costs more than the table itself."""
    controls = []
    for bound in filterset.form:
        field = bound.field
        choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None) or []
        controls.append(FilterControl(bound.name, str(bound.label), request.GET.get(bound.name, ""), [(str(v), str(l)) for v, l in choices]))
    return controls


# Only what the table shows: the JSON columns and commit messages would be read and thrown away.
TABLE_FIELDS = ("name", "headline", "epoch", "version", "version_expanded", "release_expanded", "identity_complete",
                "identity_unresolved", "overlay_count", "spec_origin", "upstream_commit", "check_skipped",
                "has_inconsistency", "release_id")


def table_context(request, release: Release) -> dict[str, Any]:
    """The package table of the dashboard: a page of the filtered, sorted components with the filter form as data."""
    components = Component.objects.filter(release=release).only(*TABLE_FIELDS).annotate(changed=F("config_commit__committed_at"))
    filterset = ComponentFilter(request.GET or None, components, release=release, **release_choices(release))
    qs = filterset.qs.prefetch_related(Prefetch("reasons", ComponentReason.objects.only("component_id", "code")))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    current = request.GET.get("sort", "")
    columns = []
    for key, label in SORT_COLUMNS:
        state = "ascending" if current == key or (key == "name" and not current) else "descending" if current == f"-{key}" else ""
        columns.append({"label": label, "value": f"-{key}" if state == "ascending" else key, "state": state})
    return {
        "filterset": filterset,
        "filter_controls": _filter_controls(request, filterset),
        "page": page,
        "sort_columns": columns,
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "component_base_url": reverse("audits:component-detail", args=[release.pk, "-"])[:-2],
    }


def _export_rows(request, release: Release):
    components = (
        Component.objects.filter(release=release)
        .for_export()
    )
    filterset = ComponentFilter(request.GET or None, components, release=release, **release_choices(release))
    return component_rows(filterset.qs.prefetch_related(Prefetch("reasons", ComponentReason.objects.only("component_id", "code"))))


@require_GET
@export_required
def export_components(request, pk: int, fmt: str):
    """Exactly the rows of the table with the same GET parameters, as CSV or XLSX."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    content, content_type = export_bytes(fmt, COMPONENT_COLUMNS, _export_rows(request, release))
    response = file_response(request, content, file_name=f"pedigree-release-{release.pk}-components.{fmt}",
                             content_type=content_type)
    record_access(request, AccessAction.EXPORT, f"components of release {release.pk} as {fmt.upper()}", release=release)
    return response


# ----------------------------------------------------------------------------- the package page


def _walk(config: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted provenance key; segments may themselves contain dots (define names)."""
    node: Any = config
    parts = dotted.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(node, dict):
            return None
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in node:
                node, i = node[key], j
                break
        else:
            return None
    return node


LAYER_WORDS = {
    "component": "this component's own configuration",
    "distro": "the distro version defaults",
    "project": "the project defaults",
    "overlay-file": "an overlay file",
    "default": "the default",
}


def _layer_words(layer: str) -> str:
    words = []
    for part in layer.split(","):
        part = part.strip()
        if part.startswith("group:"):
            words.append(f"component group {part[6:]}")
        else:
            words.append(LAYER_WORDS.get(part, part))
    return ", ".join(words)


def _value_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _settings_rows(component: Component) -> list[dict[str, str]]:
    return [
        {"key": key, "value": _value_text(_walk(component.resolved_config, key)), "layer": layer, "layer_words": _layer_words(layer)}
        for key, layer in sorted(component.provenance.items())
    ]


def _fedora_license(component: Component) -> FedoraLicense:
    """The License against the Fedora spec of the newest upstream verification (its text is not on the row)."""
    newest = component.upstream_verifications.order_by("-verified_at", "-id").values_list("upstream_spec_blob__text", flat=True)
    return compare_with_fedora(component, newest.first() or "")


@dataclass
class OverlayView:
    number: int
    overlay: Overlay
    sentence: str
    parameters: list[tuple[str, str]]
    commit_links: list[tuple[str, str]]
    bug_links: list[tuple[str, str]]
    lines: list[int]
    source_url: str


@require_GET
@viewer_required
def component_detail(request, pk: int, name: str):
    component = get_object_or_404(
        Component.objects.select_related(
            "release__distribution", "release__commit", "config_commit", "rendered_commit", "rendered_spec__blob",
            "license_expression",
        ).with_newest_upstream(),  # one statement: the package page has a query budget
        release_id=pk,
        name=name,
    )  # fmt: skip
    release = component.release
    spec = getattr(component, "rendered_spec", None)
    overlays = list(component.overlays.all())
    marks = overlay_marks(spec.text, overlays) if spec and overlays else {}
    lines_by_overlay: dict[int, list[int]] = {}
    for line, numbers in marks.items():
        for n in numbers:
            lines_by_overlay.setdefault(n, []).append(line)
    overlay_views = [
        OverlayView(
            number=i,
            overlay=o,
            sentence=explain_overlay(o),
            parameters=[(k, "\n".join(v) if isinstance(v, list) else _value_text(v)) for k, v in o.parameters.items() if k != "type"],
            commit_links=[(url, safe_url(url)) for url in o.commits],
            bug_links=[(url, safe_url(url)) for url in o.bugs],
            lines=lines_by_overlay.get(i, []),
            source_url=repo_link(release, "blob", o.source_path) if o.source_path else "",
        )
        for i, o in enumerate(overlays, start=1)
    ]
    upstream = newest_upstream(component)
    context = {
        "component": component,
        "release": release,
        "license": component.license_expression,
        "fedora_license": _fedora_license(component) if upstream is not None else None,
        "reasons": component.reasons.all(),
        "overlays": overlay_views,
        "upstream_links": upstream_links(component),
        "defined_in_url": repo_link(release, "blob", component.defined_in) if component.defined_in else "",
        "config_files": [(path, repo_link(release, "blob", path)) for path in component.config_files],
        "tree_url": repo_link(release, "tree"),
        "config_commit_url": repo_link(release, "commit", component.config_commit.sha) if component.config_commit else "",
        "rendered_commit_url": repo_link(release, "commit", component.rendered_commit.sha) if component.rendered_commit else "",
        "spec_url": repo_link(release, "blob", spec.path) if spec else "",
        "settings_rows": _settings_rows(component),
        "sources_entries": component.sources_entries.all(),
        "source_files": component.source_file_overrides.all(),
        "binary_packages": component.binary_packages.select_related("license_expression"),
        "inconsistencies": component.inconsistencies.all(),
        "history": [
            (entry, repo_link(release, "commit", entry.commit.sha))
            for entry in component.history.select_related("commit")
        ],
        "rendered_spec": spec,
        "upstream": upstream,
        "spec_html": render_spec(spec.text, marks) if spec else "",
        "marked_lines": len(marks),
    }
    record_access(request, AccessAction.VIEW, f"component {component.name} of release {release.pk}", release=release)
    return render_page(request, "audits/component_detail.html", context)
