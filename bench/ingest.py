"""Measure ingesting the real Azure Linux corpus against a same-run baseline.

    .venv/bin/python bench/ingest.py [--bundle PATH] [--ref tomls/base/main] [--repeat 1] [--check]

By default everything runs on a throwaway SQLite database in a temporary
PEDIGREE_VAR_DIR. With DATABASE_URL set (PostgreSQL), the script creates a
dedicated database `pedigree_bench` on that server, points DATABASE_URL at it and
drops it at the end, so real data is never touched.

Figures (see bench/README.md):
  baseline  reading every file of a normal checkout and parsing every *.toml with
            tomllib; run twice, the second (warm cache) pass counts.
  ingest    `ingest_release(bundle, ref)` end to end: bare clone of the bundle,
            history, analysis, one-transaction write. Median of --repeat runs.
  memory    peak RSS growth (ru_maxrss) during the first ingest run, and the peak
            of Python allocations (tracemalloc) in a separate, slower run.
  phases    fetch, history, analysis and write timed separately in one more run,
            with the spec expansion (audits.identities) as its own row: the time the ingest
            spent expanding or waiting for the helpers, in the analysis and in the write
            (which takes each identity as it comes to it).
  cached    after each cold ingest, one more with the identity cache that ingest filled (median):
            what a later commit with the same specs costs. Every other run starts cold.

It is a measurement, not a test: the exit code is 0 unless --check is given and
a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT / ".." / "shared" / "corpus" / "azurelinux-tomls-base.bundle"
DEFAULT_REF = "tomls/base/main"
BENCH_DB = os.environ.get("PEDIGREE_BENCH_DB", "pedigree_bench")  # one per concurrent bench run
TARGET_SECONDS = 30.0
TARGET_RATIO = 8.0
TARGET_EXPANSION_SHARE = 0.30  # issue 12: spec expansion adds at most 30 % to an ingest


# ----------------------------------------------------------------------------- database set-up


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _admin_execute(admin_url: str, *statements: str) -> None:
    import psycopg

    # CREATE/DROP DATABASE cannot run inside a transaction block.
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@dataclass
class Database:
    label: str
    admin_url: str = ""  # set for PostgreSQL: where to CREATE/DROP the bench database

    def drop(self) -> None:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if self.admin_url:
            _admin_execute(self.admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def configure_django(var_dir: Path) -> Database:
    """Point settings at a throwaway database; must run before django.setup()."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["PEDIGREE_VAR_DIR"] = str(var_dir)  # settings derive the SQLite path and broker dirs from it
    os.environ.pop("PEDIGREE_SQLITE_PATH", None)  # it would override the throwaway SQLite file
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return Database("SQLite (throwaway file in a temp dir)")
    admin_url = _with_db(url, "postgres")
    # A leftover from an interrupted run is ours to remove; the name is dedicated to this script.
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)', f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = _with_db(url, BENCH_DB)
    if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # required with DATABASE_URL; unused here
    parts = urlsplit(url)
    return Database(f"PostgreSQL ({parts.hostname}:{parts.port or 5432}/{BENCH_DB}, created and dropped)", admin_url)


@contextlib.contextmanager
def throwaway_django(prefix: str) -> Iterator[Database]:
    """Django set up on a throwaway database and PEDIGREE_VAR_DIR (migrated, with its cache table; DEBUG
    off, local sources allowed); both are dropped and removed afterwards, whatever happens. Every
    bench uses it."""
    var_dir = Path(tempfile.mkdtemp(prefix=prefix))
    db: Database | None = None
    try:
        db = configure_django(var_dir)
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.DEBUG = False  # no per-query log, whatever the environment says
        settings.PEDIGREE_ALLOW_LOCAL_SOURCES = True
        call_command("migrate", verbosity=0)
        call_command("createcachetable")  # the sign-in throttle and the release caches live there
        yield db
    finally:
        if db is not None:
            db.drop()
        shutil.rmtree(var_dir, ignore_errors=True)


def ingest_corpus(bundle: Path, ref: str, label: str):
    """Create the roles and ingest the corpus (not timed); returns the release. Inside throwaway_django()."""
    from django.core.management import call_command

    from audits.services.ingest import ingest_release

    call_command("setup_roles", verbosity=0, stdout=open(os.devnull, "w"))
    print(f"ingesting {bundle} @ {ref} into {label} ...", flush=True)
    return ingest_release(str(bundle), ref).release


def fresh_database(keep_identities: bool = False) -> None:
    """Remove every release and commit so the next ingest really writes; and, unless kept, every
    cached identity, so the spec expansion is measured too (a first ingest)."""
    from audits.models import Commit, IdentityCacheEntry, Release

    Release.objects.all().delete()
    Commit.objects.all().delete()
    if not keep_identities:
        IdentityCacheEntry.objects.all().delete()
    gc.collect()


# ----------------------------------------------------------------------------- measurements


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def children_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def baseline_pass(checkout: Path) -> tuple[float, int, int, int]:
    """Read every regular file (bytes) and parse every *.toml; returns (seconds, files, bytes, toml files)."""
    files = size = tomls = 0
    start = time.perf_counter()
    for dirpath, dirnames, filenames in os.walk(checkout):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            files += 1
            size += len(data)
            if name.endswith(".toml"):
                tomls += 1
                try:
                    tomllib.loads(data.decode("utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                    pass  # sidecar TOMLs that are not azldev config may not parse
    return time.perf_counter() - start, files, size, tomls


@dataclass
class Baseline:
    seconds: float
    first_seconds: float
    files: int
    bytes: int
    tomls: int


def measure_baseline(bundle: Path, ref: str) -> Baseline:
    tmp = Path(tempfile.mkdtemp(prefix="pedigree-bench-checkout-"))
    try:
        checkout = tmp / "checkout"
        subprocess.run(["git", "clone", "-q", "-b", ref, str(bundle), str(checkout)], check=True)  # not timed
        first = baseline_pass(checkout)
        second = baseline_pass(checkout)
        return Baseline(second[0], first[0], second[1], second[2], second[3])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class IngestRun:
    seconds: float
    rss_growth_mb: float
    rss_peak_mb: float
    components: int


def run_ingest(bundle: Path, ref: str, keep_identities: bool = False) -> IngestRun:
    from audits.models import Component
    from audits.services.ingest import ingest_release

    fresh_database(keep_identities)
    before = rss_mb()
    start = time.perf_counter()
    outcome = ingest_release(str(bundle), ref)
    seconds = time.perf_counter() - start
    if not outcome.created:
        raise RuntimeError("the database was not empty: the ingest returned an existing release")
    after = rss_mb()
    return IngestRun(seconds, after - before, after, Component.objects.filter(release=outcome.release).count())


def run_traced(bundle: Path, ref: str) -> tuple[float, float]:
    """(seconds under tracing, peak MB of Python allocations)."""
    from audits.services.ingest import ingest_release

    fresh_database()
    tracemalloc.start()
    try:
        start = time.perf_counter()
        ingest_release(str(bundle), ref)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / 1024 / 1024


# ----------------------------------------------------------------------------- phases


@dataclass
class Timer:
    seconds: float = 0.0
    calls: int = 0


@dataclass
class Phases:
    timers: dict[str, Timer] = field(default_factory=dict)
    writes: dict[str, Timer] = field(default_factory=dict)  # model name -> insert time and rows
    fetch: float = 0.0
    analysis: float = 0.0
    write: float = 0.0
    cleanup: float = 0.0

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        timer = self.timers.setdefault(label, Timer())

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timer.seconds += time.perf_counter() - start
                timer.calls += 1

        return timed

    def wrap_iterator(self, label: str, fn: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """fn, returning an iterator each of whose steps is timed (a generator's work happens as it is consumed)."""
        timer = self.timers.setdefault(label, Timer())

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            steps = fn(*args, **kwargs)
            timer.calls += 1
            while True:
                start = time.perf_counter()
                try:
                    item = next(steps)
                except StopIteration:
                    return
                finally:
                    timer.seconds += time.perf_counter() - start
                yield item

        return timed

    def get(self, label: str) -> Timer:
        return self.timers.get(label, Timer())


@contextlib.contextmanager
def instrumented(phases: Phases) -> Iterator[None]:
    """Time the steps inside analyse_checkout by wrapping the functions it looks up at call time."""
    from audits import analysis, githistory, gittree, identities

    targets = [
        (identities.IdentityResolver, "identify", "identities"),
        (identities.IdentityResolver, "_submit", "identities given to the helpers"),
        (githistory, "commits_by_path", "history"),
        (githistory, "PathHistory", "history"),
        (githistory, "commit_order", "history"),
        (githistory, "blame_lines", "blame"),
        (gittree.GitTree, "read_bytes", "blob reads"),
        (analysis, "read_readable", "blob reads"),
        (analysis, "load_project", "load_project"),
        (analysis, "resolve_components", "resolve_components"),
        (analysis, "classify", "classify"),
        (analysis, "parse_spec", "parse_spec"),
    ]
    # the rendered specs, read in batches as expand_ahead consumes them
    iterators = [(analysis.ComponentAnalyser, "_read_specs", "blob reads")]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in [*targets, *iterators]]
    try:
        for owner, name, label in targets:
            setattr(owner, name, phases.wrap(label, getattr(owner, name)))
        for owner, name, label in iterators:
            setattr(owner, name, phases.wrap_iterator(label, getattr(owner, name)))
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


@contextlib.contextmanager
def instrumented_writes(phases: Phases) -> Iterator[None]:
    """Time the row inserts per model inside write_release: ORM bulk_create for releases,
    components and the like, ingest.insert_rows for the high-volume child tables."""
    from django.db.models.query import QuerySet

    from audits.services import ingest

    original_bulk_create = QuerySet.bulk_create
    original_insert_rows = ingest.insert_rows

    def timed(model_name: str, rows: list, call: Any) -> Any:
        timer = phases.writes.setdefault(model_name, Timer())
        start = time.perf_counter()
        try:
            return call()
        finally:
            timer.seconds += time.perf_counter() - start
            timer.calls += len(rows)  # rows, not statements

    def bulk_create(self: QuerySet, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        return timed(self.model.__name__, objs, lambda: original_bulk_create(self, objs, *args, **kwargs))

    def insert_rows(model: Any, rows: list) -> None:
        return timed(model.__name__, rows, lambda: original_insert_rows(model, rows))

    QuerySet.bulk_create = bulk_create
    ingest.insert_rows = insert_rows
    try:
        yield
    finally:
        QuerySet.bulk_create = original_bulk_create
        ingest.insert_rows = original_insert_rows


def run_phases(bundle: Path, ref: str) -> Phases:
    from django.conf import settings

    from audits import gitsource
    from audits.services.checkout_analysis import analysed_checkout
    from audits.services.ingest import write_release

    fresh_database()
    phases = Phases()
    start = time.perf_counter()
    with gitsource.fetch(str(bundle), ref, allow_local=True, timeout=settings.PEDIGREE_GIT_TIMEOUT) as checkout:
        phases.fetch = time.perf_counter() - start
        start = time.perf_counter()
        # as ingest_checkout does: the write takes the identities the helpers are still expanding
        with instrumented(phases), analysed_checkout(checkout) as analysis:
            phases.analysis = time.perf_counter() - start
            start = time.perf_counter()
            with instrumented_writes(phases):
                write_release(analysis, checkout)
            phases.write = time.perf_counter() - start
        start = time.perf_counter()
    phases.cleanup = time.perf_counter() - start
    return phases


# ----------------------------------------------------------------------------- report


def expansion_processes() -> int:
    from django.conf import settings

    return settings.PEDIGREE_EXPANSION_PROCESSES


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_report(db: Database, bundle: Path, ref: str, baseline: Baseline, runs: list[IngestRun],
                 traced: tuple[float, float], phases: Phases, warm_runs: list[IngestRun]) -> bool:
    ingest = statistics.median(r.seconds for r in runs)
    warm = statistics.median(r.seconds for r in warm_runs)
    ratio = ingest / baseline.seconds if baseline.seconds else float("inf")
    time_ok, ratio_ok = ingest < TARGET_SECONDS, ratio <= TARGET_RATIO
    first = runs[0]

    print(f"\nPedigree ingest benchmark  {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"  database  {db.label}")
    print(f"  corpus    {bundle} @ {ref}")
    from audits import rpmspec

    compiled = "compiled by mypyc (build/compiled)" if rpmspec.compiled_modules() else "Python (not compiled)"
    print(f"  machine   {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; spec expansion {compiled}\n")

    rows = [
        ("baseline: read all files + tomllib (s)", f"{baseline.seconds:.2f}",
         f"warm cache, 2nd of 2 passes (1st: {baseline.first_seconds:.2f} s); "
         f"{baseline.files} files, {baseline.bytes / 1e6:.0f} MB, {baseline.tomls} *.toml"),
        ("ingest_release end to end (s)", f"{ingest:.2f}",
         f"median of {len(runs)} run(s)" + (f", min {min(r.seconds for r in runs):.2f}" if len(runs) > 1 else "")),
        ("ratio ingest / baseline", f"{ratio:.1f}", ""),
        ("ingest, identities already cached (s)", f"{warm:.2f}",
         f"median of {len(warm_runs)} run(s): a later ingest of the same specs, the expansion looked up, not repeated"),
        ("peak RSS growth during ingest (MB)", f"{first.rss_growth_mb:.0f}",
         f"ru_maxrss delta, first run; process peak {first.rss_peak_mb:.0f} MB; "
         f"largest child process so far {children_rss_mb():.0f} MB (git clones, expansion helpers)"),
        ("tracemalloc peak, Python allocations (MB)", f"{traced[1]:.0f}",
         f"separate run, {traced[0]:.1f} s under tracing"),
        ("components", f"{first.components}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, note in rows:
        print(f"  {label:<{width}}  {value:>8}  {note}")

    print("\n  targets")
    print(f"    ingest < {TARGET_SECONDS:g} s          {ingest:>7.2f} s   {verdict(time_ok)}")
    print(f"    ratio <= {TARGET_RATIO:g}             {ratio:>7.1f}     {verdict(ratio_ok)}")
    expansion = phases.get("identities").seconds + phases.get("identities given to the helpers").seconds
    rest = phases.fetch + phases.analysis + phases.write + phases.cleanup - expansion
    share = expansion / rest if rest else float("inf")
    added = (ingest - warm) / warm if warm else float("inf")
    share_ok = max(share, added) <= TARGET_EXPANSION_SHARE
    print(f"    expansion <= {TARGET_EXPANSION_SHARE:.0%} of the rest  {max(share, added):>7.0%}     {verdict(share_ok)}"
          f"   (the larger of: phase run, {expansion:.2f} s spent on or waiting for the expansion against"
          f" {rest:.2f} s, {share:.0%}; end to end, cold {ingest:.2f} s against cached {warm:.2f} s, {added:.0%})")

    history = phases.get("history").seconds
    proper = phases.analysis - history
    total = phases.fetch + phases.analysis + phases.write + phases.cleanup
    print("\n  phases (one more run, functions called directly)")
    lines = [
        ("fetch: bare clone of the bundle + resolve ref", phases.fetch, ""),
        ("history: git log --name-only, PathHistory, rev-list", history, "inside analyse_checkout, when first asked"),
        ("analysis proper (analyse_checkout minus history)", proper, ""),
        ("  git blob reads (cat-file --batch)", phases.get("blob reads").seconds,
         f"{phases.get('blob reads').calls} reads; spread over the steps below"),
        ("  load_project (includes, schema)", phases.get("load_project").seconds, ""),
        ("  resolve_components (layers, overlay files)", phases.get("resolve_components").seconds, ""),
        ("  classify", phases.get("classify").seconds, f"{phases.get('classify').calls} components"),
        ("  parse_spec", phases.get("parse_spec").seconds, f"{phases.get('parse_spec').calls} specs"),
        ("  identities (rpmspec, x86_64 + aarch64, cache cold)", expansion,
         f"spent on or waiting for the expansion, here and in write_release: {phases.get('identities').calls} specs, "
         f"{expansion_processes()} helper processes (PEDIGREE_EXPANSION_PROCESSES); of which giving the helpers "
         f"their specs {phases.get('identities given to the helpers').seconds:.2f} s"),
        ("  git blame of shared files", phases.get("blame").seconds, f"{phases.get('blame').calls} files"),
        ("write_release (one transaction)", phases.write, ""),
        *[
            (f"  insert {model}", timer.seconds, f"{timer.calls} rows")
            for model, timer in sorted(phases.writes.items(), key=lambda item: -item[1].seconds)[:5]
        ],
        ("temp dir removal", phases.cleanup, ""),
        ("total", total, ""),
    ]
    width = max(len(line[0]) for line in lines)
    for label, seconds, note in lines:
        share = f"{100 * seconds / total:5.1f} %" if total and not label.startswith("  ") and label != "total" else ""
        print(f"    {label:<{width}}  {seconds:7.2f} s  {share:>7}  {note}")
    print("    (indented rows are parts of the row above them; under analysis they overlap, since blob reads")
    print("     happen inside the other steps; under write_release the five slowest models are shown)")
    return time_ok and ratio_ok and share_ok


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE, help="git bundle to ingest (default: %(default)s)")
    parser.add_argument("--ref", default=DEFAULT_REF, help="branch, tag or commit (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="timed end-to-end runs, cold and cached each (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    bundle = args.bundle.resolve()
    if not bundle.is_file():
        print(f"bench/ingest.py: corpus bundle not found at {bundle}; pass --bundle PATH "
              "(the Azure Linux corpus lives in ../shared/corpus/)", file=sys.stderr)
        return 2
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    sys.path.insert(0, str(ROOT))
    with throwaway_django("pedigree-bench-var-") as db:
        print("baseline: cloning a normal checkout (not timed), then two read+parse passes ...", flush=True)
        baseline = measure_baseline(bundle, args.ref)
        runs, warm_runs = [], []
        for i in range(args.repeat):  # alternated: a machine that slows down or speeds up weighs on both alike
            print(f"ingest run {i + 1}/{args.repeat} ...", flush=True)
            runs.append(run_ingest(bundle, args.ref))
            print(f"ingest run {i + 1}/{args.repeat} with the identities cached ...", flush=True)
            warm_runs.append(run_ingest(bundle, args.ref, keep_identities=True))
        print("ingest run under tracemalloc ...", flush=True)
        traced = run_traced(bundle, args.ref)
        print("phase run ...", flush=True)
        phases = run_phases(bundle, args.ref)
        ok = print_report(db, bundle, args.ref, baseline, runs, traced, phases, warm_runs)
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
