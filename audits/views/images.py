"""The image page (one images.toml entry with its profile: its packages, their verdicts, the closure) and its
CSV/XLSX export."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import export_required, viewer_required

from ..azldev.classify import HEADLINE_PRECEDENCE, INTACT
from ..charts import bars
from ..exports import IMAGE_PACKAGE_COLUMNS, export_bytes, image_package_rows
from ..images import IN_IMAGE
from ..licenses import FAMILY_LABELS
from ..models import Image
from ..services.licenses import image_license_inventory
from .common import HEADLINE_LABELS, render_page

UNRESOLVED = "unresolved"  # chart key of packages that map to no component


def _image(pk: int, image_pk: int) -> Image:
    return get_object_or_404(Image.objects.with_release(), pk=image_pk, release_id=pk)


@require_GET
@viewer_required
def image_detail(request, pk: int, image_pk: int):
    image = _image(pk, image_pk)
    rows = list(image.packages.for_table())
    in_image = [p for p in rows if p.role in IN_IMAGE]
    shown = request.GET.get("headline", "")  # a bar of the chart: the in-image packages of one headline
    if shown:
        rows = [p for p in in_image if (p.component.headline if p.component else UNRESOLVED) == shown]
    counts = image.packages.in_image().headline_counts()
    licenses = image_license_inventory(image)
    context = {
        "image": image,
        "release": image.release,
        "packages": rows,
        "shown_headline": HEADLINE_LABELS.get(shown, "no component found" if shown == UNRESOLVED else shown),
        "in_image_count": len(in_image),
        "intact_count": counts.get(INTACT, 0),
        "altered": [p for p in in_image if p.component and p.component.headline != INTACT],
        "unresolved": [p for p in in_image if not p.binary],
        "identity_unresolved": [p for p in in_image if p.component and not p.component.identity_complete],
        "headline_bars": bars(counts, {**HEADLINE_LABELS, UNRESOLVED: "no component found"},
                              (*HEADLINE_PRECEDENCE[::-1], UNRESOLVED)),
        "licenses": licenses,
        "license_families": [(FAMILY_LABELS[count.name], count) for count in licenses.by_family],
    }
    record_access(request, AccessAction.VIEW, f"image {image.name} of release {image.release_id}", release=image.release)
    return render_page(request, "audits/image_detail.html", context)


@require_GET
@export_required
def export_image_packages(request, pk: int, image_pk: int, fmt: str):
    """Every package row of the image page, as CSV or XLSX."""
    image = _image(pk, image_pk)
    content, content_type = export_bytes(fmt, IMAGE_PACKAGE_COLUMNS, image_package_rows(image.packages.for_table()),
                                         title="Image packages")  # not the image's name: sheet titles refuse []:*?/\
    response = file_response(request, content, file_name=f"pedigree-release-{image.release_id}-image-{image.pk}.{fmt}",
                             content_type=content_type)
    record_access(request, AccessAction.EXPORT, f"packages of image {image.name} of release {image.release_id} as {fmt.upper()}",
                  release=image.release)
    return response
