"""Size limits with CSRF switched on, as in production: CSRF reads the form before the
view runs, so the lesson-case forms must get their larger limit before that."""
import io
import re

import pytest

from models import LessonCase
from studio.extensions import db
from tests.conftest import login, make_app
from tests.factories import WEBM


@pytest.fixture
def strict_app(app, _schema, tmp_path):
    """A second app on the same database with CSRF on, a 64 KiB form limit and 2 MiB uploads."""
    return make_app(_schema, tmp_path / "strict-uploads", WTF_CSRF_ENABLED=True,
                    MAX_FORM_BYTES=64 * 1024, MAX_UPLOAD_BYTES=2 * 1024 * 1024)


def token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_recording_larger_than_form_limit_is_accepted(strict_app, cast):
    client = strict_app.test_client()
    login(client, cast.new_teacher)
    url = f"/studios/{cast.studio.id}/cases/new"
    video = WEBM + b"\x00" * (1024 * 1024)  # 1 MiB: above the 64 KiB form limit
    response = client.post(url, data={
        "csrf_token": token(client, url), "kind": "standard", "title": "大文件课例",
        "design_text": "设计", "reflection": "反思",
        "recording": (io.BytesIO(video), "lesson.webm")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    case = db.session.execute(db.select(LessonCase).where(LessonCase.title == "大文件课例")).scalar_one()
    assert case.latest.recording_file.size == len(video)


def test_recording_over_upload_limit_gets_413(strict_app, cast):
    client = strict_app.test_client()
    login(client, cast.new_teacher)
    url = f"/studios/{cast.studio.id}/cases/new"
    video = WEBM + b"\x00" * (2 * 1024 * 1024)
    response = client.post(url, data={
        "csrf_token": token(client, url), "kind": "standard", "title": "超大课例",
        "recording": (io.BytesIO(video), "lesson.webm")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert db.session.execute(db.select(LessonCase).where(LessonCase.title == "超大课例")).first() is None


def test_ordinary_form_keeps_the_small_limit(strict_app, cast):
    client = strict_app.test_client()
    login(client, cast.master)
    url = f"/studios/{cast.studio.id}/threads/new"
    response = client.post(url, data={"csrf_token": token(client, url), "title": "长帖",
                                      "body": "字" * 100_000})
    assert response.status_code == 413
