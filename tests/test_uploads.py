"""Uploads of lesson-case parts: size limit, type decided by content, nothing left behind
by a refused upload; serving the recording with HTTP Range to those who may see it."""
import io
import os

import pytest
from flask import current_app

from models import CaseVersion, LessonCase, StoredFile
from studio.extensions import db
from tests.coreloop import count, login, text
from tests.factories import MP4, PDF, WEBM, docx_bytes, make_case, stored_file

HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>" + b" " * 2048


def files_under_upload_dir():
    root = current_app.config["UPLOAD_DIR"]
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, names in os.walk(root) for f in names)


def nothing_written():
    return (count(StoredFile), count(LessonCase), count(CaseVersion), files_under_upload_dir()) == (
        0, 0, 0, [])


def post_case(client, studio, **files):
    data = {"kind": "standard", "title": "上传测试课例", "design_text": "", "reflection": "反思"}
    for field, (content, name) in files.items():
        data[field] = (io.BytesIO(content), name)
    return client.post(f"/studios/{studio.id}/cases/new", data=data,
                       content_type="multipart/form-data")


def test_a_file_one_byte_over_the_limit_is_refused_with_413(client, cast):
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    big = WEBM + b"\x00" * (limit + 1 - len(WEBM))
    assert len(big) == limit + 1
    login(client, cast.new_teacher, locale="zh_CN")
    assert nothing_written()
    response = post_case(client, cast.studio, recording=(big, "课堂实录.webm"))
    assert response.status_code == 413
    assert "文件超过了 4 MB 的大小限制。" in text(response)
    assert nothing_written()


def test_a_file_exactly_at_the_limit_is_accepted(client, cast):
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    login(client, cast.new_teacher)
    response = post_case(client, cast.studio,
                         recording=(WEBM + b"\x00" * (limit - len(WEBM)), "课堂实录.webm"))
    assert response.status_code == 302
    assert [f.size for f in db.session.execute(db.select(StoredFile)).scalars()] == [limit]


def test_a_too_large_recording_leaves_no_design_file_behind(client, cast):
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    login(client, cast.new_teacher)
    response = post_case(client, cast.studio, design_file=(docx_bytes(), "教学设计.docx"),
                         recording=(WEBM + b"\x00" * limit, "课堂实录.webm"))
    assert response.status_code == 413
    assert nothing_written()


@pytest.mark.parametrize("content, name", [(HTML, "课堂实录.mp4"), (PDF, "课堂实录.mp4"),
                                           (docx_bytes(), "课堂实录.mov"), (b"", "空.webm")])
def test_a_recording_that_is_not_a_video_is_refused(client, cast, content, name):
    login(client, cast.new_teacher, locale="zh_CN")
    response = post_case(client, cast.studio, recording=(content, name))
    assert response.status_code == 400
    page = text(response)
    assert ("不是视频文件" in page) if content else ("文件“空.webm”为空。" in page)
    assert nothing_written()


def test_a_refused_recording_leaves_no_design_file_behind(client, cast):
    login(client, cast.new_teacher)
    response = post_case(client, cast.studio, design_file=(docx_bytes(), "教学设计.docx"),
                         recording=(HTML, "课堂实录.mp4"))
    assert response.status_code == 400
    assert "课堂实录.mp4 is not a video" in text(response)
    assert nothing_written()


@pytest.mark.parametrize("content, name", [(WEBM, "教学设计.pdf"), (HTML, "教学设计.docx")])
def test_a_design_that_is_not_a_document_is_refused(client, cast, content, name):
    login(client, cast.new_teacher)
    response = post_case(client, cast.studio, design_file=(content, name))
    assert response.status_code == 400
    assert f"{name} is not a PDF, Word (docx) or PowerPoint (pptx) document." in text(response)
    assert nothing_written()


def test_content_decides_the_type_not_the_name(client, cast):
    login(client, cast.new_teacher)
    response = post_case(client, cast.studio, design_file=(docx_bytes(), "教学设计.docx"),
                         recording=(WEBM, "录像.txt"))
    assert response.status_code == 302
    case = db.session.execute(db.select(LessonCase)).scalar_one()
    version = case.latest
    assert version.design_file.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert version.recording_file.mimetype == "video/webm"
    assert version.recording_file.original_name == "录像.txt"
    assert sorted(files_under_upload_dir()) == sorted(
        [version.design_file.relative_path, version.recording_file.relative_path])


@pytest.mark.parametrize("content, name, mimetype", [
    (MP4, "lesson.bin", "video/mp4"), (PDF, "设计.docx", "application/pdf")])
def test_mp4_and_pdf_are_recognised_by_their_bytes(client, cast, content, name, mimetype):
    login(client, cast.new_teacher)
    field = "recording" if mimetype.startswith("video") else "design_file"
    assert post_case(client, cast.studio, **{field: (content, name)}).status_code == 302
    assert db.session.execute(db.select(StoredFile.mimetype)).scalar_one() == mimetype


# --- serving ------------------------------------------------------------------------------------

@pytest.fixture
def recorded(cast):
    case = make_case(cast.studio, cast.new_teacher, state="approved", reviewer=cast.backbone)
    db.session.commit()
    return case, case.latest.recording_file


def file_url(case, stored):
    return f"/studios/{case.studio_id}/cases/{case.id}/files/{stored.id}"


def test_the_recording_is_served_with_range(client, cast, recorded):
    case, stored = recorded
    login(client, cast.backbone)
    partial = client.get(file_url(case, stored), headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206
    assert partial.headers["Content-Range"] == f"bytes 0-99/{stored.size}"
    assert partial.data == WEBM[:100] and len(partial.data) == 100
    assert partial.headers["Accept-Ranges"] == "bytes"
    middle = client.get(file_url(case, stored), headers={"Range": "bytes=100-199"})
    assert middle.status_code == 206 and middle.data == WEBM[100:200]
    whole = client.get(file_url(case, stored))
    assert whole.status_code == 200
    assert whole.data == WEBM and whole.mimetype == "video/webm"
    assert "private" in whole.headers["Cache-Control"]


@pytest.mark.parametrize("header", [
    "bytes=0-0,5-10",       # several ranges, all satisfiable: ignored, not 416 (RFC 9110)
    "bytes=0-0,100000-",    # several ranges, one satisfiable
    "bytes=abc",            # malformed
    "bytes=5-1",            # last before first: invalid, so ignored
    "lines=0-9",            # a unit we do not serve
])
def test_a_range_header_we_do_not_serve_is_ignored_and_the_whole_file_sent(
        client, cast, recorded, header):
    case, stored = recorded
    login(client, cast.backbone)
    response = client.get(file_url(case, stored), headers={"Range": header})
    assert response.status_code == 200
    assert response.data == WEBM and "Content-Range" not in response.headers


@pytest.mark.parametrize("header, first, last", [
    ("bytes=0-0", 0, 0), ("bytes=10-", 10, None), ("bytes=-10", -10, None)])
def test_a_single_range_still_gets_206(client, cast, recorded, header, first, last):
    case, stored = recorded
    login(client, cast.backbone)
    response = client.get(file_url(case, stored), headers={"Range": header})
    assert response.status_code == 206
    expected = WEBM[first:] if last is None else WEBM[first:last + 1]
    assert response.data == expected


@pytest.mark.parametrize("header", ["bytes=100000-", "bytes=100000-100010,200000-"])
def test_ranges_that_are_all_beyond_the_end_get_416(client, cast, recorded, header):
    case, stored = recorded
    assert stored.size < 100000
    login(client, cast.backbone)
    response = client.get(file_url(case, stored), headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{stored.size}"


@pytest.mark.parametrize("download", [False, True])
def test_behind_nginx_the_file_goes_through_x_accel_redirect(app, client, cast, download):
    case = make_case(cast.studio, cast.new_teacher, state="draft")
    case.latest.design_file = stored_file(cast.new_teacher, data=PDF, name="教学设计.pdf",
                                          mimetype="application/pdf")
    db.session.commit()
    stored = case.latest.design_file
    app.config["X_ACCEL_PREFIX"] = "/protected/"
    login(client, cast.new_teacher)
    url = file_url(case, stored) + ("?download=1" if download else "")
    response = client.get(url, headers={"Range": "bytes=0-0,5-10"})
    # nginx serves the bytes and answers the Range itself; the app only authorizes.
    assert response.status_code == 200 and response.data == b""
    assert response.headers["X-Accel-Redirect"] == f"/protected/{stored.relative_path}"
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    disposition = response.headers.get("Content-Disposition", "")
    assert disposition.startswith("attachment" if download else "inline")
    assert "UTF-8''%E6%95%99%E5%AD%A6%E8%AE%BE%E8%AE%A1.pdf" in disposition


def test_an_outsider_cannot_fetch_the_recording(client, cast, recorded):
    case, stored = recorded
    login(client, cast.outsider)
    assert client.get(file_url(case, stored)).status_code == 403
    assert client.get(file_url(case, stored), headers={"Range": "bytes=0-99"}).status_code == 403


def test_a_file_of_another_case_is_not_found_through_this_one(client, cast, recorded):
    case, _ = recorded
    other = make_case(cast.studio, cast.backbone, kind="excellent", state="draft",
                      title="骨干的草稿")
    foreign = stored_file(cast.backbone, data=WEBM + b"other", name="骨干草稿.webm")
    other.latest.recording_file = foreign
    db.session.commit()
    login(client, cast.new_teacher)
    assert client.get(file_url(case, foreign)).status_code == 404
    assert client.get(f"/studios/{case.studio_id}/cases/{case.id}/files/99999").status_code == 404


def test_a_member_who_may_not_see_the_case_cannot_fetch_its_file(client, cast):
    case = make_case(cast.studio, cast.backbone, kind="excellent", state="submitted",
                     reviewer=cast.master, title="骨干课例")
    db.session.commit()
    stored = case.latest.recording_file
    login(client, cast.new_teacher)
    assert client.get(file_url(case, stored)).status_code == 403
    login(client, cast.master)
    assert client.get(file_url(case, stored)).status_code == 200


def test_the_design_document_downloads_as_an_attachment(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="draft")
    case.latest.design_file = stored_file(cast.new_teacher, data=docx_bytes(), name="教学设计.docx",
                                          mimetype="application/vnd.openxmlformats-officedocument"
                                                   ".wordprocessingml.document")
    db.session.commit()
    login(client, cast.new_teacher)
    response = client.get(file_url(case, case.latest.design_file) + "?download=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data == docx_bytes()


def test_a_too_large_recording_on_edit_keeps_the_case_as_it_was(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="draft")
    db.session.commit()
    files_before = files_under_upload_dir()
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    login(client, cast.new_teacher)
    response = client.post(f"/studios/{cast.studio.id}/cases/{case.id}/edit", data={
        "kind": "standard", "title": "改过的标题", "design_text": "新设计", "reflection": "新反思",
        "design_file": (io.BytesIO(PDF), "新设计.pdf"),
        "recording": (io.BytesIO(WEBM + b"\x00" * limit), "新实录.webm")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    db.session.expire_all()
    fresh = db.session.get(LessonCase, case.id)
    assert fresh.title == "一元一次方程的应用" and fresh.latest.design_file_id is None
    assert fresh.latest.reflection == "学生对相遇问题理解较好。"
    assert count(StoredFile) == 1 and files_under_upload_dir() == files_before
