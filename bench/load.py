"""Load test: signed-in clients browse the package table and package pages for a fixed time.

    .venv/bin/python bench/load.py --base-url http://127.0.0.1:8000 --username admin --password ... \
        [--clients 20] [--duration 60] [--start-sbom] [--api-path /api/v1/releases/{release}/components/] [--check]

Every client signs in with its own session, then loops over a mix of requests: the package table
with filters, sorting and paging, package pages, and (with --api-path) an API listing. With
--start-sbom the script queues the release's SBOM job first (it needs the portal's DATABASE_URL
and CELERY_BROKER_URL in its environment), so the browsing runs while the job does. It prints
throughput, p50/p95/p99 per kind of request and every error; --check exits 1 unless there were
no errors and the overall p95 is under the target. Loopback addresses only.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
P95_TARGET_MS = 500
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TABLE_QUERIES = [
    {}, {"headline": "altered"}, {"headline": "intact", "page": "3"}, {"sort": "-overlays"}, {"sort": "-changed"},
    {"q": "python"}, {"q": "lib", "sort": "version", "page": "2"}, {"check_skipped": "yes"}, {"pinned": "yes"},
    {"headline": "build-customised", "sort": "-version"}, {"page": "40"}, {"has_inconsistency": "yes"},
]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30).raise_for_status()
    response = session.post(f"{base}/accounts/login/", allow_redirects=False, timeout=30, data={
        "username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    if response.status_code != 302:
        sys.exit(f"sign-in as {username!r} failed with HTTP {response.status_code}")
    return session


def newest_release(session: requests.Session, base: str) -> int:
    ids = [int(x) for x in re.findall(r'href="/releases/(\d+)/"', session.get(f"{base}/", timeout=30).text)]
    if not ids:
        sys.exit("the portal has no release to browse: ingest one first")
    return max(ids)


def component_names(session: requests.Session, base: str, release: int) -> list[str]:
    names: set[str] = set()
    for page in (1, 10, 30, 60):
        text = session.get(f"{base}/releases/{release}/", params={"page": page}, timeout=60).text
        names.update(re.findall(rf'href="/releases/{release}/components/([^/"]+)/"', text))
    return sorted(names)


def start_sbom_job(release: int) -> int:
    """Queue the release's SBOM job through the portal's own code (same database and broker)."""
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from audits.models import Release
    from jobs.services import enqueue_job

    return enqueue_job("sbom", {"release_id": release}, release=Release.objects.get(pk=release)).pk


def job_state(job_id: int) -> str:
    from jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return f"job {job.pk} {job.status} (stage {job.stage!r}, {job.progress_done}/{job.progress_total})"


def client(session: requests.Session, base: str, release: int, names: list[str], api_path: str,
           deadline: float, results: Results, seed: int) -> None:
    rng = random.Random(seed)
    kinds = ["table", "table", "package"] + (["api"] if api_path else [])
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        if kind == "table":
            url, params = f"{base}/releases/{release}/", rng.choice(TABLE_QUERIES)
        elif kind == "package":
            url, params = f"{base}/releases/{release}/components/{rng.choice(names)}/", {}
        else:
            url, params = base + api_path.format(release=release), {"page": rng.randint(1, 20)}
        start = time.perf_counter()
        error = None
        try:
            response = session.get(url, params=params, timeout=60)
            if response.status_code != 200:
                error = f"HTTP {response.status_code} for {response.url}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"
        results.record(kind, time.perf_counter() - start, error)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(results: Results, elapsed: float) -> float:
    everything = [v for values in results.latencies.values() for v in values]
    print(f"{len(everything)} requests in {elapsed:.1f} s: {len(everything) / elapsed:.1f} requests/s, "
          f"{len(results.errors)} errors")
    print(f"{'kind':<10}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, values in sorted(results.latencies.items()) + [("all", everything)]:
        if values:
            print(f"{kind:<10}{len(values):>8}{1000 * statistics.median(values):>10.0f}"
                  f"{1000 * percentile(values, 95):>10.0f}{1000 * percentile(values, 99):>10.0f}{1000 * max(values):>10.0f}")
    for error in results.errors[:20]:
        print("error:", error)
    return 1000 * percentile(everything, 95) if everything else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default=os.environ.get("PEDIGREE_LOAD_USER", "admin"))
    parser.add_argument("--password", default=os.environ.get("PEDIGREE_LOAD_PASSWORD", ""))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds (at most 600)")
    parser.add_argument("--release", type=int, help="release id (default: the newest)")
    parser.add_argument("--start-sbom", action="store_true", help="queue the release's SBOM job before browsing")
    parser.add_argument("--api-path", default=os.environ.get("PEDIGREE_LOAD_API_PATH", ""),
                        help="API listing to include, e.g. /api/v1/releases/{release}/components/ (off when empty)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 on any error or p95 >= {P95_TARGET_MS} ms")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    if urlsplit(base).hostname not in LOOPBACK:
        sys.exit("bench/load.py only drives a portal on a loopback address")
    if not 1 <= args.clients <= 100 or not 0 < args.duration <= 600:
        sys.exit("--clients must be 1..100 and --duration 1..600 s")

    sessions = [sign_in(base, args.username, args.password) for _ in range(args.clients)]
    release = args.release or newest_release(sessions[0], base)
    names = component_names(sessions[0], base, release)
    sbom_job = start_sbom_job(release) if args.start_sbom else None
    if sbom_job:
        time.sleep(2)
        print("before:", job_state(sbom_job))
    results = Results()
    start = time.monotonic()
    deadline = start + args.duration
    threads = [threading.Thread(target=client, args=(s, base, release, names, args.api_path, deadline, results, i))
               for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    print(f"release {release}, {args.clients} clients, {len(names)} package names"
          + (f", API {args.api_path}" if args.api_path else ", no API client"))
    p95 = report(results, elapsed)
    if sbom_job:
        print("after:", job_state(sbom_job))
    ok = not results.errors and p95 < P95_TARGET_MS
    print(f"target (0 errors, p95 < {P95_TARGET_MS} ms): {'PASS' if ok else 'FAIL'}")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
