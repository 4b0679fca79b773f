"""Template tags that let audits pages show SBOM panels without importing the sbom app."""

from django import template

from ..choices import SbomFormat
from ..models import SbomDocument

register = template.Library()

# Format -> URL name of the release download (the same order as the table on the panel).
RELEASE_URL_NAMES = {
    SbomFormat.CYCLONEDX_JSON: "sbom:release-cyclonedx-json",
    SbomFormat.CYCLONEDX_XML: "sbom:release-cyclonedx-xml",
    SbomFormat.SPDX_JSON: "sbom:release-spdx-json",
}
COMPONENT_URL_NAMES = {
    SbomFormat.CYCLONEDX_JSON: "sbom:component-cyclonedx-json",
    SbomFormat.CYCLONEDX_XML: "sbom:component-cyclonedx-xml",
    SbomFormat.SPDX_JSON: "sbom:component-spdx-json",
}


@register.inclusion_tag("sbom/_release_panel.html")
def release_sbom_panel(release, can):
    documents = list(
        SbomDocument.objects.defer("content").filter(release=release, component_name="").order_by("format")
    )
    for document in documents:
        document.url_name = RELEASE_URL_NAMES[SbomFormat(document.format)]
    return {"release": release, "documents": documents, "can": can}


@register.inclusion_tag("sbom/_component_links.html")
def component_sbom_links(release, name):
    return {
        "release": release,
        "name": name,
        "formats": [(url_name, SbomFormat(fmt).label) for fmt, url_name in COMPONENT_URL_NAMES.items()],
    }
