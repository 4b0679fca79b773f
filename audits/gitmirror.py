"""Bare mirrors of sources kept between fetches, so that following a ref costs a `git fetch` of its new
objects instead of a full clone (the history ingest and the watch ingest one new commit at a time).

A mirror lives under the mirror root as `<digest of the validated source>.git`, next to a lock file:
one fetch-and-read at a time per source (an exclusive `flock`, held while the caller reads the
repository, so a concurrent fetch never changes refs under a reader). A fetch goes through
`gitsource.transfer`, with the same validation, egress pinning and hardening as a clone; refs are
force-updated and pruned, so the mirror is what the source has now (a rewritten branch included: the
history ingest itself notices that). A mirror that a fetch cannot update for a reason other than
the network (corrupt, or half-written by a killed worker) is replaced by a fresh clone once.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from access import egress as egress_policy
from access.egress import EgressPolicy

from .gitsource import (
    Checkout,
    GitSourceError,
    GitTransientError,
    checkout_at,
    clone_bare,
    transfer,
    validate_ref,
    validate_source,
)

logger = logging.getLogger(__name__)
REFSPECS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
LOCK_POLL_SECONDS = 0.2


def mirror_name(source: str) -> str:
    """The file name stem of a validated source's mirror."""
    return hashlib.sha256(source.encode()).hexdigest()[:32]


@contextmanager
def mirrored(source: str, ref: str, *, root: Path, allow_local: bool, timeout: float = 600,
             egress: EgressPolicy | None = None) -> Iterator[Checkout]:
    """Like `gitsource.fetch`, on the source's mirror under `root` (made on first use, then fetched into);
    the mirror is kept. `timeout` bounds the wait for the lock and the fetch (or clone)."""
    policy = egress if egress is not None else egress_policy.default_policy()
    source = validate_source(source, allow_local=allow_local, egress=policy)
    ref = validate_ref(ref)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GitSourceError(f"the git mirror directory {root} cannot be created ({exc.strerror or exc}); "
                             "set PEDIGREE_GIT_MIRROR_DIR to a writable directory") from None
    stem = mirror_name(source)
    git_dir = root / f"{stem}.git"
    with _locked(root / f"{stem}.lock", timeout):
        _update(source, git_dir, allow_local=allow_local, timeout=timeout, egress=policy)
        yield checkout_at(git_dir, source, ref)


def _update(source: str, git_dir: Path, *, allow_local: bool, timeout: float, egress: EgressPolicy) -> None:
    if git_dir.is_dir():
        try:
            transfer("fetch", source, ["--git-dir", str(git_dir), "fetch", "--prune", "--no-tags", "--quiet", "--",
                                       source, *REFSPECS], allow_local=allow_local, timeout=timeout, egress=egress)
            return
        except GitTransientError:
            raise
        except GitSourceError as exc:  # corrupt, or the source changed its mind about what it is: start again
            logger.warning("the mirror %s of %s could not be updated (%s); cloning it again", git_dir, source, exc)
            shutil.rmtree(git_dir, ignore_errors=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{git_dir.stem}.", suffix=".partial", dir=git_dir.parent))
    try:
        clone_bare(source, partial / "repo.git", allow_local=allow_local, timeout=timeout, egress=egress)
        (partial / "repo.git").rename(git_dir)  # whole or absent: a killed clone never looks like a mirror
    finally:
        shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def _locked(path: Path, timeout: float) -> Iterator[None]:
    deadline = time.monotonic() + timeout
    with open(path, "a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GitTransientError(f"another fetch of this source has held its mirror for over {timeout:g} s") from None
                time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
