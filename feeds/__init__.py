"""Change feeds for other tools: events (a release ingested, a component newly diverged or back to
Fedora-intact, a new overlay, a failed job, a failed signature verification), the Atom feed of them,
and signed webhooks with retries and a delivery log (docs/feeds.md).

Owns: Event, WebhookEndpoint, WebhookDelivery; `record_event` (services/events.py), the HMAC signature
(`signatures.py`, PURE PYTHON), delivery with retries (`tasks.py`), the Atom feed, the webhook admin
pages.
May import: Django, DRF, `access`, `jobs`, `audits`. Above it: history, reviews, policies, vex, sbom,
evidence, signing (which record their events through `feeds.services.events.record_event`).
"""
