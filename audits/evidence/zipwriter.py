"""TRANSITIONAL alias of `evidence.zipwriter` for sbom/services/signatures.py only (see __init__.py)."""

from evidence.zipwriter import BundleFile  # noqa: F401
