"""Hostile uploads: bodies larger than the signature upload takes, sent so that the declared
Content-Length does not tell (chunked), or with one file far over its own limit. The size is checked
while the body is read: the reading stops at the limit, the answer says why, nothing is stored.

Django reads nothing of a body without a Content-Length; gunicorn hands a chunked body over
de-chunked (wsgi.input_terminated) without one, so such an upload used to arrive as an empty form.
"""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from signing.models import SignatureBundle
from signing.services.signing import (
    IdentitySource,
    identity_token,
    load_trust_config,
    sign_each,
)
from tests.support.gunicorn import gunicorn_portal

pytestmark = pytest.mark.django_db

SMALL_LIMITS = {"PEDIGREE_MAX_BUNDLE_BYTES": 1000, "PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES": 1000}
MAX_BODY = 1000 + 1000 + 64 * 1024  # both files and the form around them


class CountingInput(io.BytesIO):
    """A request body that counts how much of it the portal reads."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def multipart(**fields) -> bytes:
    return encode_multipart(BOUNDARY, fields)


def chunked_environ(body: CountingInput, *, terminated: bool = True) -> dict:
    """What gunicorn passes for a chunked request: no Content-Length, the body de-chunked and terminated."""
    environ = {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": body}
    if terminated:
        environ["wsgi.input_terminated"] = True
    return environ


@pytest.fixture
def manager_client(client, release_manager):
    client.force_login(release_manager)
    return client


def upload_url(release) -> str:
    return reverse("signing:upload-bundle", args=[release.pk])


def test_a_chunked_upload_over_the_limit_is_refused_with_413_as_soon_as_the_limit_is_read(baseline, manager_client,
                                                                                          settings):
    for name, value in SMALL_LIMITS.items():
        setattr(settings, name, value)
    body = CountingInput(multipart(bundle=SimpleUploadedFile("b.sigstore.json", b"{" + b" " * 200_000 + b"}"),
                                   sha256="0" * 64, artifact_name="x"))
    response = manager_client.generic("POST", upload_url(baseline.release), body.getvalue(), MULTIPART_CONTENT,
                                      **chunked_environ(body))
    assert response.status_code == 413 and response.content.decode() == "The upload is larger than 66.0\xa0KB."
    assert body.read_bytes == MAX_BODY + 1
    assert not SignatureBundle.objects.exists()
    baseline.assert_unchanged()


def test_a_chunked_upload_a_server_does_not_de_chunk_is_refused_with_411(baseline, manager_client):
    body = CountingInput(multipart(bundle=SimpleUploadedFile("b.sigstore.json", b"{}"), sha256="0" * 64,
                                   artifact_name="x"))
    response = manager_client.generic("POST", upload_url(baseline.release), body.getvalue(), MULTIPART_CONTENT,
                                      **chunked_environ(body, terminated=False))
    assert response.status_code == 411 and b"Content-Length" in response.content
    assert body.read_bytes == 0 and not SignatureBundle.objects.exists()
    baseline.assert_unchanged()


def test_a_file_over_its_own_limit_stops_the_reading_at_that_limit(baseline, manager_client, settings):
    settings.PEDIGREE_MAX_BUNDLE_BYTES = 1000  # the artifact's 64 MiB leave room for a 4 MB bundle in the body
    body = CountingInput(multipart(bundle=SimpleUploadedFile("b.sigstore.json", b"{" + b" " * 4_000_000 + b"}"),
                                   sha256="0" * 64, artifact_name="x"))
    response = manager_client.generic("POST", upload_url(baseline.release), body.getvalue(), MULTIPART_CONTENT,
                                      **{"wsgi.input": body})
    assert response.status_code == 400 and "The bundle is too large: the limit is 1000\xa0bytes." \
        in response.content.decode()
    assert body.read_bytes < 200_000  # a few of the parser's 64 KiB blocks, not the 4 MB
    assert not SignatureBundle.objects.exists()
    baseline.assert_unchanged()


def test_a_file_field_the_form_does_not_take_is_not_read(baseline, manager_client):
    body = CountingInput(multipart(extra=SimpleUploadedFile("big.bin", b"x" * 4_000_000), sha256="0" * 64,
                                   artifact_name="x", bundle=SimpleUploadedFile("b.sigstore.json", b"{}")))
    response = manager_client.generic("POST", upload_url(baseline.release), body.getvalue(), MULTIPART_CONTENT,
                                      **{"wsgi.input": body})
    assert response.status_code == 400 and "The form takes no file named &#x27;extra&#x27;." in response.content.decode()
    assert body.read_bytes < 200_000 and not SignatureBundle.objects.exists()


# ----------------------------------------------------------------------------- through gunicorn


def _third_party_bundle(content: bytes) -> bytes:
    """A Sigstore bundle made outside the portal (the local instance)."""
    trust = load_trust_config(settings.PEDIGREE_SIGSTORE_TRUST_CONFIG)
    token = identity_token(IdentitySource(token_file=settings.PEDIGREE_SIGSTORE_IDENTITY_TOKEN_FILE))
    ((_, bundle),) = sign_each([(None, content)], trust_config=trust, token=token)
    return bundle.encode()


SERVED_LIMITS = {"PEDIGREE_MAX_BUNDLE_BYTES": "50000", "PEDIGREE_MAX_SIGNED_ARTIFACT_BYTES": "1000"}
SERVED_MAX_BODY = "113.8\xa0KB"  # 50000 + 1000 + 64 KiB


@pytest.fixture
def served(tmp_path):
    """gunicorn with small upload limits (a real bundle fits), on the test database."""
    with gunicorn_portal(tmp_path / "gunicorn.log", **SERVED_LIMITS) as server:
        yield server


def _headers(client) -> dict[str, str]:
    """A signed-in release manager's cookies and CSRF token, as a browser would send them."""
    token = "a" * 32
    return {"Content-Type": MULTIPART_CONTENT, "X-CSRFToken": token,
            "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}"}


def _chunks(data: bytes, size: int = 16 * 1024):
    return (data[i:i + size] for i in range(0, len(data), size))


@pytest.mark.django_db(transaction=True)
def test_a_chunked_upload_over_the_limit_through_gunicorn_gets_413_and_stores_nothing(baseline, served,
                                                                                     manager_client):
    body = multipart(bundle=SimpleUploadedFile("b.sigstore.json", b"{" + b" " * 300_000 + b"}"), sha256="0" * 64,
                     artifact_name="x")
    status, answer = served.post_chunked(upload_url(baseline.release), _chunks(body), _headers(manager_client))
    assert (status, answer.decode()) == (413, f"The upload is larger than {SERVED_MAX_BODY}."), served.log_path.read_text()
    assert not SignatureBundle.objects.exists()
    baseline.assert_unchanged()


@pytest.mark.django_db(transaction=True)
def test_a_chunked_upload_within_the_limits_through_gunicorn_is_stored(baseline, served, manager_client,
                                                                       sigstore_settings):
    artifact = b"a third-party attestation\n"
    body = multipart(bundle=SimpleUploadedFile("n.sigstore.json", _third_party_bundle(artifact)),
                     artifact=SimpleUploadedFile("notes.txt", artifact))
    status, answer = served.post_chunked(upload_url(baseline.release), _chunks(body, 100), _headers(manager_client))
    assert status == 302, answer.decode(errors="replace")[:2000] + served.log_path.read_text()
    assert SignatureBundle.objects.get().artifact_name == "notes.txt"
