"""Uploads streamed to disk, checked by content, stored by hash; served with HTTP Range.

Werkzeug writes every multipart file of a request to a temporary file in
``UPLOAD_DIR/tmp`` as it arrives (``StreamingRequest``), so memory does not grow with the
file size. ``store_upload`` hashes that file in chunks, checks its first bytes, and links it
under ``UPLOAD_DIR/ab/cd/<sha256>``. A request that fails or is cancelled leaves nothing:
the temporary files are deleted when the request ends, and no row is written.
"""
import hashlib
import os
import tempfile
import zipfile

from flask import Request, abort, current_app, send_file
from flask_babel import gettext as _

from studio.errors import RuleError

CHUNK = 1024 * 1024

# kind -> accepted content types, detected from the file's bytes (never from its name)
ACCEPT = {
    "document": ("application/pdf",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "video": ("video/mp4", "video/webm", "video/quicktime"),
    "image": ("image/jpeg", "image/png", "image/webp"),
}


# Views whose forms carry a lesson-case design document and recording, or a research
# project's stage report.
LARGE_UPLOAD_ENDPOINTS = {"cases.new", "cases.edit", "projects.hand_in",
                          # course authoring: a lecture video, a reading PDF (issue 11, part A)
                          "courses.new_module", "courses.edit_module",
                          "courses_office.new_module", "courses_office.edit_module"}


def allow_large_uploads():
    """Before any other hook reads the form (CSRF does): raise the request size limit for
    the lesson-case forms to two files of the configured size (each file is checked on its
    own in ``store_upload``). Other forms keep the small ``MAX_FORM_BYTES`` limit."""
    from flask import request
    if request.endpoint in LARGE_UPLOAD_ENDPOINTS:
        request.max_content_length = 2 * current_app.config["MAX_UPLOAD_BYTES"] + 8 * 1024 * 1024


class StreamingRequest(Request):
    """Multipart files go straight to disk next to the upload store."""

    def _get_file_stream(self, total_content_length, content_type, filename=None,
                         content_length=None):
        directory = os.path.join(current_app.config["UPLOAD_DIR"], "tmp")
        os.makedirs(directory, exist_ok=True)
        return tempfile.NamedTemporaryFile("w+b", dir=directory, prefix="incoming-")


def detect_type(head, path=None):
    """The content type of a file from its first bytes (and, for Office files, its parts)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "video/quicktime"
    if head.startswith(b"PK\x03\x04") and path is not None:
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return ACCEPT["document"][1]
            if any(n.startswith("ppt/") for n in names):
                return ACCEPT["document"][2]
    return None


def store_upload(file_storage, kind, user, limit=None):
    """Check and store one uploaded file; returns a new ``StoredFile`` (added, not committed).

    Raises RuleError for a file of the wrong type, and aborts with 413 for one that is too
    large."""
    from models.case import StoredFile
    from studio.extensions import db

    stream = file_storage.stream
    limit = limit or current_app.config["MAX_UPLOAD_BYTES"]
    digest, size, head = hashlib.sha256(), 0, b""
    stream.seek(0)
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        if not head:
            head = chunk[:64]
        size += len(chunk)
        if size > limit:
            abort(413, description=_("The file is larger than the allowed %(mb)s MB.",
                                     mb=limit // (1024 * 1024)))
        digest.update(chunk)
    if size == 0:
        raise RuleError(_("The file %(name)s is empty.", name=file_storage.filename or ""))
    source_path = getattr(stream, "name", None)
    if not isinstance(source_path, str):
        source_path = None
    mimetype = detect_type(head, source_path or stream)
    if mimetype not in ACCEPT[kind]:
        if kind == "image":
            message = _("%(name)s is not a photo. Please upload a JPEG, PNG or WebP image.",
                        name=file_storage.filename or "")
        elif kind == "video":
            message = _("%(name)s is not a video. Please upload an MP4, WebM or MOV recording.",
                        name=file_storage.filename or "")
        else:
            message = _("%(name)s is not a PDF, Word (docx) or PowerPoint (pptx) document.",
                        name=file_storage.filename or "")
        raise RuleError(message)
    sha = digest.hexdigest()
    stored = StoredFile(sha256=sha, size=size, mimetype=mimetype, uploaded_by_id=user.id,
                        original_name=os.path.basename(file_storage.filename or "")[:255])
    final = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    if not os.path.exists(final):
        os.makedirs(os.path.dirname(final), exist_ok=True)
        partial = final + ".part"
        if source_path:
            try:
                os.link(source_path, partial)  # same disk: no second copy of 2 GB
            except OSError:
                _copy(stream, partial)
        else:
            _copy(stream, partial)
        os.replace(partial, final)
    db.session.add(stored)
    return stored


def _copy(stream, target):
    stream.seek(0)
    with open(target, "wb") as out:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            out.write(chunk)


def discard_unreferenced(stored_files):
    """Remove the files of rows that were never committed (a failed request)."""
    root = current_app.config["UPLOAD_DIR"]
    from models.case import StoredFile
    from studio.extensions import db
    for stored in stored_files:
        in_use = db.session.execute(
            db.select(StoredFile.id).where(StoredFile.sha256 == stored.sha256)).first()
        path = os.path.join(root, stored.relative_path)
        if not in_use and os.path.exists(path):
            os.remove(path)


def send_stored(stored, download=False):
    """Serve a stored file after the caller authorized it. Range requests get 206, so a video
    can be sought; behind nginx, ``X-Accel-Redirect`` hands the bytes (and the Range) to
    nginx."""
    path = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    if not os.path.exists(path):
        abort(404)
    accel = current_app.config.get("X_ACCEL_PREFIX")
    if accel:
        # nginx keeps Content-Type, Content-Disposition and Cache-Control of this response.
        response = current_app.response_class(status=200, mimetype=stored.mimetype)
        response.headers["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{stored.relative_path}"
        _set_disposition(response.headers, download, stored.original_name)
        response.headers["Cache-Control"] = "private, max-age=3600"
        return response
    _ignore_unserved_range(stored.size)
    response = send_file(path, mimetype=stored.mimetype, conditional=True, etag=stored.sha256,
                         as_attachment=download, download_name=stored.original_name or None,
                         max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _ignore_unserved_range(length):
    """We serve one byte range (206) or the whole file. RFC 9110 lets a server ignore a Range
    header, and reserves 416 for ranges that are all unsatisfiable; Werkzeug answers 416 to
    any header it cannot serve (several ranges, a bad syntax, another unit). Drop such a
    header, unless every range in it starts beyond the end of the file (then 416 is right)."""
    from flask import request
    from werkzeug.http import parse_range_header

    header = request.headers.get("Range")
    if header is None:
        return
    parsed = parse_range_header(header)
    if parsed is not None and parsed.units == "bytes":
        if len(parsed.ranges) == 1:
            return  # Werkzeug serves it, or answers 416 when it starts beyond the end
        if not any(start < 0 or start < length for start, _ in parsed.ranges):
            return  # none satisfiable: 416
    request.environ.pop("HTTP_RANGE", None)


def _set_disposition(headers, download, name):
    """The Content-Disposition Werkzeug's send_file sets, non-ASCII names included."""
    import unicodedata
    from urllib.parse import quote

    if not name:
        if download:
            headers["Content-Disposition"] = "attachment"
        return
    try:
        name.encode("ascii")
        names = {"filename": name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        names = {"filename": simple, "filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")}
    headers.set("Content-Disposition", "attachment" if download else "inline", **names)
