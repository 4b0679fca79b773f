"""Where the real Azure Linux corpus lives, and the rule for tests that need it."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CUT_COMMIT = "074f8fe9c17e6321b889f0dd0d0df406f187f850"
BRANCH = "tomls/base/main"


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
    with override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True):
        outcome = ingest_release(str(bundle), BRANCH)
    yield outcome
    for model in (Release, Job, Commit, Distribution):
        model.objects.all().delete()
    delete_unreferenced()  # the texts of the deleted releases
