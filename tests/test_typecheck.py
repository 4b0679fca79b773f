"""The packages mypy.ini names type-check under `strict = True`: a type error fails the suite, so CI
enforces it. The list of packages lives in mypy.ini only (its `files` line)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_error_in_the_strictly_checked_packages():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "mypy.ini")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    checked = re.search(r"^Success: no issues found in (\d+) source files?$", result.stdout, re.M)
    assert checked and int(checked.group(1)) > 0, report
