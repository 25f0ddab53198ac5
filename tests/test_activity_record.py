"""The record of an activity (活动纪要): the host writes it in Markdown (sanitized) with photos
checked by their bytes and size; each change is a version; the page shows it and the photos
only to those who may see the activity."""
import io

import pytest

from models import AuditLog
from models.activity import ActivityPhoto, ActivityRecord
from studio.demo import png_bytes
from studio.extensions import db
from tests.conftest import login, page_text
from tests.factories import make_activity


@pytest.fixture
def seminar(cast):
    a = make_activity(cast.studio, cast.master, [cast.backbone], mode="online", kind="seminar",
                      title="专题研讨：作业设计")
    db.session.commit()
    return a


def url(activity, tail=""):
    return f"/studios/{activity.studio_id}/activities/{activity.id}{tail}"


def save(client, activity, body="", photo=None, name="现场.png"):
    data = {"body": body}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), name)
    return client.post(url(activity, "/record"), data=data, content_type="multipart/form-data")


def records(activity):
    return db.session.execute(db.select(ActivityRecord).where(
        ActivityRecord.activity_id == activity.id).order_by(ActivityRecord.number)).scalars().all()


def photos(activity):
    return db.session.execute(db.select(ActivityPhoto).where(
        ActivityPhoto.activity_id == activity.id)).scalars().all()


def test_the_host_writes_the_record_with_a_photo_and_members_see_it(client, cast, seminar):
    login(client, cast.master)
    response = save(client, seminar, "## 纪要\n\n**分层作业**<script>alert(1)</script>", png_bytes())
    assert response.status_code == 302
    login(client, cast.backbone)
    page = client.get(url(seminar)).get_data(as_text=True)
    assert "<h2>纪要</h2>" in page and "<strong>分层作业</strong>" in page
    assert "<script>alert(1)" not in page
    (photo,) = photos(seminar)
    assert f"/photos/{photo.id}" in page
    image = client.get(url(seminar, f"/photos/{photo.id}"))
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.get_data() == png_bytes()
    assert "撰写活动纪要" not in page and "修改活动纪要" not in page   # a member does not edit


def test_each_change_is_a_version_and_audited(client, cast, seminar):
    login(client, cast.master)
    save(client, seminar, "第一稿")
    save(client, seminar, "第一稿")            # unchanged text: no new version
    save(client, seminar, "第二稿：补充了下一步安排")
    assert [(r.number, r.body) for r in records(seminar)] == [(1, "第一稿"),
                                                             (2, "第二稿：补充了下一步安排")]
    text = page_text(client.get(url(seminar, "/record")))
    assert "第 2 版" in text and "第 1 版" in text
    assert db.session.execute(db.select(db.func.count()).select_from(AuditLog).where(
        AuditLog.action == "activity_record_saved")).scalar_one() == 3
    assert "第二稿" in page_text(client.get(url(seminar)))


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(1)</script></html>", "photo.jpg"),   # HTML named .jpg
    (b"%PDF-1.4 not a photo", "photo.png"),
    (b"", "empty.png"),
])
def test_a_file_that_is_not_a_photo_is_refused_in_chinese_and_the_text_kept(
        client, cast, seminar, data, name):
    login(client, cast.master)
    response = save(client, seminar, "保留这段文字", data, name)
    assert response.status_code == 400
    text = page_text(response)
    assert "保留这段文字" in text
    assert ("不是照片" in text) or ("为空" in text or "空" in text)
    assert photos(seminar) == [] and records(seminar) == []


def test_an_oversized_photo_is_refused_and_nothing_saved(client, cast, seminar, app):
    login(client, cast.master)
    big = png_bytes() + b"\0" * (app.config["MAX_PHOTO_BYTES"] + 1)
    response = save(client, seminar, "太大的照片", big, "big.png")
    assert response.status_code == 413
    assert photos(seminar) == [] and records(seminar) == []


def test_only_the_host_writes_and_photos_are_for_those_who_see_the_activity(client, cast, seminar):
    login(client, cast.master)
    save(client, seminar, "纪要", png_bytes())
    (photo,) = photos(seminar)
    for user, status in ((cast.backbone, 403), (cast.new_teacher, 403), (cast.outsider, 403)):
        login(client, user)
        assert save(client, seminar, "篡改").status_code == status
        assert client.get(url(seminar, f"/photos/{photo.id}")).status_code == \
            (200 if user is cast.backbone else 403)
    other = make_activity(cast.studio, cast.master, [cast.new_teacher], mode="online")
    db.session.commit()
    login(client, cast.new_teacher)      # a photo through another activity's address: 404
    assert client.get(url(other, f"/photos/{photo.id}")).status_code == 404
    assert [r.body for r in records(seminar)] == ["纪要"]
    client.post("/logout")
    assert client.get(url(seminar, f"/photos/{photo.id}")).status_code == 302


def test_the_record_waits_for_the_start(client, cast):
    coming = make_activity(cast.studio, cast.master, [cast.backbone], starts_in=60)
    db.session.commit()
    login(client, cast.master)
    assert client.get(url(coming, "/record")).status_code == 409
    assert "撰写活动纪要" not in page_text(client.get(url(coming)))
