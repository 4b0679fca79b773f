#!/usr/bin/env bash
# Run the test suite. Without configuration it uses SQLite and a filesystem broker;
# .ci/run sets DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS=requirements-dev.txt source scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
