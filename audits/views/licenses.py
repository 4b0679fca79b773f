"""The license inventory of a release, or of one of its images (`?image=<id>`), as a page and as CSV/XLSX."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.api.converters import parse_id
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import export_required, viewer_required

from ..exports import export_bytes
from ..licenses import FAMILY_LABELS, LicenseInventory
from ..models import Component, Image, Release
from ..services.licenses import INVENTORY_COLUMNS, image_license_inventory, inventory_rows, license_inventory
from .common import render_page


def _inventory(request, pk: int) -> tuple[Release, Image | None, LicenseInventory]:
    """The release, the image `?image=` names (404 when it is not one of the release's) and their inventory."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    if "image" not in request.GET:
        return release, None, license_inventory(Component.objects.filter(release=release))
    image_pk = parse_id(request.GET["image"])
    if image_pk is None:
        raise Http404("no such image")
    image = get_object_or_404(Image.objects.only("id", "name", "profile", "release_id"), pk=image_pk, release=release)
    return release, image, image_license_inventory(image)


def _subject(release: Release, image: Image | None) -> str:
    return f"image {image.name} of release {release.pk}" if image else f"release {release.pk}"


@require_GET
@viewer_required
def license_inventory_page(request, pk: int):
    release, image, inventory = _inventory(request, pk)
    record_access(request, AccessAction.VIEW, f"license inventory of {_subject(release, image)}", release=release)
    return render_page(request, "audits/licenses.html", {
        "release": release,
        "image": image,
        "inventory": inventory,
        "validity": (("true", inventory.valid), ("false", inventory.invalid), ("none", inventory.missing)),
        "families": [(FAMILY_LABELS[count.name], count) for count in inventory.by_family],
        "table_url": reverse("audits:release-detail", args=[release.pk]),
        # the package table's filters for each figure: the image's packages only, for an image
        "table_query": f"image={image.pk}&" if image else "",
        "scope_query": f"?image={image.pk}" if image else "",
    })


@require_GET
@export_required
def export_license_inventory(request, pk: int, fmt: str):
    release, image, inventory = _inventory(request, pk)
    rows = inventory_rows(inventory)
    content, content_type = export_bytes(fmt, INVENTORY_COLUMNS, rows, title="Licenses")
    stem = f"pedigree-release-{release.pk}" + (f"-image-{image.pk}" if image else "")
    response = file_response(request, content, file_name=f"{stem}-licenses.{fmt}", content_type=content_type)
    record_access(request, AccessAction.EXPORT, f"license inventory of {_subject(release, image)} as {fmt.upper()}",
                  release=release)
    return response
