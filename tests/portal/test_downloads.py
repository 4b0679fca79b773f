"""access.downloads: the one helper every download goes through (names, ETags, headers)."""

import datetime as dt

import pytest
from django.test import RequestFactory

from access.downloads import MAX_FILE_NAME, file_response, safe_file_name

MODIFIED = dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)


def get(**headers):
    return RequestFactory().get("/download", headers=headers)


@pytest.mark.parametrize("name, safe", [
    ("azurelinux-4.0-0123456789ab.cdx.json", "azurelinux-4.0-0123456789ab.cdx.json"),
    ("bash-5.2+git~rc1.spdx.json", "bash-5.2+git~rc1.spdx.json"),
    ("azl\"; filename*=UTF-8''evil.html; x=\"-4.0.zip", "azl_filename_UTF-8_evil.html_x_-4.0.zip"),
    ("azl\r\nX-Evil: 1.zip", "azl_X-Evil_1.zip"),
    ("äzl-ünï.zip", "azl-uni.zip"),
    ("../../etc/passwd", "etc_passwd"),
    ("..\\..\\evil.bat", "evil.bat"),
    ("", "download"),
    ("\"\";", "download"),
])
def test_a_file_name_is_reduced_to_safe_ascii(name, safe):
    assert safe_file_name(name) == safe


def test_a_very_long_file_name_keeps_its_start_and_its_suffix():
    name = safe_file_name("x" * 1000 + ".cdx.json")
    assert len(name) == MAX_FILE_NAME and name.startswith("xxx") and name.endswith(".cdx.json")


def test_a_download_names_one_safe_file_and_is_never_sniffed_or_shared():
    response = file_response(get(), b"{}", file_name='a"; b=c.json', content_type="application/json")
    assert response["Content-Disposition"] == 'attachment; filename="a_b_c.json"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-cache"
    assert response["Content-Length"] == "2" and response.content == b"{}"


def test_a_download_carries_its_etag_and_last_modified():
    response = file_response(get(), b"x", file_name="x.txt", content_type="text/plain", etag="abc",
                             last_modified=MODIFIED)
    assert response["ETag"] == '"abc"' and response["Last-Modified"] == "Sun, 01 Mar 2026 12:00:00 GMT"


def test_a_matching_if_none_match_gets_304_without_reading_the_bytes():
    def unread():
        raise AssertionError("the bytes were read")

    response = file_response(get(if_none_match='"other", "abc"'), unread, file_name="x.txt", content_type="text/plain",
                             etag="abc", last_modified=MODIFIED)
    assert response.status_code == 304 and response["ETag"] == '"abc"' and "Content-Disposition" not in response


def test_if_modified_since_alone_never_gets_304():
    response = file_response(get(if_modified_since="Sun, 01 Mar 2026 12:00:00 GMT"), b"x", file_name="x.txt",
                             content_type="text/plain", etag="abc", last_modified=MODIFIED)
    assert response.status_code == 200


def test_a_streamed_download_sends_the_same_bytes():
    response = file_response(get(), lambda: b"stored bytes", file_name="x.bin", content_type="application/octet-stream",
                             stream=True)
    assert response.streaming and b"".join(response.streaming_content) == b"stored bytes"
    assert response["Content-Length"] == "12"
