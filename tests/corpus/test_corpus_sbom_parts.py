"""The release CycloneDX JSON of the cut, assembled from the parts of commit 0e2a0b11's (44 commits
earlier), is byte-identical to a full generation and reuses most parts (sbom/services/cyclonedx_parts.py).

The cut is the shared `corpus_outcome`; the older commit is ingested here into the same database, in a
transaction rolled back afterwards (the package's rule: no rows left behind)."""

import hashlib
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import override_settings

from audits.services.ingest import ingest_release
from audits.signals import release_written
from policies.services.evaluation import evaluate_written_release
from reviews.services.lifecycle import reviews_for_written_release
from sbom.services import cyclonedx, parts
from sbom.services.generate import load_release_facts, options_from_settings
from tests.support.corpus import bundle_path

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]
OLDER_COMMIT = "0e2a0b11"


@contextmanager
def _without_reviews_and_policies():
    """The older commit is ingested after the cut: the reviews app would carry the cut's reviews to it and
    the policies app would evaluate it; the SBOM reads neither, so both receivers are off for this ingest
    (it is quicker, and nothing of the cut's changes even for the length of the transaction)."""
    receivers = {"reviews.create_reviews": reviews_for_written_release, "policies.evaluate": evaluate_written_release}
    for uid in receivers:
        release_written.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        for uid, receiver in receivers.items():
            release_written.connect(receiver, dispatch_uid=uid)


@pytest.fixture(scope="module")
def increment(corpus_outcome, django_db_blocker):
    """(older's generation, the cut's generation from parts, the cut's full generation): PartsDocument, PartsDocument,
    bytes. Everything runs in one transaction that is rolled back: the older release, its commits, the
    identities its ingest cached and the parts leave no row behind (and no delete of 7,500 components)."""
    cut = corpus_outcome.release
    options = options_from_settings()
    with django_db_blocker.unblock(), transaction.atomic():
        facts = load_release_facts(cut)
        full = cyclonedx.to_json(cyclonedx.build_bom(facts, options=options), cyclonedx.compositions_of(facts))
        with override_settings(PEDIGREE_ALLOW_LOCAL_SOURCES=True), _without_reviews_and_policies():
            older = ingest_release(str(bundle_path()), OLDER_COMMIT).release
        first = parts.release_json(load_release_facts(older), options)
        parts.store_parts(first)
        second = parts.release_json(facts, options)
        yield first, second, full
        transaction.set_rollback(True)


def test_the_cut_assembled_from_the_older_commits_parts_is_byte_identical_to_a_full_generation(increment):
    _, second, full = increment
    content = second.assembled.content
    assert (len(content), hashlib.sha256(content).hexdigest()) == (len(full), hashlib.sha256(full).hexdigest())


def test_most_parts_of_the_cut_come_from_the_older_commit(increment):
    first, second, _ = increment
    assert first.assembled.reused == 0 and first.assembled.built == 7581
    assert second.assembled.reused + second.assembled.built == 7580
    assert second.assembled.reused > 0.95 * 7580 and second.assembled.built > 0
