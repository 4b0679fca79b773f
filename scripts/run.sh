#!/usr/bin/env bash
# Set everything up and run the portal on http://127.0.0.1:8000 with a Celery worker and
# celery beat, after ingesting the real Azure Linux 4 configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

# The embedded default: SQLite and a filesystem broker under var/ (see README for production).
export PEDIGREE_ALLOW_LOCAL_SOURCES="${PEDIGREE_ALLOW_LOCAL_SOURCES:-true}"
BUNDLE="${PEDIGREE_SAMPLE_BUNDLE:-../shared/corpus/azurelinux-tomls-base.bundle}"
if [ -n "${PEDIGREE_SAMPLE_SOURCE:-}" ]; then
    SOURCE="$PEDIGREE_SAMPLE_SOURCE"
elif [ -f "$BUNDLE" ]; then
    SOURCE="$(cd "$(dirname "$BUNDLE")" && pwd)/$(basename "$BUNDLE")"
else
    SOURCE="https://github.com/microsoft/azurelinux.git"
fi
REF="${PEDIGREE_SAMPLE_REF:-tomls/base/main}"

PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py createcachetable   # the sign-in throttle's counters
$PY manage.py collectstatic --noinput -v0
$PY manage.py setup_roles
$PY manage.py ensure_admin
echo "Ingesting $SOURCE at $REF ..."
$PY manage.py ingest "$SOURCE" --ref "$REF"

# One worker for every queue (ingest, artifacts, default): production splits them (docs/deployment.md).
QUEUES="${PEDIGREE_INGEST_QUEUE:-ingest},${PEDIGREE_ARTIFACT_QUEUE:-artifacts},${CELERY_TASK_DEFAULT_QUEUE:-pedigree}"
.venv/bin/celery -A portal worker -Q "$QUEUES" --loglevel=INFO --concurrency=1 >var/worker.log 2>&1 &
WORKER=$!
# Celery beat, as in production: the reaper ends jobs whose worker died (every minute), and the
# scheduled re-verifications run (PEDIGREE_REVERIFY_HOURS, PEDIGREE_REVERIFY_SECONDS).
.venv/bin/celery -A portal beat --loglevel=INFO --schedule var/celerybeat-schedule >var/beat.log 2>&1 &
BEAT=$!
trap 'kill $WORKER $BEAT 2>/dev/null || true' EXIT INT TERM
echo "Celery worker and beat started (logs: var/worker.log, var/beat.log). Portal: http://127.0.0.1:8000/"
$PY manage.py runserver 127.0.0.1:8000 --noreload
