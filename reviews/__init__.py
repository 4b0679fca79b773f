"""Reviews of every divergence: an auditor's decision about each component of a release that is not
Fedora-intact, with who, when, why and a comment thread, carried forward to later releases while the
divergence's fingerprint stays the same (docs/reviews.md).

Owns: Review, ReviewEvent (the append-only history); the fingerprint (`fingerprint.py`, PURE PYTHON,
no Django); creating reviews after an ingest (`services/lifecycle.py`, connected to
`audits.signals.release_written` in `ReviewsConfig.ready`); decisions and comments
(`services/decisions.py`); the review queue and panels (views.py, templates/reviews/), the review API
(api/), `manage.py reviews` and `manage.py sync_reviews`.
May import: Django, DRF, `access`, `jobs`, `audits`. Above it: sbom, evidence, signing.

Stable interface for other apps (policies and sign-off build on it; keep it so):
- models `Review` (release, component, state, fingerprint, decided_by, decided_by_key, decided_by_name,
  decided_at, justification, ticket_url, waived_until, carried_from, version) and `ReviewEvent`
  (review, kind, state, text, actor, api_key, actor_name, at; never updated or deleted);
- `reviews.choices.ReviewState`, `DECIDED_STATES`;
- `reviews.services.review_totals(release) -> dict`, `reviews.services.decisions(release)` (decided reviews
  with component name, fingerprint, state, reviewer and time), `reviews.services.all_decided(release) -> bool`;
- `reviews.management.commands.reviews.TOTALS_HOOKS`: functions adding keys to `manage.py reviews --json`.
"""
