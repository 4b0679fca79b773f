"""Template tags that let audits pages show SBOM panels without importing the sbom app.

Download URL names are `sbom:release-<format>`, `sbom:component-<format>` and `sbom:image-<format>` (sbom/urls.py).
"""

from django import template
from django.db.models.fields.json import KeyTransform

from ..choices import SbomFormat
from ..models import SbomDocument

register = template.Library()


@register.inclusion_tag("sbom/_release_panel.html")
def release_sbom_panel(release, can):
    documents = list(
        SbomDocument.objects.release_wide().defer("content").filter(release=release).order_by("format")
    )
    for document in documents:
        document.url_name = f"sbom:release-{document.format}"
    return {"release": release, "documents": documents, "can": can}


@register.inclusion_tag("sbom/_component_links.html")
def component_sbom_links(release, name):
    formats = [(f"sbom:component-{fmt.value}", fmt.label) for fmt in SbomFormat]
    return {"release": release, "name": name, "formats": formats}


@register.inclusion_tag("sbom/_component_problems.html")
def component_publication_problems(release, name):
    """What the component's SBOM documents left out of its repository values and why (sanitise.py), as
    recorded with them: the release's or the component's stored documents. One query, and only this
    component's entry of the release documents' problems is read."""
    recorded = (SbomDocument.objects.not_images().filter(release=release, component_name__in=["", name])
                .annotate(mine=KeyTransform(name, "problems")).values_list("mine", flat=True))
    problems = next((p for p in recorded if p), [])
    return {"problems": problems}


@register.inclusion_tag("sbom/_image_panel.html")
def image_sbom_panel(release, image_name):
    """The image's stored CycloneDX documents (the release's SBOM job makes them); one query."""
    documents = list(SbomDocument.objects.defer("content").filter(release=release, image_name=image_name).order_by("format"))
    for document in documents:
        document.url_name = f"sbom:image-{document.format}"
    return {"release": release, "image_name": image_name, "documents": documents}
