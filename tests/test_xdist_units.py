"""The units `pytest -n 2` hands to its workers (tests/support/xdist_units.py)."""

from tests.support.xdist_units import contiguous_units


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
