"""A checkout's analysis (audits.analysis) with what it needs from the portal: the configured limits, the
identity cache kept in the database, the helper processes' count."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from django.conf import settings
from django.db import Error, transaction
from django.utils import timezone

from jobs.progress import Progress, no_progress

from .. import githistory, gitsource, gittree
from ..analysis import IdentityCache, ReleaseAnalysis, analyse_release
from ..models import IdentityCacheEntry
from .rows import insert_rows

logger = logging.getLogger(__name__)


def analyse_checkout(checkout: gitsource.Checkout, progress: Progress = no_progress, *,
                     identity_cache: IdentityCache | None = None) -> ReleaseAnalysis:
    """The checkout's analysis, every identity taken."""
    with analysed_checkout(checkout, progress, identity_cache=identity_cache) as analysis:
        analysis.complete()
        return analysis


@contextmanager
def analysed_checkout(checkout: gitsource.Checkout, progress: Progress = no_progress, *,
                      identity_cache: IdentityCache | None = None) -> Iterator[ReleaseAnalysis]:
    """The checkout's analysis, its identities taken when first wanted (analyse_release's `deferred`): within
    the block the tree is open and the helpers expand ahead; what they have not given by its end is dropped."""
    sha = checkout.commit.sha
    progress(0, 0, "analysing configuration")
    with gittree.GitTree(checkout.git_dir, sha, max_file_bytes=settings.PEDIGREE_MAX_FILE_BYTES) as tree:
        analysis = analyse_release(
            tree, githistory.CommitHistory(checkout.git_dir, sha), lambda path: githistory.blame_lines(checkout.git_dir, sha, path),
            progress=lambda done, total: progress(done, total, "analysing components"),
            identity_cache=identity_cache if identity_cache is not None else StoredIdentities(),
            expansion_processes=settings.PEDIGREE_EXPANSION_PROCESSES,
            deferred=True,
        )
        try:
            yield analysis
        finally:
            analysis.close()


class StoredIdentities:
    """The identity cache of audits.identities, kept in IdentityCacheEntry rows."""

    BATCH = 500  # keys per query: SQLite's variable limit

    def get_many(self, keys) -> dict[str, dict]:
        keys, found = list(keys), {}
        for start in range(0, len(keys), self.BATCH):
            found.update(IdentityCacheEntry.objects.filter(key__in=keys[start : start + self.BATCH]).values_list("key", "value"))
        return found

    @staticmethod
    def add(entries: dict[str, dict]) -> None:
        """The entries not kept yet (a concurrent ingest may have kept some): without model instances, which cost
        twice what the INSERTs do for the 7,600 of a first ingest of the corpus."""
        now = timezone.now()
        insert_rows(IdentityCacheEntry, [{"key": k, "value": v, "created_at": now} for k, v in entries.items()],
                    ignore_conflicts=True)

    @classmethod
    def keep(cls, entries: dict[str, dict]) -> None:
        """add(), in a transaction of its own after an ingest's write, whether the write succeeded or not (entries
        are keyed by what they were computed from, so they stay true). A database error here is logged: it must
        neither fail a release already written nor hide the write's own error; the specs are expanded again."""
        try:
            with transaction.atomic():
                cls.add(entries)
        except Error as error:  # django.db's: every database error
            logger.warning("the identities an ingest expanded could not be kept (%s): the next ingest expands them "
                           "again", error)
