"""Auditor pages: thin views over querysets, filters and services.

Every page needs a signed-in user (portal.middleware) and a role: what a user may
read and do is decided in audits.permissions, applied here as decorators. Pages and exports that show release
data are recorded in the access log (audits.access).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from jobs.choices import JobKind
from jobs.models import Job
from jobs.services import JobNotQueued, enqueue_job

from .access import record_access
from .azldev.classify import HEADLINE_PRECEDENCE
from .azldev.overlay_words import explain_overlay
from .charts import bars
from .choices import AccessAction, Headline, UpstreamVerdict
from .exports import (
    COMPONENT_COLUMNS,
    XLSX_CONTENT_TYPE,
    component_rows,
    write_csv,
    write_xlsx,
)
from .filters import ComponentFilter, release_channels
from .forms import IngestForm
from .highlight import overlay_marks, render_spec
from .links import repo_link, safe_url, upstream_links
from .models import (
    AccessLog,
    Component,
    ComponentReason,
    Overlay,
    Release,
    UpstreamVerification,
)
from .permissions import (
    Capabilities,
    access_log_required,
    can_export,
    export_required,
    job_starter_required,
    viewer_required,
)
from .querysets import newest_upstream
from .services.compare import COMPARISON_COLUMNS, compare_releases

PAGE_SIZE = 100
# (ComponentFilter "sort" value, column heading) of the sortable table columns.
SORT_COLUMNS = (("name", "Component"), ("headline", "Classification"), ("version", "Version"), ("overlays", "Overlays"),
                ("origin", "Spec origin"), ("changed", "Configuration changed"))
HEADLINE_LABELS = dict(Headline.choices)


def _render(request, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"can": Capabilities(request.user), **context}, status=status)


# ----------------------------------------------------------------------------- releases and ingests


def _ingest_form(release: Release | None = None) -> IngestForm:
    if release is not None:
        return IngestForm(initial={"source": release.source_url, "ref": release.ref})
    return IngestForm(initial={"source": settings.PEDIGREE_DEFAULT_SOURCE, "ref": settings.PEDIGREE_DEFAULT_REF})


@require_GET
@viewer_required
def release_list(request):
    can = Capabilities(request.user)
    jobs = list(Job.objects.filter(kind=JobKind.INGEST).select_related("release")[:10]) if can.start_jobs else []
    return _render(
        request,
        "audits/release_list.html",
        {
            "releases": Release.objects.with_related(),
            "jobs": jobs,
            "ingest_form": _ingest_form() if can.start_jobs else None,
        },
    )


def queue_job(request, kind: str, params: dict[str, Any], *, release: Release | None = None) -> Job | None:
    """Queue a job for a button or form; None, with the reason shown as a message, when the broker is down.

    Every view that starts a job goes through here (signing and evidence buttons too), so that
    none of them fails with a 500 or leaves a row queued forever when jobs cannot be queued.
    """
    try:
        return enqueue_job(kind, params, user=request.user, release=release)
    except JobNotQueued as exc:
        messages.error(request, str(exc))
        return None


def start_release_job(request, release: Release, kind: str, what: str) -> HttpResponse:
    """What a release's job button answers: queue the job, log the start, say so, back to the release page
    (the release page, with the broker's message, when jobs cannot be queued)."""
    job = queue_job(request, kind, {"release_id": release.pk}, release=release)
    if job is None:
        return redirect("audits:release-detail", release.pk)
    record_access(request, AccessAction.START_JOB, f"{what} job {job.pk} of release {release.pk}", release=release)
    messages.success(request, f"The {what} of this release is queued as job {job.pk}; its progress shows below.")
    return redirect(reverse("audits:release-detail", args=[release.pk]) + f"#job-{job.pk}")


@require_POST
@job_starter_required
def start_ingest(request):
    form = IngestForm(request.POST)
    if not form.is_valid():
        return _render(request, "audits/ingest_form.html", {"ingest_form": form}, status=400)
    source, ref = form.cleaned_data["source"], form.cleaned_data["ref"]
    job = queue_job(request, JobKind.INGEST, {"source": source, "ref": ref})
    if job is None:
        return _render(request, "audits/ingest_form.html", {"ingest_form": form}, status=503)
    record_access(request, AccessAction.START_JOB, f"ingest job {job.pk}: {source} at {ref}")
    messages.success(request, f"The ingest of {source} at {ref} is queued as job {job.pk}; its progress shows below.")
    return redirect(reverse("audits:release-list") + f"#job-{job.pk}")


@require_POST
@job_starter_required
def start_upstream_verification(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    return start_release_job(request, release, JobKind.UPSTREAM, "upstream verification")


def _upstream_verdict_counts(release: Release) -> list[tuple[str, str, int]]:
    """(verdict, label, components) by each component's newest upstream verification; [] when none."""
    if not UpstreamVerification.objects.filter(component__release=release).exists():
        return []  # the per-component subquery below costs ~20 ms on a full release
    rows = (
        Component.objects.filter(release=release).order_by().with_newest_upstream("verdict")
        .exclude(upstream_verdict=None).values("upstream_verdict").annotate(n=Count("id"))
    )  # fmt: skip
    counts = {row["upstream_verdict"]: row["n"] for row in rows}
    return [(value, label, counts[value]) for value, label in UpstreamVerdict.choices if counts.get(value)]


def _summary_sentence(release: Release) -> str:
    by = release.summary.get("by_headline", {})
    total = release.summary.get("components", 0)
    if not total:
        return "This release has no components."
    intact = by.get("intact", 0)
    parts = [f"Of {total:,} components, {intact:,} ({100 * intact / total:.0f} %) are Fedora-intact"]
    words = {
        "altered": "changed by overlays or source files",
        "pinned": "taken from another point of Fedora's history",
        "build-customised": "built with different options",
        "local": "built from specs written in this repository",
    }
    rest = [f"{by[k]:,} {words[k]}" for k in ("altered", "pinned", "build-customised", "local") if by.get(k)]
    return parts[0] + ("; " + ", ".join(rest) if rest else "") + "."


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
TABLE_FIELDS = ("name", "headline", "version", "version_expanded", "overlay_count", "spec_origin", "upstream_commit",
                "check_skipped", "has_inconsistency", "release_id")


def _table_context(request, release: Release) -> dict[str, Any]:
    components = Component.objects.filter(release=release).only(*TABLE_FIELDS).annotate(changed=F("config_commit__committed_at"))
    filterset = ComponentFilter(request.GET or None, components, release=release, channels=release_channels(release))
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


@require_GET
@viewer_required
def release_detail(request, pk: int):
    """The release dashboard, with the package table (filters kept in the URL) underneath."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    summary = release.summary
    upstream_status = dict(
        Overlay.objects.filter(component__release=release).order_by().values_list("upstream_status").annotate(n=Count("id"))
    )
    upstream_status = {k or "(none)": v for k, v in upstream_status.items()}
    inconsistencies = release.inconsistencies.select_related("component").only(
        "kind", "path", "detail", "component__name", "release_id"
    )
    jobs = list(release.jobs.select_related("created_by")[:20])
    context = {
        "release": release,
        "tree_url": repo_link(release, "tree"),
        "sentence": _summary_sentence(release),
        "headline_bars": bars(summary.get("by_headline", {}), HEADLINE_LABELS, HEADLINE_PRECEDENCE[::-1]),
        "reason_bars": bars(summary.get("by_reason", {})),
        "overlay_types": sorted(summary.get("overlays_by_type", {}).items(), key=lambda kv: (-kv[1], kv[0])),
        "overlay_categories": sorted(summary.get("overlays_by_category", {}).items(), key=lambda kv: (-kv[1], kv[0])),
        "upstream_statuses": sorted(upstream_status.items(), key=lambda kv: (-kv[1], kv[0])),
        "top_overlays": Component.objects.filter(release=release, overlay_count__gt=0)
        .order_by("-overlay_count", "name")
        .only("name", "overlay_count", "headline")[:10],
        "inconsistencies": inconsistencies[:300],
        "inconsistency_total": sum(summary.get("inconsistencies", {}).values()),
        "jobs": jobs,
        "ingest_form": _ingest_form(release),
        "upstream_counts": _upstream_verdict_counts(release),
        **_table_context(request, release),
    }
    record_access(request, AccessAction.VIEW, f"release {release.pk} ({release.distribution.name} {release.version})", release=release)
    return _render(request, "audits/release_detail.html", context)


def _export_rows(request, release: Release):
    components = (
        Component.objects.filter(release=release)
        .select_related("rendered_spec")
        .only("name", "headline", "overlay_count", "spec_origin", "upstream_commit", "check_skipped", "rendered_spec__sha256")
    )
    filterset = ComponentFilter(request.GET or None, components, release=release, channels=release_channels(release))
    return component_rows(filterset.qs.prefetch_related(Prefetch("reasons", ComponentReason.objects.only("component_id", "code"))))


@require_GET
@export_required
def export_components(request, pk: int, fmt: str):
    """Exactly the rows of the table with the same GET parameters, as CSV or XLSX."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    rows = _export_rows(request, release)
    name = f"pedigree-release-{release.pk}-components"
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, COMPONENT_COLUMNS, rows)
        response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    else:
        text = io.StringIO()
        write_csv(text, COMPONENT_COLUMNS, rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
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
            "release__distribution", "release__commit", "config_commit", "rendered_commit", "rendered_spec"
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
    context = {
        "component": component,
        "release": release,
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
        "binary_packages": component.binary_packages.all(),
        "inconsistencies": component.inconsistencies.all(),
        "history": [
            (entry, repo_link(release, "commit", entry.commit.sha))
            for entry in component.history.select_related("commit")
        ],
        "rendered_spec": spec,
        "upstream": newest_upstream(component),
        "spec_html": render_spec(spec.text, marks) if spec else "",
        "marked_lines": len(marks),
    }
    record_access(request, AccessAction.VIEW, f"component {component.name} of release {release.pk}", release=release)
    return _render(request, "audits/component_detail.html", context)


# ----------------------------------------------------------------------------- comparison


def _pick_releases(request) -> tuple[Release | None, Release | None]:
    def pick(key: str) -> Release | None:
        value = request.GET.get(key, "")
        return get_object_or_404(Release.objects.with_related(), pk=int(value)) if value.isdigit() else None

    return pick("old"), pick("new")


@require_GET
@viewer_required
def compare(request):
    releases = list(Release.objects.with_related())
    old, new = _pick_releases(request)
    comparison = compare_releases(old, new) if old and new else None
    if comparison is not None:
        record_access(request, AccessAction.VIEW, f"comparison of release {old.pk} with release {new.pk}", release=new)
    return _render(
        request,
        "audits/compare.html",
        {"releases": releases, "old": old, "new": new, "comparison": comparison, "headline_labels": HEADLINE_LABELS},
    )


@require_GET
@export_required
def compare_export(request):
    old, new = _pick_releases(request)
    if not (old and new):
        return redirect("audits:compare")
    text = io.StringIO()
    write_csv(text, COMPARISON_COLUMNS, compare_releases(old, new).rows())
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pedigree-compare-{old.pk}-{new.pk}.csv"'
    record_access(request, AccessAction.EXPORT, f"comparison of release {old.pk} with release {new.pk} as CSV", release=new)
    return response


# ----------------------------------------------------------------------------- access log


@require_GET
@access_log_required
def access_log(request):
    entries = AccessLog.objects.all()
    username = request.GET.get("user", "").strip()
    if username:
        entries = entries.filter(username=username)
    action = request.GET.get("action", "")
    if action in AccessAction.values:
        entries = entries.filter(action=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "audits/access_log.html",
        {"page": page, "username": username, "action": action, "actions": AccessAction.choices, "can_export": can_export(request.user)},
    )
