"""VEX: CVE identifiers tied to the overlays (backports and removed patches), and imported advisories
matched to a release's components (docs/vex.md).

Owns: CVE discovery (`cves.py`, PURE), the scan of a release that stores the findings (`services/scan.py`,
`VexScan`, `CveFinding`), advisory parsing (`advisories.py`, PURE) and import (`services/advisories.py`,
`Advisory`, `AdvisoryPackage`), matching advisories to components (`services/matching.py`), the pages and
the API. May import: Django, `access`, `jobs` and `audits` (the layers below). `sbom` (above) imports it
to put the statements into its CycloneDX and CSAF documents; nothing here imports `sbom`.
"""
