"""Background jobs: the Job row, queueing, running, progress, heartbeats, the reaper and monitoring.

Owns: the `Job` model and its choices, `enqueue_job`/`run_job`/`claim`/heartbeat/reaper,
`Progress`, queue monitoring, the job status view and the job API.
May import: Django, Celery, kombu and the `access` layer (roles, API plumbing). Never a domain app
(audits, sbom, evidence, signing): those register their job kinds here (`registry.register_job_kind`,
from their `AppConfig.ready`), so this package knows tasks only through the registry.
"""
