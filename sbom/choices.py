from django.db import models


class SbomFormat(models.TextChoices):
    CYCLONEDX_JSON = "cyclonedx-json", "CycloneDX JSON"
    CYCLONEDX_XML = "cyclonedx-xml", "CycloneDX XML"
    SPDX_JSON = "spdx-json", "SPDX JSON"


# Content type and file-name suffix of each format (the file name is `<release slug>[-<component>]<suffix>`).
CONTENT_TYPES = {
    SbomFormat.CYCLONEDX_JSON: "application/vnd.cyclonedx+json; version=1.6",
    SbomFormat.CYCLONEDX_XML: "application/vnd.cyclonedx+xml; version=1.6",
    SbomFormat.SPDX_JSON: "application/spdx+json",
}
SUFFIXES = {
    SbomFormat.CYCLONEDX_JSON: ".cdx.json",
    SbomFormat.CYCLONEDX_XML: ".cdx.xml",
    SbomFormat.SPDX_JSON: ".spdx.json",
}
