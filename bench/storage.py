"""Database size of corpus releases: one ingest, then a second commit of the same history.

    .venv/bin/python bench/storage.py [--bundle PATH] [--commits 0e2a0b11 074f8fe9c17e...] [--migration]

Ingests each commit in turn (default: 0e2a0b11, 44 commits before the cut, then the cut) into a
throwaway database set up like bench/ingest.py (a temporary SQLite file, or a dedicated PostgreSQL
database `pedigree_bench` when DATABASE_URL is set; both removed at the end). After each ingest it
prints the ingest time, the database size (SQLite: the file after a WAL checkpoint; PostgreSQL:
pg_database_size) and the space of the tables that hold texts (rendered specs, configuration files,
blobs; SQLite's dbstat, PostgreSQL's pg_total_relation_size with TOAST and indexes).

With --migration it then times moving those releases' texts out of Blob and back (audits migrations
0024-0022 reversed, then applied) and checks that every text is the same afterwards.

A measurement, not a test: the exit code is 0 unless the bundle is missing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT / ".." / "shared" / "corpus" / "azurelinux-tomls-base.bundle"
DEFAULT_COMMITS = ("0e2a0b11", "074f8fe9c17e6321b889f0dd0d0df406f187f850")
TEXT_TABLES = ("audits_renderedspec", "audits_configfile", "audits_blob")


def database_bytes() -> int:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(settings.DATABASES["default"]["NAME"]).stat().st_size


def table_bytes() -> dict[str, int]:
    """Space of each text table that exists (with its indexes; PostgreSQL also its TOAST)."""
    from django.db import DatabaseError, connection

    found = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in (t for t in TEXT_TABLES if t in existing):
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                found[table] = cursor.fetchone()[0]
                continue
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                               "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)", [table, table])
            except DatabaseError:  # SQLite built without the dbstat table
                return {}
            found[table] = cursor.fetchone()[0] or 0
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    parser.add_argument("--commits", nargs="+", default=list(DEFAULT_COMMITS))
    parser.add_argument("--migration", action="store_true", help="also time the texts' migration both ways")
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/storage.py: corpus bundle not found at {bundle}; pass --bundle PATH", file=sys.stderr)
        return 2

    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import ingest as ingest_bench  # bench/ingest.py: the same throwaway-database set-up

    with ingest_bench.throwaway_django("pedigree-bench-storage-") as db:
        from django.core.management import call_command

        from audits.services.ingest import ingest_release

        call_command("setup_roles", verbosity=0, stdout=open(os.devnull, "w"))
        print(f"database  {db.label}\ncorpus    {bundle}\n")
        empty = database_bytes()
        print(f"{'after':<28}{'ingest s':>10}{'database MB':>13}{'growth MB':>11}  text tables MB")
        print(f"{'migrations (empty)':<28}{'':>10}{empty / 1e6:>13.1f}{'':>11}")
        for number, commit in enumerate(args.commits, start=1):
            start = time.perf_counter()
            outcome = ingest_release(str(bundle), commit)
            seconds = time.perf_counter() - start
            size = database_bytes()
            tables = ", ".join(f"{t.removeprefix('audits_')} {b / 1e6:.1f}" for t, b in table_bytes().items())
            label = f"release {number} ({outcome.release.commit.sha[:8]})"
            print(f"{label:<28}{seconds:>10.1f}{size / 1e6:>13.1f}{(size - empty) / 1e6:>11.1f}  {tables}", flush=True)
        if args.migration:
            time_migration()
    return 0


def all_texts() -> str:
    """One digest over every rendered spec and configuration file text, by primary key."""
    import hashlib

    from audits.models import ConfigFile, RenderedSpec

    digest = hashlib.sha256()
    for model in (RenderedSpec, ConfigFile):
        for pk, text in model.objects.order_by("pk").values_list("pk", "blob__text").iterator(chunk_size=200):
            digest.update(f"{pk}:{len(text)}:".encode() + text.encode())
    return digest.hexdigest()


def time_migration() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = all_texts()
    steps = (("back to audits 0021 (texts into their columns)", [("audits", "0021_image_contents")]),
             ("forward (texts into Blob, columns dropped)", None))
    for label, targets in steps:
        executor = MigrationExecutor(connection)
        start = time.perf_counter()
        executor.migrate(targets or executor.loader.graph.leaf_nodes())
        print(f"migration {label}: {time.perf_counter() - start:.1f} s", flush=True)
    print(f"every text the same after the round trip: {all_texts() == before}; database {database_bytes() / 1e6:.1f} MB")
    with connection.cursor() as cursor:  # the rebuilt tables' old pages stay in the file (SQLite) until VACUUM
        cursor.execute("VACUUM")
    print(f"after VACUUM: database {database_bytes() / 1e6:.1f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
