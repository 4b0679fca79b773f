"""Sigstore signing and signature verification of a release's artifacts (docs/signing.md).

Owns: the `SigningPolicy`, `SignatureBundle` and `SignatureVerification` models (tables still named
sbom_*: moved from sbom by state-only migrations), keyless signing and pinned-root verification
(services/signing.py, services/verification.py: no Django), the signatures kept in the database
(services/signatures.py), the sign and verify jobs and scheduled re-verification (tasks.py), the
signature pages, downloads and uploads (views.py, urls.py: still under /sbom/), the signature
panels (templatetags/signing_tags.py, templates/signing/), the signature-bundle API (api.py), and
the signatures that evidence bundles carry (registered with audits' evidence in `SigningConfig.ready`).
May import: Django, sigstore, jobs, audits (models, roles, API plumbing, evidence), sbom (its
models) and evidence's models. Nothing imports signing except portal/urls.py and the settings:
jobs queue the sign and verify kinds through the jobs registry (`enqueue_follow_on(job_id,
JobKind.SIGN)` after an SBOM or evidence job), and other apps' pages reach its panels through
its template tags.
"""
