"""Hostile destinations for outbound connections (SSRF): ingest sources, dist-git addresses in
repository content, Sigstore services in the trust configuration. Each is refused with a clear
reason, nothing connects (a loopback listener counts connections and must stay at zero), and the
release ingested before stays as it was.

The address rules themselves (every IPv4/IPv6 form, the allow-list, the resolver) are unit-tested
in tests/audits/test_egress.py; here they are exercised through the form, the API, the ingest
service and job, the upstream verification job and the signing job.
"""

from __future__ import annotations

import html
import json
import os
import socket
import stat

import pytest
from django.test import Client

from access.services import issue_api_key
from audits import gitsource
from audits.choices import UpstreamVerdict
from audits.models import UpstreamVerification
from audits.services.ingest import IngestError, ingest_release
from audits.services.upstream import verify_release
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import run_job_in_process
from sbom.services.generate import generate_release_documents
from signing.models import SignatureBundle
from tests.audits import sample_repo
from tests.support.git_https import GitHttpsServer, Listener
from tests.support.gitrepo import commit_all, git, init_repo, write_files

pytestmark = pytest.mark.django_db

# source -> words the refusal must contain
HOSTILE_SOURCES = {
    "ipv4-loopback": ("https://127.0.0.1:8100/x", "loopback"),
    "hex": ("https://0x7f000001/x", "unusual form"),
    "decimal": ("https://2130706433/x", "unusual form"),
    "octal": ("https://0177.0.0.1/x", "unusual form"),
    "short": ("https://127.1/x", "unusual form"),
    "ipv6-loopback": ("https://[::1]:8100/x", "loopback"),
    "ipv4-mapped": ("https://[::ffff:127.0.0.1]/x", "loopback"),
    "metadata": ("https://169.254.169.254/latest/meta-data/x", "link-local"),
    "ipv6-link-local": ("https://[fe80::1]/x", "link-local"),
    "private-10": ("https://10.0.0.1/x", "private"),
    "private-172": ("https://172.16.0.1/x", "private"),
    "private-192": ("https://192.168.0.1/x", "private"),
    "ipv6-unique-local": ("https://[fd00::1]/x", "private"),
    "shared": ("https://100.64.0.1/x", "shared"),
    "multicast": ("https://224.0.0.1/x", "multicast"),
    "ipv6-multicast": ("https://[ff02::1]/x", "multicast"),
    "unspecified": ("https://0.0.0.0/x", "unspecified"),
    "ipv6-unspecified": ("https://[::]/x", "unspecified"),
    "localhost": ("https://localhost:8100/x", "this machine"),
    "ssh": ("ssh://127.0.0.1:8100/x", "loopback"),
    "ssh-mapped": ("ssh://git@[::ffff:127.0.0.1]/x", "loopback"),
    "scp-like": ("git@127.0.0.1:x", "loopback"),
    "scp-like-hex": ("git@0x7f000001:x", "unusual form"),
}


@pytest.fixture
def strict(settings):
    """Production's default: nothing internal may be reached."""
    settings.PEDIGREE_EGRESS_ALLOW = []
    settings.PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI = ""
    return settings


@pytest.fixture
def listener():
    with Listener("127.0.0.1") as listening:
        yield listening


@pytest.fixture
def no_validation(monkeypatch):
    """As if the form and API checks were bypassed (a job row written some other way)."""
    monkeypatch.setattr(gitsource, "validate_source", lambda source, **kwargs: source)


class Resolver:
    """socket.getaddrinfo answering from a table; each name's answers are used in turn (the last repeats)."""

    def __init__(self, monkeypatch, answers: dict[str, list[list[str]]]):
        self.answers = {name: list(queue) for name, queue in answers.items()}
        self.calls: list[str] = []
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        self.calls.append(host)
        queue = self.answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0))
                for a in addresses]


# ----------------------------------------------------------------------------- form and API


@pytest.mark.parametrize("source, words", HOSTILE_SOURCES.values(), ids=HOSTILE_SOURCES.keys())
def test_the_ingest_form_refuses_internal_destinations_saying_why(baseline, strict, release_manager, client, source, words):
    client.force_login(release_manager)
    response = client.post("/ingest/", {"source": source, "ref": "main"})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert words in page
    baseline.assert_unchanged()


@pytest.mark.parametrize("source, words", HOSTILE_SOURCES.values(), ids=HOSTILE_SOURCES.keys())
def test_the_api_refuses_internal_destinations_saying_why(baseline, strict, portal_admin, source, words):
    _, secret = issue_api_key("egress", ["jobs"], created_by=portal_admin)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/jobs/", {"kind": "ingest", "source": source, "ref": "main"}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()["errors"]["source"])
    baseline.assert_unchanged()


# ----------------------------------------------------------------------------- the job path, validation bypassed


def reachable_forms(port: int) -> list[str]:
    """Addresses that all reach the listener on 127.0.0.1:port if anything connects."""
    return [f"https://127.0.0.1:{port}/x", f"https://0x7f000001:{port}/x", f"https://2130706433:{port}/x",
            f"https://0177.0.0.1:{port}/x", f"https://127.1:{port}/x", f"https://[::ffff:127.0.0.1]:{port}/x",
            f"https://localhost:{port}/x", f"ssh://git@127.0.0.1:{port}/x", f"ssh://git@127.1:{port}/x"]


def test_fetch_refuses_every_loopback_form_even_without_validation(strict, no_validation, listener):
    for source in reachable_forms(listener.port):
        with pytest.raises(gitsource.GitSourceError, match="refused to fetch from") as refused:
            with gitsource.fetch(source, "main", allow_local=False):
                pass
        assert "could not fetch" not in str(refused.value), source
    assert listener.connections == 0


def test_fetch_refuses_ipv6_loopback_even_without_validation(strict, no_validation):
    with Listener("::1") as six:
        for source in (f"https://[::1]:{six.port}/x", f"ssh://git@[::1]:{six.port}/x"):
            with pytest.raises(gitsource.GitSourceError, match="loopback"):
                with gitsource.fetch(source, "main", allow_local=False):
                    pass
        assert six.connections == 0


def test_the_ingest_service_and_job_refuse_without_validation_and_change_nothing(baseline, strict, no_validation,
                                                                               listener):
    source = f"https://2130706433:{listener.port}/repo.git"
    with pytest.raises(IngestError, match="refused to fetch from 2130706433.*unusual form"):
        ingest_release(source, "main")
    job = run_job_in_process(JobKind.INGEST, {"source": f"https://127.0.0.1:{listener.port}/repo.git", "ref": "main"})
    assert job.status == JobStatus.FAILED
    assert job.error.startswith(f"refused to fetch from 127.0.0.1:{listener.port}: 127.0.0.1 is a loopback address")
    assert listener.connections == 0
    baseline.jobs += 1  # the refused job's own row
    baseline.assert_unchanged()


def test_a_name_that_resolves_to_an_internal_address_is_refused_by_the_job(baseline, strict, listener, monkeypatch,
                                                                          release_manager, client):
    Resolver(monkeypatch, {"git.evil.example": [["127.0.0.1"]], "meta.evil.example": [["140.82.112.3", "169.254.169.254"]]})
    client.force_login(release_manager)
    source = f"https://git.evil.example:{listener.port}/repo.git"
    assert client.post("/ingest/", {"source": source, "ref": "main"}).status_code == 302  # no lookup in the form
    with pytest.raises(IngestError, match=r"git\.evil\.example resolves to 127\.0\.0\.1, which is a loopback address"):
        ingest_release(source, "main")
    with pytest.raises(IngestError, match=r"resolves to 169\.254\.169\.254, which is a link-local address"):
        ingest_release("https://meta.evil.example/repo.git", "main")
    assert listener.connections == 0
    baseline.jobs = Job.objects.count()  # the form queued one (never run: no worker here)
    baseline.assert_unchanged()


# ----------------------------------------------------------------------------- pinning, redirects, error messages


@pytest.fixture
def published(sample_git, tmp_path, monkeypatch):
    """The sample repository served over HTTPS on 127.0.0.1 (certificate for git.rebind.test too)."""
    repo, _, _ = sample_git
    with GitHttpsServer(tmp_path / "https", names=["git.rebind.test"]) as server:
        server.add("repo", repo)
        monkeypatch.setenv("GIT_SSL_CAINFO", str(server.ca_file))
        yield server


def test_dns_rebinding_cannot_move_the_clone_to_an_unchecked_address(baseline, settings, published, monkeypatch):
    """The name first resolves to an allowed address, then to a refused one: git connects to the checked one."""
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]
    resolver = Resolver(monkeypatch, {"git.rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    with Listener("127.0.0.2", published.port) as rebound:
        outcome = ingest_release(f"https://git.rebind.test:{published.port}/repo.git", "main")
        assert outcome.created and outcome.release.components.filter(name="newpkg").exists()
        assert resolver.calls == ["git.rebind.test"]  # checked once; git was given that answer
        assert published.requests and rebound.connections == 0
        # The next answer is the refused address, and it is refused.
        with pytest.raises(IngestError, match=r"resolves to 127\.0\.0\.2, which is a loopback address"):
            ingest_release(f"https://git.rebind.test:{published.port}/repo.git", "main")
        assert rebound.connections == 0
    baseline.assert_unchanged(new_releases=1)


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    """An `ssh` first on PATH that records its arguments and prints what a hostile server would say."""
    folder = tmp_path / "bin"
    folder.mkdir()
    record = tmp_path / "ssh-arguments"
    script = folder / "ssh"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$PEDIGREE_TEST_SSH_RECORD"\n'
                      'echo "Welcome to db.internal.corp SECRET-BANNER v1.2" >&2\nexit 255\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("PEDIGREE_TEST_SSH_RECORD", str(record))
    monkeypatch.delenv("GIT_SSH_COMMAND", raising=False)
    monkeypatch.delenv("GIT_SSH", raising=False)
    return record


def test_ssh_is_pinned_to_the_checked_address_and_its_server_text_is_not_shown(settings, fake_ssh, monkeypatch,
                                                                              caplog):
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]
    Resolver(monkeypatch, {"git.rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    with pytest.raises(gitsource.GitSourceError) as failed:
        with gitsource.fetch("ssh://git@git.rebind.test:2222/repo.git", "main", allow_local=False):
            pass
    arguments = fake_ssh.read_text().splitlines()
    assert arguments[:4] == ["-o", "HostName=127.0.0.1", "-o", "HostKeyAlias=git.rebind.test"]
    assert "2222" in arguments and "git@git.rebind.test" in arguments
    assert str(failed.value).startswith("could not fetch from git.rebind.test:2222:")
    assert "SECRET-BANNER" not in str(failed.value) and "db.internal" not in str(failed.value)
    assert "SECRET-BANNER" in caplog.text  # kept for the operator, in the worker's log


def test_ssh_to_an_internal_address_never_starts_ssh(strict, no_validation, fake_ssh):
    for source in ("ssh://git@127.0.0.1:2222/x", "git@127.0.0.1:x", "git@[::1]:x"):
        with pytest.raises(gitsource.GitSourceError, match="loopback"):
            with gitsource.fetch(source, "main", allow_local=False):
                pass
    assert not fake_ssh.exists()


def test_git_does_not_follow_a_redirect_to_another_address(settings, sample_git, tmp_path, monkeypatch):
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]
    with Listener("127.0.0.2") as elsewhere, GitHttpsServer(
            tmp_path / "https", redirect_to=f"https://127.0.0.2:{elsewhere.port}") as redirecting:
        monkeypatch.setenv("GIT_SSL_CAINFO", str(redirecting.ca_file))
        with pytest.raises(gitsource.GitSourceError, match="redirects are not followed"):
            with gitsource.fetch(f"https://127.0.0.1:{redirecting.port}/repo.git", "main", allow_local=False):
                pass
        assert redirecting.requests and elsewhere.connections == 0


def test_a_failed_connection_is_described_in_our_words_not_the_servers(settings, listener, caplog):
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]
    with pytest.raises(gitsource.GitTransientError) as failed:  # the listener closes before any TLS
        with gitsource.fetch(f"https://127.0.0.1:{listener.port}/repo.git", "main", allow_local=False):
            pass
    message = str(failed.value)
    assert message == f"could not fetch from 127.0.0.1:{listener.port}: TLS failed (the secure connection could not be set up) (this looks temporary)"
    assert "gnutls" in caplog.text.lower() or "ssl" in caplog.text.lower()


# ----------------------------------------------------------------------------- the allow-list


def test_the_allow_list_lets_a_loopback_git_server_through(baseline, settings, published, release_manager, client):
    source = f"https://127.0.0.1:{published.port}/repo.git"
    settings.PEDIGREE_EGRESS_ALLOW = []
    with pytest.raises(IngestError, match="loopback"):
        ingest_release(source, "main")
    assert published.requests == []
    settings.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1"]
    client.force_login(release_manager)
    assert client.post("/ingest/", {"source": source, "ref": "main"}).status_code == 302
    assert ingest_release(source, "main").created
    assert published.requests
    baseline.jobs = Job.objects.count()  # the form's job (never run: no worker here)
    baseline.assert_unchanged(new_releases=1)


# ----------------------------------------------------------------------------- dist-git addresses in repository content


def make_dist_git(path, name: str) -> None:
    """A working Fedora dist-git repository for `name` (branch f43) at `path`."""
    init_repo(path, {f"{name}.spec": sample_repo.spec(name, "1.0"), "sources": ""}, branch="f43")
    git(path, "branch", "rawhide")


def release_with_base_uri(sample_git, uri: str):
    repo, _, _ = sample_git
    fedora = sample_repo.files()["distro/fedora.distro.toml"]
    write_files(repo, {"distro/fedora.distro.toml": fedora.replace(
        'dist-git-base-uri = "https://src.example.org/rpms/$pkg.git"', f'dist-git-base-uri = "{uri}"')})
    commit_all(repo, "point dist-git elsewhere", date="2026-03-05T12:00:00+00:00")
    return ingest_release(str(repo), "main").release


def unavailable_reasons(release) -> dict[str, str]:
    rows = UpstreamVerification.objects.filter(component__release=release)
    assert rows.exists() and all(r.verdict == UpstreamVerdict.UPSTREAM_UNAVAILABLE for r in rows)
    assert all(r.upstream_commit == "" and r.upstream_spec == "" and r.fetched_at is None for r in rows)
    return {r.component.name: r.reason for r in rows}


def test_a_loopback_dist_git_base_uri_is_never_connected_to(baseline, strict, sample_git, listener):
    strict.PEDIGREE_EGRESS_ALLOW = ["127.0.0.1/32"]  # even where the operator allows loopback for ingest sources
    release = release_with_base_uri(sample_git, f"https://127.0.0.1:{listener.port}/rpms/$pkg.git")
    job = run_job_in_process(JobKind.UPSTREAM, {"release_id": release.pk},
                             release=release)
    assert job.status == JobStatus.SUCCEEDED, job.error
    reasons = unavailable_reasons(release)
    assert all("comes from the repository's dist-git-base-uri and was refused" in r and
               "not a dist-git host named in PEDIGREE_DIST_GIT_HOSTS" in r and "nothing was fetched" in r
               for r in reasons.values()), reasons
    assert listener.connections == 0
    baseline.jobs += 1
    baseline.assert_unchanged(new_releases=1)


def test_a_dist_git_host_on_the_list_still_obeys_the_address_rules(baseline, strict, sample_git, listener):
    strict.PEDIGREE_DIST_GIT_HOSTS = ["127.0.0.1"]
    release = release_with_base_uri(sample_git, f"ssh://git@127.0.0.1:{listener.port}/rpms/$pkg.git")
    verify_release(release)
    assert all("127.0.0.1 is a loopback address" in r for r in unavailable_reasons(release).values())
    assert listener.connections == 0
    baseline.assert_unchanged(new_releases=1)


@pytest.mark.parametrize("form", ["path", "file-url"])
def test_a_local_dist_git_base_uri_never_clones_a_local_repository(baseline, strict, sample_git, tmp_path, form):
    assert strict.PEDIGREE_ALLOW_LOCAL_SOURCES  # local ingest sources are on, and still not for repository content
    private = tmp_path / "srv"
    for name in ("bash", "curl", "zlib", "newpkg"):
        make_dist_git(private / f"private-{name}", name)
    uri = f"{private}/private-$pkg" if form == "path" else f"file://{private}/private-$pkg"
    release = release_with_base_uri(sample_git, uri)
    verify_release(release)
    assert all("local path or file:// URL" in r and "nothing was fetched" in r
               for r in unavailable_reasons(release).values())
    baseline.assert_unchanged(new_releases=1)


def test_the_operators_dist_git_template_is_trusted_but_still_checked(baseline, strict, sample_git, listener):
    strict.PEDIGREE_UPSTREAM_DIST_GIT_BASE_URI = f"https://127.0.0.1:{listener.port}/rpms/$pkg.git"
    verify_release(baseline.release)
    reasons = unavailable_reasons(baseline.release)
    assert all("127.0.0.1 is a loopback address" in r for r in reasons.values()), reasons
    assert listener.connections == 0


# ----------------------------------------------------------------------------- Sigstore services


def sign_job(release):
    return run_job_in_process(JobKind.SIGN, {"release_id": release.pk}, release=release)


def test_a_trust_configuration_naming_loopback_services_is_refused_without_a_connection(
        baseline, sigstore_settings, local_sigstore):
    sigstore_settings.PEDIGREE_EGRESS_ALLOW = []
    generate_release_documents(baseline.release)
    before = len(local_sigstore.requests)
    job = sign_job(baseline.release)
    assert job.status == JobStatus.FAILED
    assert "the Sigstore trust configuration names a service that may not be reached" in job.error
    assert "127.0.0.1 is a loopback address" in job.error and "nothing was signed" in job.error
    assert len(local_sigstore.requests) == before and not SignatureBundle.objects.exists()


def test_a_trust_configuration_naming_the_metadata_service_is_refused(baseline, sigstore_settings, tmp_path):
    config = json.loads(open(sigstore_settings.PEDIGREE_SIGSTORE_TRUST_CONFIG).read())
    config["signingConfig"]["caUrls"][0]["url"] = "http://169.254.169.254/latest/meta-data/iam"
    hostile = tmp_path / "hostile-trust-config.json"
    hostile.write_text(json.dumps(config))
    sigstore_settings.PEDIGREE_SIGSTORE_TRUST_CONFIG = str(hostile)
    generate_release_documents(baseline.release)
    job = sign_job(baseline.release)
    assert job.status == JobStatus.FAILED and "169.254.169.254 is a link-local address" in job.error
    assert not SignatureBundle.objects.exists()
