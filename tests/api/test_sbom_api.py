"""SBOMs over the API: signature bundles listed with every verification result and downloadable for `sigstore
verify`; a component document that cannot be generated answered as a problem with the reason."""

from __future__ import annotations

from django.utils import timezone

from signing.models import SignatureVerification
from tests.api.conftest import SIGNATURE


def _verification(bundle, verified: bool, reason: str, minutes_ago: int):
    return SignatureVerification.objects.create(
        bundle=bundle, verified=verified, reason=reason, signer_identity="ci@example.org",
        signer_issuer="https://issuer.example", trusted_root_sha256="ab" * 32, artifact_sha256=bundle.artifact_sha256,
        verified_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )


def test_signature_bundles_are_listed_with_every_verification_newest_first(key_client, api_objects):
    signature = api_objects["signature"]
    _verification(signature, False, "the certificate's identity is not the expected one", 30)
    _verification(signature, True, "verified", 5)
    rows = key_client("read").get(f"/api/v1/releases/{api_objects['release'].pk}/signature-bundles/").json()["results"]
    assert [(r["artifact_name"], r["sbom_document"], r["origin"]) for r in rows] == [
        (api_objects["sbom"].file_name, api_objects["sbom"].pk, "portal")]
    assert [(v["verified"], v["reason"]) for v in rows[0]["verifications"]] == [
        (True, "verified"), (False, "the certificate's identity is not the expected one")]
    assert rows[0]["file_name"] == f"{api_objects['sbom'].file_name}.sigstore.json" and "content" not in rows[0]


def test_a_signature_bundle_downloads_as_its_sigstore_json(key_client, api_objects):
    signature = api_objects["signature"]
    client = key_client("read", "export")
    row = client.get(f"/api/v1/releases/{api_objects['release'].pk}/signature-bundles/{signature.pk}/").json()
    response = client.get(row["download_url"])
    assert response.status_code == 200 and response.content == SIGNATURE
    assert f'filename="{signature.file_name}"' in response["Content-Disposition"]
    assert response["ETag"] == f'"{signature.sha256}"'


def test_downloading_a_signature_bundle_needs_the_export_scope(key_client, api_objects):
    signature = api_objects["signature"]
    response = key_client("read").get(
        f"/api/v1/releases/{api_objects['release'].pk}/signature-bundles/{signature.pk}/download/")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


def test_a_component_document_that_fails_validation_answers_a_500_problem_with_the_reason(key_client, release,
                                                                                         monkeypatch):
    monkeypatch.setattr("sbom.services.generate.cyclonedx.validate", lambda content, fmt: ["forced: not valid"])
    response = key_client("read", "export").get(f"/api/v1/releases/{release.pk}/components/curl/sbom/cyclonedx-json/")
    assert response.status_code == 500 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "document_invalid" and "forced: not valid" in response.json()["detail"]
