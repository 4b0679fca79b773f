"""The real Azure Linux corpus, ingested once for every module of this package.

One ingest costs 20-50 s, so the modules that read the ingested corpus from the database live here and
share `corpus_outcome` (package-scoped: it is deleted when the run leaves the package). Each module
must leave the database as the ingest left it (a module that stores something, e.g. SBOM documents,
deletes it in its own fixture): `module_leaves_the_corpus_as_ingested` fails the module otherwise, so
no module sees what another one made. Transactional tests (which empty the database) do not belong
here. Running the whole suite with `-n 2` keeps this package on one worker (tests/conftest.py).
"""

import pytest
from django.apps import apps

from tests.support.corpus import ingested_corpus


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="package")
def corpus_outcome(django_db_setup, django_db_blocker):
    """The IngestOutcome of the corpus (tests/support/corpus.py `ingested_corpus`)."""
    with django_db_blocker.unblock(), ingested_corpus() as outcome:
        yield outcome


@pytest.fixture(scope="module", autouse=True)
def module_leaves_the_corpus_as_ingested(corpus_outcome, django_db_blocker):
    with django_db_blocker.unblock():
        before = row_counts()
    yield
    with django_db_blocker.unblock():
        changed = {label: (count, after) for label, after in row_counts().items()
                   if after != (count := before.get(label))}
    assert changed == {}, f"rows (before, after) this module left in the shared corpus database: {changed}"
