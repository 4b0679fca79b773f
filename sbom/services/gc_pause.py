"""PURE PYTHON: pausing the cyclic garbage collector around the SBOM builders' large models.
It is its own module because every stage uses it: building the CycloneDX model, writing and
validating the CycloneDX and SPDX documents, and `generate.build_documents` around all of them.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large model is built or written.

    Building the corpus model allocates millions of objects, none of them garbage, and the
    collector's repeated full passes over them took more than half of the model's CPU time
    (17.4 s of CPU with it, 8.0 s without). Reference counting still frees everything; cycles
    made meanwhile are collected once the collector runs again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
