"""SBOM generation: CycloneDX 1.6 (JSON, XML) and SPDX 2.3 documents of a release and of each component,
with the Fedora ancestor and the overlays as pedigree (docs/sbom.md).

Owns: the `SbomDocument` model, building, serialising and validating the documents (services/), the
SBOM job (tasks.py, registered with `jobs` in `SbomConfig.ready`), the SBOM pages and downloads and the
SBOM API. May import: Django, cyclonedx-python-lib, spdx-tools, `access`, `jobs` and `audits`. Never
`evidence` or `signing` (above): signing after an SBOM job goes through the jobs registry.
"""

__version__ = "0.2.0"
