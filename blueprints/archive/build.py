"""Writing a studio's training archive (培训档案) as one ZIP file on disk.

The ZIP is written through ``zipfile`` straight to a file in ``UPLOAD_DIR/tmp``: pages are
rendered with Jinja's ``generate`` as they are produced (through a temporary file), stored files are
copied in 1 MB chunks with ``shutil.copyfileobj``, recordings, photos and Office files are
stored uncompressed (they are compressed already), and ZIP64 is on. Sections read their rows
in batches (``yield_per``). Memory therefore does not grow with the size of the archive
(docs/PERFORMANCE.md has the figure). The finished file is hashed in chunks and kept as a
``StoredFile``, served like any upload (Range, X-Accel-Redirect).
"""
import hashlib
import io
import os
import shutil
import tempfile
import time
import zipfile

from flask import current_app
from flask_babel import gettext as _

from models.case import StoredFile
from studio.extensions import db
from studio.labels import all_labels
from studio.storage import CHUNK

STYLE = os.path.join("static", "css", "archive.css")
UNCOMPRESSED = ("video/", "image/", "application/vnd.openxmlformats", "application/zip")


def safe_name(name, default="file"):
    """A file name that is one harmless ZIP path part (no folders, no control characters)."""
    kept = "".join(c for c in (name or "") if c.isprintable() and c not in '/\\:*?"<>|')
    kept = kept.strip().lstrip(".")
    return kept[-120:] or default


class ArchiveWriter:
    """One open archive: pages rendered into it, stored files copied into it."""

    def __init__(self, zf, studio, recordings, requested_by):
        self.zf, self.studio, self.recordings = zf, studio, recordings
        self.env = current_app.jinja_env
        self.root = current_app.config["UPLOAD_DIR"]
        self.tmp = os.path.join(self.root, "tmp")
        self.files = {}          # stored file id -> its path in the archive
        self.missing = []        # stored files the disk no longer has
        self.common = dict(studio=studio, studio_name=studio.name,
                           region_name=studio.region_name, requested_by=requested_by,
                           recordings=recordings, **all_labels())
        self.stamp = time.localtime()[:6]

    def page(self, name, template, **context):
        """Render ``template`` as it is produced into a temporary file (the page's rows may
        copy stored files into the ZIP meanwhile, and a ZIP takes one writer at a time), then
        copy that file into the entry ``name``."""
        root = "../" * name.count("/")
        with tempfile.TemporaryFile(dir=self.tmp) as rendered:
            out = io.TextIOWrapper(rendered, encoding="utf-8")
            for chunk in self.env.get_template(template).generate(
                    root=root, missing=self.missing, **self.common, **context):
                out.write(chunk)
            out.flush()
            out.detach()
            rendered.seek(0)
            info = zipfile.ZipInfo(name, date_time=self.stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with self.zf.open(info, "w") as entry:
                shutil.copyfileobj(rendered, entry, CHUNK)

    def data(self, name, payload):
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zf.writestr(info, payload)

    def file(self, stored, folder):
        """Copy a stored file into ``files/<folder>/``; its path in the archive, or None when
        the disk no longer has it (the page says so)."""
        if stored is None:
            return None
        if stored.id in self.files:
            return self.files[stored.id]
        source = os.path.join(self.root, stored.relative_path)
        if not os.path.exists(source):
            self.missing.append(stored.original_name or str(stored.id))
            return None
        name = f"files/{folder}/{stored.id}-{safe_name(stored.original_name)}"
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = (zipfile.ZIP_STORED if stored.mimetype.startswith(UNCOMPRESSED)
                              else zipfile.ZIP_DEFLATED)
        info.file_size = stored.size  # over 2 GB: the entry gets its ZIP64 header
        with open(source, "rb") as src, self.zf.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, CHUNK)
        self.files[stored.id] = name
        return name

    def style(self):
        with open(os.path.join(current_app.root_path, os.pardir, STYLE), "rb") as css:
            self.data("style.css", css.read())


def build_archive(job, progress, sections):
    """Write the archive of ``job.studio``; returns the new ``StoredFile`` (added)."""
    studio = job.studio
    directory = os.path.join(current_app.config["UPLOAD_DIR"], "tmp")
    os.makedirs(directory, exist_ok=True)
    partial = os.path.join(directory, f"archive-{job.id}.zip.part")
    recordings = bool(job.option("recordings"))
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED,
                             allowZip64=True) as zf:
            writer = ArchiveWriter(zf, studio, recordings, job.requested_by.name)
            writer.style()
            parts = []
            for number, (key, title, write) in enumerate(sections, start=1):
                progress(100 * (number - 1) / (len(sections) + 1), _("Writing: %(part)s",
                                                                         part=title))
                parts.append((key, title, *write(writer, studio)))
            progress(100 * len(sections) / (len(sections) + 1), _("Writing the index"))
            writer.page("index.html", "archive/zip/index.html", parts=parts, job=job)
        return _keep(partial, job, studio)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _keep(partial, job, studio):
    """Hash the finished file in chunks and move it into the upload store."""
    digest, size = hashlib.sha256(), 0
    with open(partial, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    day = job.created_at.strftime("%Y%m%d")
    stored = StoredFile(sha256=digest.hexdigest(), size=size, mimetype="application/zip",
                        uploaded_by_id=job.requested_by_id,
                        original_name=f"{_('Training archive')}-{safe_name(studio.name)}-{day}.zip")
    final = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    os.replace(partial, final)
    db.session.add(stored)
    db.session.flush()
    return stored
