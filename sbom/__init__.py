"""SBOM generation: CycloneDX 1.6 and SPDX 2.3 documents of an ingested release."""

__version__ = "0.1.0"
