"""The comparison of two releases, on a page and as CSV."""

from __future__ import annotations

import io

from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.api.converters import parse_id
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import export_required, viewer_required

from ..exports import write_csv
from ..models import Release
from ..services.compare import COMPARISON_COLUMNS, compare_releases
from .common import HEADLINE_LABELS, render_page


def _pick_releases(request) -> tuple[Release | None, Release | None]:
    def pick(key: str) -> Release | None:
        pk = parse_id(request.GET.get(key, ""))
        return get_object_or_404(Release.objects.with_related(), pk=pk) if pk is not None else None

    return pick("old"), pick("new")


@require_GET
@viewer_required
def compare(request):
    releases = list(Release.objects.with_related())
    old, new = _pick_releases(request)
    comparison = compare_releases(old, new) if old and new else None
    if comparison is not None:
        record_access(request, AccessAction.VIEW, f"comparison of release {old.pk} with release {new.pk}", release=new)
    return render_page(
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
    response = file_response(request, text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8",
                             file_name=f"pedigree-compare-{old.pk}-{new.pk}.csv")
    record_access(request, AccessAction.EXPORT, f"comparison of release {old.pk} with release {new.pk} as CSV", release=new)
    return response
