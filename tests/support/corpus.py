"""Where the real Azure Linux corpus lives, and the rule for tests that need it."""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CUT_COMMIT = "074f8fe9c17e6321b889f0dd0d0df406f187f850"
BRANCH = "tomls/base/main"
RUN_DIR_VARIABLE = "PEDIGREE_TEST_RUN_DIR"  # set by tests/conftest.py: a directory every xdist worker of the run shares


def shared_dir() -> Path:
    return (PROJECT_ROOT / ".." / "shared").resolve()


def corpus_dir() -> Path:
    override = os.environ.get("PEDIGREE_CORPUS_DIR")
    return Path(override).resolve() if override else shared_dir() / "corpus"


def require(path: Path, what: str) -> Path:
    """Skip when the real data is absent; with PEDIGREE_REQUIRE_CORPUS=1 (CI) a skip is a failure."""
    if path.exists():
        return path
    message = f"{what} not found at {path} (set PEDIGREE_CORPUS_DIR or provide ../shared)"
    if os.environ.get("PEDIGREE_REQUIRE_CORPUS") == "1":
        pytest.fail(message + "; PEDIGREE_REQUIRE_CORPUS=1 forbids skipping")
    pytest.skip(message)


def bundle_path() -> Path:
    return require(corpus_dir() / "azurelinux-tomls-base.bundle", "the Azure Linux corpus bundle")


@contextmanager
def ingested_corpus() -> Iterator:
    """The corpus ingested for a long-lived fixture (call it with database access unblocked); yields
    the IngestOutcome. Such fixtures outlive each test's transaction, so every release, job, commit
    and distribution is deleted afterwards. Tests that read the ingested corpus use the one ingest
    of tests/corpus/ (`corpus_outcome`) instead of calling this again."""
    from django.test import override_settings

    from audits.models import Commit, Distribution, Release
    from audits.services.blobs import delete_unreferenced
    from audits.services.ingest import ingest_release
    from jobs.models import Job

    bundle = bundle_path()
    seed_identity_cache()
    with override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True):
        outcome = ingest_release(str(bundle), BRANCH)
    yield outcome
    for model in (Release, Job, Commit, Distribution):
        model.objects.all().delete()
    delete_unreferenced()  # the texts of the deleted releases


class KnownIdentities:
    """Identity cache entries held in memory, as an analysis reads them (audits.identities.IdentityCache)."""

    def __init__(self, entries: dict[str, dict[str, Any]]):
        self.entries = entries

    def get_many(self, keys) -> dict[str, dict[str, Any]]:
        return {k: self.entries[k] for k in keys if k in self.entries}


_identities: dict[str, dict[str, Any]] | None = None


def corpus_identities() -> dict[str, dict[str, Any]]:
    """The identity cache entries a cold analysis of the cut computes, once per test run.

    Expanding the corpus's specs costs most of a cold ingest (bench/README.md), and a dozen tests about
    other things (faults, migrations, history, reviews, images) ingest the corpus. They start from these
    entries, as a second ingest of the same specs does in production; the expansion itself is tested on
    the corpus by tests/rpmspec (against rpm too), and the production smoke test ingests cold. The first
    test of the run that asks computes them, under a lock the xdist workers share, into the run's
    directory. An entry's key covers the code and macro files it was computed with
    (IdentityResolver.key), so an entry is never reused for anything else."""
    global _identities
    if _identities is None:
        from audits import gitsource
        from audits.identities import CODE_DIGEST
        from audits.services.checkout_analysis import analyse_checkout

        run_dir = Path(os.environ[RUN_DIR_VARIABLE])
        path = run_dir / f"corpus-identities-{CODE_DIGEST[:16]}.json"
        with open(run_dir / "corpus-identities.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                with gitsource.fetch(str(bundle_path()), CUT_COMMIT, allow_local=True) as checkout:
                    computed = analyse_checkout(checkout, identity_cache=KnownIdentities({})).identities_computed
                part = path.with_suffix(".part")
                part.write_text(json.dumps(computed))
                part.replace(path)
        _identities = json.loads(path.read_text())
    return _identities


def seed_identity_cache() -> None:
    """This database's identity cache holds the cut's identities (corpus_identities)."""
    from audits.services.checkout_analysis import StoredIdentities

    StoredIdentities.add(corpus_identities())


def identity_cache_fixture(path: Path) -> Path:
    """corpus_identities as a Django fixture, for `manage.py loaddata` in a portal of its own."""
    from django.utils import timezone

    now = timezone.now().isoformat()
    path.write_text(json.dumps([{"model": "audits.identitycacheentry", "pk": key, "fields": {"value": value, "created_at": now}}
                                for key, value in corpus_identities().items()]))
    return path
