"""Compile the spec expansion's hottest modules with mypyc into build/compiled/ (about twice as fast).

    .venv/bin/python scripts/compile_expansion.py

The Python sources stay the only truth: audits/rpmspec/__init__.py uses the compiled modules only while
build/compiled/manifest.json holds the SHA-256 of every source they were compiled from and the sources are
still those, so an edited module runs as Python until this is run again. bootstrap.sh runs it; it needs a
C compiler and Python's headers (which bootstrap.sh installs) and mypy (requirements.txt).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audits import rpmspec  # noqa: E402


def main() -> int:
    from mypyc.build import mypycify
    from setuptools import setup

    build = ROOT / "build"
    build.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="compiled-", dir=build))
    try:
        with tempfile.TemporaryDirectory(prefix="pedigree-mypyc-") as temp:
            sources = [f"audits/rpmspec/{name}.py" for name in rpmspec.COMPILED]
            extensions = mypycify(sources, group_name=rpmspec.NATIVE_GROUP, target_dir=f"{temp}/c")
            setup(name="pedigree-expansion", ext_modules=extensions,
                  script_args=["-q", "build_ext", "--build-lib", str(staging), "--build-temp", f"{temp}/o"])
        (staging / rpmspec.MANIFEST).write_text(json.dumps(rpmspec.source_hashes(), indent=1, sort_keys=True) + "\n")
        shutil.rmtree(rpmspec.BUILD, ignore_errors=True)
        staging.rename(rpmspec.BUILD)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"compiled {len(rpmspec.COMPILED)} modules of audits.rpmspec into {rpmspec.BUILD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
