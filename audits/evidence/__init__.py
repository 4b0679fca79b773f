"""TRANSITIONAL: the evidence core moved to the `evidence` app (evidence/zipwriter.py, check.py, oscal.py,
pdf.py). Only sbom/services/signatures.py, which is being moved to the `signing` app, still imports
`audits.evidence.zipwriter.BundleFile`; delete this package once its imports name `evidence.zipwriter`.
Nothing else may import it.
"""
