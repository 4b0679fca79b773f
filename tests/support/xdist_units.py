"""How `pytest -n 2` (.ci/run) shares the tests between its workers: in units that keep a run's fixtures
and order as they are without -n.

A unit is a run of consecutive tests (in the collected order: pytest-django's, database tests, then
transactional ones, then the rest, with the long tests that use no database and the tests/corpus/
package moved first by `run_order`) of one module, or of the tests/corpus/ package, whose
package-scoped corpus ingest is then made once. Units are given out in that order, so each worker
also runs its database tests in pytest-django's order, and a module- or package-scoped fixture is set
up once per unit, as often as in a run without -n. (xdist's own `load` splits modules, so an expensive module
fixture would run on both workers; its `loadscope` reorders the modules by their number of tests.)
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

CORPUS_PACKAGE = "tests/corpus/"
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & set(item.fixturenames))


def run_order(item) -> int:
    """Where a test goes in the collected order: 0 the long tests that use no test database (the real
    corpus or the production topology: the rpm oracle, the production smoke and fault tests), 1 the
    tests/corpus/ package (the longest unit), 2 the rest. The longest units first keep both workers
    busy to the end; tests with no database may run anywhere in pytest-django's order."""
    if item.nodeid.startswith(CORPUS_PACKAGE):
        return 1
    slow = item.get_closest_marker("corpus") or item.get_closest_marker("production")
    return 0 if slow and not uses_database(item) else 2


def unit_owner(nodeid: str) -> str:
    return CORPUS_PACKAGE if nodeid.startswith(CORPUS_PACKAGE) else nodeid.split("::", 1)[0]


def contiguous_units(nodeids: list[str]) -> dict[str, str]:
    """Each test's unit: its owner (module or corpus package), numbered anew each time the owner changes."""
    units: dict[str, str] = {}
    previous, number = None, 0
    for nodeid in nodeids:
        owner = unit_owner(nodeid)
        if owner != previous:
            previous, number = owner, number + 1
        units[nodeid] = f"{number:05d} {owner}"
    return units


class ContiguousUnitScheduling(LoadScopeScheduling):
    def __init__(self, config, log=None):
        super().__init__(config, log)
        self.config.option.loadscopereorder = False  # hand the units out in the collected order
        self.units: dict[str, str] = {}

    def schedule(self) -> None:
        if self.collection is None and self.registered_collections:
            self.units = contiguous_units(list(next(iter(self.registered_collections.values()))))
        super().schedule()

    def _split_scope(self, nodeid: str) -> str:
        return self.units[nodeid]
