#!/usr/bin/env bash
# Start Pedigree on one machine the way production runs it (docs/deployment.md):
#   migrations, the cache table, roles and static files, then
#   gunicorn on 127.0.0.1, one Celery worker for the ingest queue (ingest, upstream verification),
#   one for the artifact queue (SBOM, signing, evidence), both also serving the default queue,
#   and celery beat (the job reaper).
# Needs DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis or RabbitMQ) and SECRET_KEY or
# SECRET_KEY_FILE in the environment. Runs until interrupted, then stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL=postgres://user@host:5432/db}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL=redis://host:6379/N}"
if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
    echo "set SECRET_KEY or SECRET_KEY_FILE" >&2
    exit 2
fi

BIN="${PEDIGREE_VENV:-.venv}/bin"
BIND="${PEDIGREE_BIND:-127.0.0.1:8000}"
RUN_DIR="${PEDIGREE_RUN_DIR:-var/production}"      # logs, pid files, beat schedule
WEB_WORKERS="${PEDIGREE_WEB_WORKERS:-4}"
INGEST_CONCURRENCY="${PEDIGREE_INGEST_CONCURRENCY:-1}"
ARTIFACT_CONCURRENCY="${PEDIGREE_ARTIFACT_CONCURRENCY:-1}"
INGEST_QUEUE="${PEDIGREE_INGEST_QUEUE:-ingest}"
ARTIFACT_QUEUE="${PEDIGREE_ARTIFACT_QUEUE:-artifacts}"
DEFAULT_QUEUE="${CELERY_TASK_DEFAULT_QUEUE:-pedigree}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Plain HTTP on loopback here; behind the TLS proxy of a real deployment leave this unset (secure cookies).
export SECURE_COOKIES="${SECURE_COOKIES:-false}"
mkdir -p "$RUN_DIR"

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py createcachetable
"$BIN/python" manage.py setup_roles
"$BIN/python" manage.py collectstatic --noinput -v0

PIDS=()
stop_all() {
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 143' INT TERM

"$BIN/gunicorn" portal.wsgi:application --bind "$BIND" --workers "$WEB_WORKERS" --timeout 120 \
    --pid "$RUN_DIR/gunicorn.pid" --access-logfile "$RUN_DIR/access.log" --error-logfile "$RUN_DIR/gunicorn.log" &
PIDS+=($!)
# Workers run at a lower CPU priority (PEDIGREE_WORKER_NICE): on a machine shared with the web
# tier, pages stay fast while a job runs, and the job takes what the pages leave.
NICE="${PEDIGREE_WORKER_NICE:-10}"
nice -n "$NICE" "$BIN/celery" -A portal worker -Q "$INGEST_QUEUE,$DEFAULT_QUEUE" -n "ingest@%h" --concurrency "$INGEST_CONCURRENCY" \
    --loglevel INFO --pidfile "$RUN_DIR/worker-ingest.pid" --logfile "$RUN_DIR/worker-ingest.log" &
PIDS+=($!)
nice -n "$NICE" "$BIN/celery" -A portal worker -Q "$ARTIFACT_QUEUE,$DEFAULT_QUEUE" -n "artifacts@%h" --concurrency "$ARTIFACT_CONCURRENCY" \
    --loglevel INFO --pidfile "$RUN_DIR/worker-artifacts.pid" --logfile "$RUN_DIR/worker-artifacts.log" &
PIDS+=($!)
"$BIN/celery" -A portal beat --loglevel INFO --schedule "$RUN_DIR/celerybeat-schedule" \
    --pidfile "$RUN_DIR/beat.pid" --logfile "$RUN_DIR/beat.log" &
PIDS+=($!)

echo "Pedigree is running on http://$BIND/ (logs in $RUN_DIR); Ctrl-C stops it."
# Any process that exits takes the others down with it: a half-running portal is worse than none.
wait -n
echo "a process of the portal exited; stopping the others" >&2
exit 1
