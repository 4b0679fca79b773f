"""Where the real Azure Linux corpus lives, and the rule for tests that need it."""

from __future__ import annotations

import os
from pathlib import Path

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
