"""API fixtures: keys with chosen scopes, a client that sends them, and the endpoints of the schema."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from access.apikeys import SCOPES
from access.services import issue_api_key


@pytest.fixture(autouse=True)
def fresh_throttle_counts(settings):
    """Throttle counts live in the cache, keyed by key id, which the next test's database reuses: each
    test counts in an empty in-memory cache (the database cache is tested by the sign-in throttle)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-tests"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The accounts of these tests never sign in with a password; hashing one properly takes 0.2 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_key(db, portal_admin):
    """make_key("read", "export", name=..., expires_at=..., allowed_networks=[...]) -> (ApiKey, secret)."""
    counter = iter(range(1_000_000))

    def make(*scopes: str, name: str | None = None, **options):
        return issue_api_key(name or f"key-{next(counter)}", list(scopes), created_by=portal_admin, **options)

    return make


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def key_client(make_key):
    """key_client("read", ...) -> a test client authenticated with a new key of those scopes."""

    def make(*scopes: str, **options) -> Client:
        _, secret = make_key(*scopes, **options)
        return bearer(secret)

    return make


@pytest.fixture
def read_client(key_client):
    return key_client("read")


@pytest.fixture
def all_scopes_client(key_client):
    return key_client(*SCOPES)


def yesterday() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=1)


SIGNATURE = b'{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}'


def stored_file(content: bytes) -> dict:
    return {"content": content, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            "sha512": hashlib.sha512(content).hexdigest()}


@pytest.fixture
def small_release(db):
    """A release with one component, written directly (no git, no ingest): for tests that only need rows."""
    from audits.models import Commit, Component, ComponentCommit, Distribution, Release

    at = timezone.now() - dt.timedelta(days=3)
    commit = Commit.objects.create(sha="c" * 40, author_name="A", author_email="a@example.org", authored_at=at,
                                   committer_name="A", committer_email="a@example.org", committed_at=at,
                                   subject="config", message="config")
    release = Release.objects.create(distribution=Distribution.objects.create(name="azurelinux"), version="4.0",
                                     source_url="https://example.org/repo.git", ref="main", commit=commit)
    component = Component.objects.create(release=release, name="bash", defined_in="base/comps/bash.comp.toml",
                                         headline="altered", verdict="Altered by 1 overlay.", spec_origin="snapshot",
                                         spec_type="upstream", config_commit=commit)
    ComponentCommit.objects.create(component=component, commit=commit, position=0, touched="config")
    return release


@pytest.fixture
def api_objects(small_release, portal_admin):
    """One of each kind of row the API serves; keyed by what names them in URLs."""
    from audits.choices import UpstreamVerdict
    from audits.models import Image, ImagePackage, UpstreamVerification
    from evidence.models import EvidenceBundle
    from jobs.choices import JobKind
    from jobs.models import Job
    from sbom.models import SbomDocument
    from signing.models import SignatureBundle
    from audits.models import Overlay
    from vex.models import CveFinding, VexScan
    from vex.services.advisories import import_advisory

    release = small_release
    component = release.components.get(name="bash")
    now = timezone.now()
    sbom = SbomDocument.objects.create(
        release=release, format="cyclonedx-json", spec_version="1.6", serial_number="urn:uuid:0", generator_version="t",
        generated_at=release.commit.committed_at, generation_seconds=0.1, **stored_file(b'{"bomFormat": "CycloneDX"}'),
    )
    bundle = EvidenceBundle.objects.create(
        release=release, manifest={"files": []}, generator_version="t", requested_by=portal_admin, requested_at=now,
        **stored_file(b"PK\x05\x06" + b"\0" * 18),
    )
    verification = UpstreamVerification.objects.create(
        component=component, verdict=UpstreamVerdict.DRIFT, reason="an undeclared change", undeclared_diff="-a\n+b\n",
        verified_at=now,
    )
    job = Job.objects.create(kind=JobKind.SBOM, params={"release_id": release.pk}, release=release)
    image = Image.objects.create(release=release, name="vm", definition={"type": "kiwi", "path": "vm.kiwi"},
                                 defined_in="base/images/images.toml", direct_count=1, closure_count=1)
    ImagePackage.objects.create(image=image, name="bash", role="direct", kind="package", component=component, binary="bash")
    signature = SignatureBundle.objects.create(
        release=release, origin=SignatureBundle.Origin.PORTAL, sbom_document=sbom, artifact_name=sbom.file_name,
        artifact_sha256=sbom.sha256, content=SIGNATURE, sha256=hashlib.sha256(SIGNATURE).hexdigest(),
    )
    scan = VexScan.objects.create(release=release)
    overlay = Overlay.objects.create(component=component, position=0, type="patch-add", defined_in=component.defined_in,
                                     layer="component", description="Fix CVE-2024-0001")
    CveFinding.objects.create(scan=scan, component=component, overlay=overlay, cve="CVE-2024-0001",
                              origin="description", action="adds-fix", file=overlay.defined_in, text="CVE-2024-0001")
    advisory = import_advisory(json.dumps({"id": "OSV-1", "aliases": ["CVE-2024-0001"], "affected": [
        {"package": {"name": "bash"}, "versions": ["5.3-3.azl4"]}]}).encode(), filename="osv.json", user=portal_admin)
    from reviews.services import sync_reviews

    sync_reviews(release)  # what the ingest does after writing a release
    review = component.review
    finding, waived = findings_of(release, component, portal_admin)
    from tests.support.history import build_history, state

    snapshots = build_history(release.distribution.name, [{"bash": state("bash")}, {"bash": state("bash", license="X")}])
    return {"release": release, "component": component, "sbom": sbom, "bundle": bundle, "verification": verification,
            "review": review, "finding": finding, "waiver": waived, "image": image, "advisory": advisory,
            "job": job, "commit": release.commit, "signature": signature, "snapshot": snapshots[0]}


def findings_of(release, component, approver):
    """Two policy findings of the component: one open (to waive), one waived (to change or revoke)."""
    from policies.models import Finding
    from policies.services import waivers
    from policies.services.policy import current_version

    version = current_version()
    finding, other = Finding.objects.bulk_create([
        Finding(release=release, component=component, policy_version=version, rule="overlay-description",
                severity="low", subject="overlay 1", message="overlay 1 (spec-set-tag) has no description"),
        Finding(release=release, component=component, policy_version=version, rule="check-skip-reason",
                severity="medium", message="%check is skipped without a reason (build.check.skip_reason)"),
    ])
    waiver = waivers.approve(other, justification="known", expires_at=timezone.now() + dt.timedelta(days=9),
                             user=approver, via="page")
    return finding, waiver
