"""Policies as code: the versioned policy file, its rule engine (`rules.py`, pure), the findings of
every release, waivers, and the signed sign-off of a release.

Layer: above `reviews` (a sign-off needs every review decided), below `sbom`. It may import
`access`, `jobs`, `audits` and `reviews`. Signing the sign-off goes through the attestation-signer
extension point (`services/signoff.py`), which `signing` registers; nothing here imports `signing`,
`evidence` or `sbom`.
"""
