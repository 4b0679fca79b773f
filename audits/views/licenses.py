"""A release's license inventory, as a page and as CSV/XLSX."""

from __future__ import annotations

import io

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import export_required, viewer_required

from ..exports import XLSX_CONTENT_TYPE, write_csv, write_xlsx
from ..licenses import FAMILY_LABELS
from ..models import Component, Release
from ..services.licenses import INVENTORY_COLUMNS, inventory_rows, license_inventory
from .common import render_page


@require_GET
@viewer_required
def license_inventory_page(request, pk: int):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    inventory = license_inventory(Component.objects.filter(release=release))
    record_access(request, AccessAction.VIEW, f"license inventory of release {release.pk}", release=release)
    return render_page(request, "audits/licenses.html", {
        "release": release,
        "inventory": inventory,
        "validity": (("true", inventory.valid), ("false", inventory.invalid), ("none", inventory.missing)),
        "families": [(FAMILY_LABELS[count.name], count) for count in inventory.by_family],
        "table_url": reverse("audits:release-detail", args=[release.pk]),
    })


@require_GET
@export_required
def export_license_inventory(request, pk: int, fmt: str):
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    rows = inventory_rows(license_inventory(Component.objects.filter(release=release)))
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, INVENTORY_COLUMNS, rows, title="Licenses")
        content, content_type = out.getvalue(), XLSX_CONTENT_TYPE
    else:
        text = io.StringIO()
        write_csv(text, INVENTORY_COLUMNS, rows)
        content, content_type = text.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    response = file_response(request, content, file_name=f"pedigree-release-{release.pk}-licenses.{fmt}",
                             content_type=content_type)
    record_access(request, AccessAction.EXPORT, f"license inventory of release {release.pk} as {fmt.upper()}",
                  release=release)
    return response
