"""PURE PYTHON: cyclonedx-python-lib's comparisons of components and dependencies, made once per
object while a model is being built.

The library keeps every collection in a sorted set, and compares, hashes and tests the equality of a
`Component` or a `Dependency` through a tuple of all its fields (nested components included), which
it makes again for every comparison. Sorting the release's 7,580 source components takes about
100,000 comparisons, each making two such tuples: with the nested binary packages and the
dependency graph, about 3.5 s of the corpus model's 12 s.

While `comparisons_made_once()` is active in a thread, each object's tuple is made on its first
comparison and kept until the block ends. The answers are the library's own as long as no object
changes after it was first compared, which holds while `cyclonedx.build_bom` builds a model: every
object is complete before it is put into a collection. The library's serialisers do change the
model (they register dependencies), so the block must end before the model is written.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from cyclonedx.model.component import Component
from cyclonedx.model.dependency import Dependency

_CLASSES = (Component, Dependency)
_state = threading.local()
_install_lock = threading.Lock()


def _made_once(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def comparable_tuple(self: Any) -> Any:
        made = getattr(_state, "made", None)
        if made is None:
            return original(self)
        entry = made.get(id(self))
        if entry is None:
            # the object is kept with its tuple, so its id cannot be reused while the block lasts
            entry = made[id(self)] = (self, original(self))
        return entry[1]

    comparable_tuple.original = original  # type: ignore[attr-defined]
    return comparable_tuple


def _install() -> None:
    """Wrap each class's private tuple method once per process; outside a block the wrapper calls the original."""
    with _install_lock:
        for klass in _CLASSES:
            name = f"_{klass.__name__}__comparable_tuple"
            method = getattr(klass, name)
            if not hasattr(method, "original"):
                setattr(klass, name, _made_once(method))


@contextmanager
def comparisons_made_once() -> Iterator[None]:
    """Within the block, this thread's comparisons of components and dependencies reuse each object's tuple.
    Nested blocks share the outermost one's tuples."""
    _install()
    if getattr(_state, "made", None) is not None:
        yield
        return
    _state.made = {}
    try:
        yield
    finally:
        _state.made = None
