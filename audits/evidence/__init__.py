"""PURE PYTHON: evidence bundles (deterministic ZIP + manifest), their offline checker, and OSCAL.

Nothing here imports Django: a third party can re-verify a bundle with `check.py` alone.
"""

GENERATOR_NAME = "Pedigree evidence bundle generator"
__version__ = "1.0.0"
MANIFEST_NAME = "manifest.json"
BUNDLE_FORMAT = "pedigree-evidence-bundle"
BUNDLE_FORMAT_VERSION = 1
