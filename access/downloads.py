"""The one way every page and API endpoint answers with a file to download.

`file_response` is used for each download the portal serves: stored SBOMs, evidence bundles and
the OSCAL files inside them, Sigstore bundles and uploaded artifacts, the trust configuration, CSV
and XLSX exports, and the REST API's downloads. It

- names the file with `Content-Disposition: attachment; filename="..."`, built by Django's
  `content_disposition_header` from a name first reduced to a safe ASCII subset (`safe_file_name`):
  file names carry repository data (distribution and version keys, component and artifact names),
  and a name such as `azl"; filename*=UTF-8''evil.html; x="` must not add a parameter, a header
  line or a second file name;
- answers 304 when If-None-Match holds the ETag, without reading the bytes (pass `content` as a
  callable to read them only when they are sent);
- sends Last-Modified, `Cache-Control: private, no-cache` (revalidate; never in shared caches) and
  `X-Content-Type-Options: nosniff` (a browser never renders a download as a page).

Only If-None-Match decides a 304: Last-Modified is informative (an SBOM's is the release commit's
date, the same for every re-generation), so If-Modified-Since alone never gets one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable

from django.http import FileResponse, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, quote_etag

MAX_FILE_NAME = 200
_UNSAFE = re.compile(r"[^A-Za-z0-9._+~-]+")


def safe_file_name(name: str, default: str = "download") -> str:
    """`name` in letters, digits and `. _ + ~ -` only (accents dropped, anything else one `_`), without
    leading dots or dashes, at most MAX_FILE_NAME characters (the end, with its suffix, is kept)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("_", ascii_name).lstrip(".-_")
    if len(cleaned) > MAX_FILE_NAME:
        cleaned = cleaned[: MAX_FILE_NAME // 2] + "_" + cleaned[-(MAX_FILE_NAME // 2 - 1):]
    return cleaned or default


def file_response(request, content: bytes | Callable[[], bytes], *, file_name: str, content_type: str,
                  etag: str | None = None, last_modified: dt.datetime | None = None,
                  stream: bool = False) -> HttpResponse:
    """`content` as an attachment named (a safe form of) `file_name`, or 304 when If-None-Match has `etag`.

    `content` may be a callable, called only when the bytes are sent. `stream`: a FileResponse that
    sends the bytes in blocks (the large stored files), else a plain HttpResponse.
    """
    headers = {"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"}
    if etag is not None:
        headers["ETag"] = quote_etag(etag)
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    not_modified = get_conditional_response(request, etag=headers.get("ETag")) if etag is not None else None
    if not_modified is not None:
        response = not_modified
    else:
        data = bytes(content() if callable(content) else content)
        if stream:
            response = FileResponse(io.BytesIO(data), content_type=content_type)
        else:
            response = HttpResponse(data, content_type=content_type)
        response["Content-Length"] = str(len(data))
        response["Content-Disposition"] = content_disposition_header(True, safe_file_name(file_name))
    for header, value in headers.items():
        response[header] = value
    return response
