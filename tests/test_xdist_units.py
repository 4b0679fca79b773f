"""The units `pytest -n 2` hands to its workers (tests/support/xdist_units.py)."""

from dataclasses import dataclass, field

import pytest

from tests.support.xdist_units import contiguous_units, run_order


@dataclass
class Item:
    nodeid: str
    markers: tuple[str, ...] = ()
    fixturenames: list[str] = field(default_factory=list)

    def get_closest_marker(self, name):
        return getattr(pytest.mark, name) if name in self.markers else None


def test_a_module_is_one_unit_while_its_tests_are_consecutive_and_the_corpus_package_is_one_unit():
    units = contiguous_units([
        "tests/corpus/test_corpus_ingest.py::test_a", "tests/corpus/test_corpus_sbom.py::test_b",
        "tests/api/test_jobs.py::test_c", "tests/api/test_jobs.py::test_d[1]",
        "tests/jobs/test_cancel_worker.py::test_e",  # pytest-django put the transactional tests here
        "tests/api/test_jobs.py::test_f",
    ])
    assert units["tests/corpus/test_corpus_ingest.py::test_a"] == units["tests/corpus/test_corpus_sbom.py::test_b"]
    assert units["tests/api/test_jobs.py::test_c"] == units["tests/api/test_jobs.py::test_d[1]"]
    assert len({units["tests/api/test_jobs.py::test_c"], units["tests/jobs/test_cancel_worker.py::test_e"],
                units["tests/api/test_jobs.py::test_f"]}) == 3


def test_long_tests_without_a_database_go_first_then_the_corpus_package_then_the_rest():
    items = [
        Item("tests/api/test_jobs.py::test_a", ("django_db",)),
        Item("tests/faults/test_worker_killed.py::test_b", ("corpus", "django_db")),
        Item("tests/audits/test_gitsource.py::test_c", ("corpus",), ["tmp_path"]),
        Item("tests/corpus/test_corpus_sbom.py::test_d", ("corpus", "django_db")),
        Item("tests/production/test_production_smoke.py::test_e", ("production",)),
        Item("tests/test_architecture.py::test_f"),
    ]
    assert [item.nodeid.rsplit("_", 1)[1] for item in sorted(items, key=run_order)] == ["c", "e", "d", "a", "b", "f"]
