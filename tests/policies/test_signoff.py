"""The signed sign-off: an in-toto statement signed as DSSE by the local Sigstore instance, verified with
the stock `sigstore` CLI as a customer would; the frozen reviews and waivers afterwards."""

import io
import json
import os
import shlex
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from policies.models import SignOff, Waiver
from policies.services import signoff, waivers
from reviews.errors import ReviewError
from reviews.models import Review
from reviews.services import actor_of, add_comment, clean_decision, decide
from signing.services.verification import TRUST_CONFIG_FILE_NAME, stock_cli_command
from tests.policies.builders import decide_all, waive_all
from tests.support.sigstore_fixtures import SIGNER

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_off(release, auditor, release_manager, sigstore_settings):
    decide_all(release, auditor)
    waive_all(release, release_manager)
    return signoff.sign_off(release, user=release_manager, via="page")


def test_the_statement_is_in_toto_v1_over_the_decisions_document(signed_off, release):
    statement = json.loads(bytes(signed_off.statement))
    document = json.loads(bytes(signed_off.document))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [{"name": signoff.document_name(release),
                                     "digest": {"sha256": signed_off.document_sha256}}]
    assert statement["predicate"] == document
    assert document["release"]["commit"] == release.commit.sha
    assert {d["component"] for d in document["decisions"]} == {"bash", "mypkg", "zlib"}
    assert all(d["reviewer"] == "audrey" and d["fingerprint"] and d["decidedAt"] for d in document["decisions"])
    assert document["policy"]["version"] == 1 and document["signedBy"] == "manny"
    (waiver,) = document["waivers"]
    assert (waiver["component"], waiver["rule"], waiver["approvedBy"]) == ("bash", "upstream-version", "manny")
    assert document["findings"][0]["waived"] is True


def _download(client, part, release, folder):
    response = client.get(reverse("policies:sign-off-file", args=[release.pk, part]))
    assert response.status_code == 200
    name = signoff.document_name(release) + {"document": "", "bundle": ".sigstore.json"}[part]
    (folder / name).write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    return name


def _cli(release, folder, local_sigstore):
    command = stock_cli_command(signoff.document_name(release), signoff.document_name(release) + ".sigstore.json",
                                identity=SIGNER, issuer=local_sigstore.oidc.issuer, custom_root=True)
    words = shlex.split(command)
    return subprocess.run([sys.executable, *words[1:]], cwd=folder, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(folder)})


@pytest.fixture
def downloaded(signed_off, release, auditor_client, tmp_path, local_sigstore):
    folder = tmp_path / "customer"
    folder.mkdir()
    _download(auditor_client, "document", release, folder)
    _download(auditor_client, "bundle", release, folder)
    trust = auditor_client.get(reverse("signing:trust-config"))
    (folder / TRUST_CONFIG_FILE_NAME).write_bytes(b"".join(trust.streaming_content) if trust.streaming
                                                 else trust.content)
    return folder


def test_the_stock_sigstore_cli_verifies_the_sign_off(downloaded, release, local_sigstore):
    result = _cli(release, downloaded, local_sigstore)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"OK: {signoff.document_name(release)}" in result.stdout + result.stderr


def test_the_stock_sigstore_cli_refuses_a_tampered_decisions_document(downloaded, release, local_sigstore):
    path = downloaded / signoff.document_name(release)
    path.write_bytes(path.read_bytes().replace(b'"accepted"', b'"rejected"', 1))
    result = _cli(release, downloaded, local_sigstore)
    assert result.returncode != 0 and "FAIL" in result.stdout + result.stderr


def test_reviews_of_a_signed_off_release_are_frozen(signed_off, release, auditor):
    review = Review.objects.filter(release=release).first()
    with pytest.raises(ReviewError, match="the release is signed off: its reviews are frozen"):
        decide(review.pk, clean_decision("rejected", "on second thoughts"), actor_of(auditor),
               expected_version=review.version)
    with pytest.raises(ReviewError, match="frozen"):
        add_comment(review, "late remark", actor_of(auditor))


def test_waivers_of_a_signed_off_release_are_frozen(signed_off, release, release_manager):
    waiver = Waiver.objects.get(release=release)
    with pytest.raises(waivers.WaiverError, match="signed off"):
        waivers.revoke(waiver, user=release_manager, via="page", revision=None)


def test_a_release_is_signed_off_once(signed_off, release, release_manager):
    with pytest.raises(signoff.SignOffError, match="already signed off"):
        signoff.sign_off(release, user=release_manager, via="page")
    assert SignOff.objects.count() == 1


def test_without_a_signing_identity_nothing_is_stored(release, auditor, release_manager, sigstore_settings):
    sigstore_settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE = ""
    decide_all(release, auditor)
    waive_all(release, release_manager)
    with pytest.raises(signoff.SignOffError, match="no signing identity is configured"):
        signoff.sign_off(release, user=release_manager, via="page")
    assert not SignOff.objects.exists()


def _reviews_command(release, *options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("reviews", str(release.pk), "--json", *options, stdout=out, stderr=err)
    except SystemExit as exc:
        return json.loads(out.getvalue()), exc.code, err.getvalue()
    return json.loads(out.getvalue()), 0, err.getvalue()


def test_the_reviews_command_gates_on_the_sign_off(release):
    totals, code, error = _reviews_command(release, "--require-signed-off")
    assert (totals["policy_violations_open"], totals["policy_violations_waived"], totals["signed_off"]) == (1, 0, False)
    assert code == 1 and f"release {release.pk}" in error and "is not signed off" in error


def test_the_reviews_command_passes_a_signed_off_release(signed_off, release):
    totals, code, _ = _reviews_command(release, "--require-signed-off")
    assert code == 0 and totals["signed_off"] is True and totals["policy_violations_waived"] == 1
