"""Uploads read within their limits: the size is checked while the body is read, not only against
the Content-Length the client declares.

`read_limited_upload(request, max_bytes=..., file_limits=...)` parses request.POST and FILES

- refusing (413) a body whose declared Content-Length is over `max_bytes` before reading any of it;
- for a body without a Content-Length (`Transfer-Encoding: chunked`), reading at most `max_bytes`
  of it when the server hands it over de-chunked and says where it ends (`wsgi.input_terminated`,
  as gunicorn does) and refusing (413) as soon as there is more; without that promise the body
  cannot be read safely at all (411). Django itself reads nothing of such a body: the upload
  would otherwise arrive as an empty form;
- stopping the multipart parser (StopUpload) as soon as one file field passes its own limit, so
  that the rest is neither read nor spooled to disk (FileTooLarge, with the field's name).

Nothing is stored when an upload is refused: the parser closes (and so deletes) the files it spooled.
Call it before anything reads request.POST, in particular before the CSRF check (which reads the
form's token): the view is csrf_exempt and calls a csrf_protect'ed function afterwards.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat

READ_BLOCK = 64 * 1024


class UploadRefused(Exception):
    """The body is refused as a whole: too large (413) or of unknown length (411)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class FileTooLarge(Exception):
    """One file field passed its limit while it was read."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class FileLimitHandler(FileUploadHandler):
    """First of the request's upload handlers: counts each file field's bytes as they arrive and stops
    the upload when one passes its limit, or at the first byte of a file field the limits do not name."""

    def __init__(self, request, limits: dict[str, tuple[int, str]]):
        super().__init__(request)
        self.limits = limits
        self.refused: FileTooLarge | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if self.field_name not in self.limits:
            self._refuse(f"The form takes no file named {self.field_name!r}.")
        limit, what = self.limits[self.field_name]
        if start + len(raw_data) > limit:
            self._refuse(f"The {what} is too large: the limit is {filesizeformat(limit)}.")
        return raw_data

    def _refuse(self, message: str):
        self.refused = FileTooLarge(self.field_name, message)
        raise StopUpload(connection_reset=True)  # read no further

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file


def _too_large(max_bytes: int) -> UploadRefused:
    return UploadRefused(f"The upload is larger than {filesizeformat(max_bytes)}.", 413)


def _bound_body(request, max_bytes: int) -> None:
    """Make sure no more than `max_bytes` of the body are ever read (see the module's docstring)."""
    declared = request.META.get("CONTENT_LENGTH")
    if declared:
        try:
            length = int(declared)
        except ValueError:
            raise UploadRefused("The Content-Length header is not a number.", 400) from None
        if length > max_bytes:
            raise _too_large(max_bytes)
        return
    if "chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return  # no body
    if not request.META.get("wsgi.input_terminated"):
        raise UploadRefused("Send the upload with a Content-Length header: this server does not take chunked "
                            "uploads.", 411)
    # Not a `with`: the request reads it after this function returns.
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    source, size = request.META["wsgi.input"], 0
    while chunk := source.read(min(READ_BLOCK, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:
            spool.close()
            raise _too_large(max_bytes)
        spool.write(chunk)
    spool.seek(0)
    request._stream = spool  # what request.read() reads (Django's WSGIRequest reads nothing without a length)
    request.META["CONTENT_LENGTH"] = str(size)


def read_limited_upload(request, *, max_bytes: int, file_limits: dict[str, tuple[int, str]]) -> None:
    """Parse the request's form and files reading at most `max_bytes` of the body and at most each file
    field's limit (`field name -> (bytes, what it is)`); raise UploadRefused or FileTooLarge."""
    _bound_body(request, max_bytes)
    handler = FileLimitHandler(request, file_limits)
    request.upload_handlers.insert(0, handler)
    request.POST, request.FILES  # noqa: B018 (parses the body, through the handler)
    if handler.refused is not None:
        raise handler.refused
