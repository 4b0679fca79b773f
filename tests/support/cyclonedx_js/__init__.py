"""The CycloneDX JavaScript library's validators (`validate.mjs` here), an implementation independent of
cyclonedx-python-lib, for the tests. Install them with `npm ci` in this directory (.ci/run does); without
them a test skips, or fails under PEDIGREE_REQUIRE_CORPUS=1 (CI)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TIMEOUT = 600  # seconds; the release JSON (about 45 MB) takes about a minute on a busy machine


def _require_installed() -> str:
    node = shutil.which("node")
    missing = "node is not installed" if node is None else (
        "tests/support/cyclonedx_js/node_modules is missing (run `npm ci` in tests/support/cyclonedx_js)"
        if not (HERE / "node_modules" / "@cyclonedx" / "cyclonedx-library").is_dir() else "")
    if missing:
        if os.environ.get("PEDIGREE_REQUIRE_CORPUS") == "1":
            pytest.fail(missing + "; PEDIGREE_REQUIRE_CORPUS=1 forbids skipping")
        pytest.skip(missing)
    return node or "node"


def validate(path: Path, fmt: str) -> dict:
    """{"valid": bool, "validator": str, "errors": ...} of the library's JsonStrictValidator (`fmt` "json")
    or XmlValidator ("xml") for CycloneDX 1.6."""
    node = _require_installed()
    done = subprocess.run([node, str(HERE / "validate.mjs"), str(path), fmt], capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=HERE)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"validate.mjs failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    assert result["valid"] == (done.returncode == 0)
    return result
