"""After an ingest, PostgreSQL has fresh statistics for the tables the release filled."""

import pytest
from django.db import connection

from audits.services.ingest import ingest_release


@pytest.mark.django_db
def test_ingest_analyses_the_component_tables_on_postgresql(sample_git):
    if connection.vendor != "postgresql":
        pytest.skip("statistics are a PostgreSQL matter; SQLite plans without them")
    repo, first, _ = sample_git
    ingest_release(str(repo), first)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"audits_component", "audits_binarypackage", "audits_componentreason", "audits_overlay"} <= analysed
