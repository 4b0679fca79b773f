"""Evidence bundles: a deterministic, hash-anchored ZIP per component or release, its offline checker,
the OSCAL assessment results and the auditor's PDF report (docs/evidence.md).

Owns: the `EvidenceBundle` model, building and storing bundles (`services/`), the evidence job and its
task, the bundle pages, the evidence API and the `check_evidence` command.
May import: Django, `jobs`, `audits` and `sbom` (the layers below). No app below imports `evidence`:
only portal/urls.py and the settings name it, and the app that signs registers its signature provider
(`services.providers.register_signature_provider`) from its `AppConfig.ready` (today SbomConfig, until
signing has an app of its own above this one).

PURE PYTHON, no Django imports: this package's top-level modules `zipwriter.py` (ZIP + manifest),
`check.py` (the offline checker), `oscal.py` and `pdf.py`, and this file, so that a third party can
re-verify a bundle with `python -m evidence.check FILE.zip` and nothing but the standard library.
"""

GENERATOR_NAME = "Pedigree evidence bundle generator"
__version__ = "1.0.0"
MANIFEST_NAME = "manifest.json"
BUNDLE_FORMAT = "pedigree-evidence-bundle"
BUNDLE_FORMAT_VERSION = 1
