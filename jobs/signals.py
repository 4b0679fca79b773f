"""Extension points of the jobs app for the apps above it (they connect; jobs never imports them)."""

from django.dispatch import Signal

# Sent with `job_id=` and `error=` once a job's row has been marked failed: by run_job (any failure),
# by enqueue_job when the broker refused its message, and by the reaper for a job whose worker died.
# Sent with send_robust outside any transaction of the job: a receiver that raises is logged and
# never changes how the job ended (feeds.apps connects the `job.failed` event).
job_failed = Signal()
