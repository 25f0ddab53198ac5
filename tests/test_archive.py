"""The training archive (培训档案): the ZIP's content, who may export and download it, the job
states on the page, and the one job queue (in-process thread, and RQ with a real worker)."""
import os
import re
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from blueprints.activities import operations as activities
from models import Briefing, Job, Post, Review, Thread, VideoComment
from models.assessment import AnnualAssessment, AssessmentRound
from studio import jobs
from studio.extensions import db
from tests.conftest import login, login_en
from tests.factories import MP4, make_activity, make_case, make_observation, make_plan, make_project

XSS = '<script>alert("archive")</script><img src=x onerror=alert(1)>'


def hand_built(cast):
    """One record of every kind, with a hostile thread title."""
    case = make_case(cast.studio, cast.new_teacher, state="approved", reviewer=cast.backbone)
    version = case.versions[0]
    db.session.add(Review(case_id=case.id, version_id=version.id, reviewer_id=cast.backbone.id,
                          verdict="approve", overall="很好", overall_html="<p>整体很好</p>",
                          learner_analysis_score=4, lesson_design_score=5,
                          teaching_delivery_score=3, reflection_score=4,
                          lesson_design_comment="设计清晰"))
    db.session.add(VideoComment(case_id=case.id, version_id=version.id,
                                author_id=cast.backbone.id, second=75, body="提问很好"))
    activity = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher])
    activities.mark_attendance(activity, cast.backbone, cast.master, "现场核对")
    activities.reply(activity, cast.new_teacher, "leave", "学校监考")
    from studio.demo import add_photo, png_bytes
    add_photo(activity, cast.master, png_bytes(8, 8), "现场.png")
    make_observation(cast.studio, cast.new_teacher, topic="一次函数的图像")
    make_plan(cast.studio, cast.new_teacher, versions=2)
    make_project(cast)
    thread = Thread(studio_id=cast.studio.id, author_id=cast.new_teacher.id, title=XSS)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Post(thread_id=thread.id, author_id=cast.new_teacher.id, body="第一帖",
                        body_html="<p>第一帖内容</p>"))
    db.session.add(Briefing(studio_id=cast.studio.id, number=1, title="第一期简报",
                            body_html="<p>简报正文</p>", state="published",
                            author_id=cast.master.id))
    rnd = AssessmentRound(studio_id=cast.studio.id, year=2026, opened_by_id=cast.master.id)
    db.session.add(rnd)
    db.session.flush()
    db.session.add(AnnualAssessment(round_id=rnd.id, user_id=cast.new_teacher.id,
                                    role="new_teacher", grade="excellent", grade_reason="表现突出"))
    db.session.commit()
    return case


def export(client, cast, user, recordings=False):
    login(client, user)
    data = {"recordings": "y"} if recordings else {}
    response = client.post(f"/studios/{cast.studio.id}/archive", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def open_zip(app, job):
    db.session.refresh(job)
    assert job.state == "done", job.message
    path = os.path.join(app.config["UPLOAD_DIR"], job.result_file.relative_path)
    return zipfile.ZipFile(path)


def test_archive_holds_every_part_and_links_resolve(app, cast, client):
    hand_built(cast)
    job = export(client, cast, cast.master)
    with open_zip(app, job) as archive:
        names = set(archive.namelist())
        index = archive.read("index.html").decode()
        for page in ("hours.html", "hours.xlsx", "assessments.html", "briefings.html",
                     "activities.html", "cases.html", "plans.html", "observations.html",
                     "projects.html", "threads.html", "style.css"):
            assert page in names
        for name in (n for n in names if n.endswith(".html")):
            folder = os.path.dirname(name)
            for href in re.findall(r'(?:href|src)="([^"#]+)"', archive.read(name).decode()):
                target = os.path.normpath(os.path.join(folder, href))
                assert target in names, f"{name} links to missing {href}"
        assert "简报正文" in archive.read("briefings.html").decode()
        assessments = archive.read("assessments.html").decode()
        assert "张新师" in assessments and "表现突出" in assessments
        cases = archive.read("cases.html").decode()
        assert "设计清晰" in cases and "提问很好" in cases and "整体很好" in cases
        activities_page = archive.read("activities.html").decode()
        assert "李骨干" in activities_page and "学校监考" in activities_page
        assert any(n.startswith("files/photos/") for n in names)
        assert any(n.startswith("files/reports/") for n in names)
        assert "第一帖内容" in archive.read(f"threads/{_thread_id()}.html").decode()
        assert 'href="hours.xlsx"' in index


def _thread_id():
    return db.session.scalar(select(Thread.id))


def test_recordings_only_when_asked(app, cast, client):
    hand_built(cast)
    without = export(client, cast, cast.master)
    with open_zip(app, without) as archive:
        assert not any(n.startswith("files/recordings/") for n in archive.namelist())
        assert "未包含课堂实录" in archive.read("cases.html").decode()
    with_recordings = export(client, cast, cast.master, recordings=True)
    with open_zip(app, with_recordings) as archive:
        recordings = [i for i in archive.infolist() if i.filename.startswith("files/recordings/")]
        assert recordings and all(i.compress_type == zipfile.ZIP_STORED for i in recordings)


def test_html_in_titles_is_escaped(app, cast, client):
    hand_built(cast)
    job = export(client, cast, cast.master)
    with open_zip(app, job) as archive:
        for name in ("threads.html", f"threads/{_thread_id()}.html"):
            page = archive.read(name).decode()
            assert "<script>alert" not in page and "<img src=x" not in page
            assert "&lt;script&gt;" in page


@pytest.mark.parametrize("role,status", [("master", 302), ("admin", 302), ("backbone", 403),
                                         ("new_teacher", 403), ("outsider", 403)])
def test_who_may_export(app, cast, client, role, status):
    login(client, getattr(cast, role))
    assert client.post(f"/studios/{cast.studio.id}/archive").status_code == status
    assert client.get(f"/studios/{cast.studio.id}/archive").status_code == (
        200 if status == 302 else 403)


def test_anonymous_is_sent_to_login(app, cast, client):
    assert client.get(f"/studios/{cast.studio.id}/archive").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_office_of_another_region_is_refused(app, cast, client, _password_hash):
    from models import Region, User
    henan = Region(name="河南省", level="province")
    db.session.add(henan)
    db.session.flush()
    henan.path = f"/{henan.id}/"
    zhengzhou = Region(name="郑州市", level="city", parent=henan)
    luoyang = Region(name="洛阳市", level="city", parent=henan)
    db.session.add_all([zhengzhou, luoyang])
    db.session.flush()
    zhengzhou.path, luoyang.path = f"/{henan.id}/{zhengzhou.id}/", f"/{henan.id}/{luoyang.id}/"
    cast.studio.region_id = zhengzhou.id
    office = User(username="luoyang", name="洛阳市教育局", password_hash=_password_hash,
                  is_admin=True, region_id=luoyang.id)
    own = User(username="zhengzhou", name="郑州市教育局", password_hash=_password_hash,
               is_admin=True, region_id=zhengzhou.id)
    db.session.add_all([office, own])
    db.session.commit()
    job = export(client, cast, own)
    login(client, office)
    assert client.get(f"/studios/{cast.studio.id}/archive").status_code == 403
    assert client.post(f"/studios/{cast.studio.id}/archive").status_code == 403
    for path in ("status", "download"):
        url = f"/studios/{cast.studio.id}/archive/{job.id}/{path}"
        assert client.get(url).status_code == 403


def test_download_and_status_for_requester_master_office_only(app, cast, client):
    job = export(client, cast, cast.admin)
    base = f"/studios/{cast.studio.id}/archive/{job.id}"
    for user, expected in ((cast.admin, 200), (cast.master, 200), (cast.backbone, 403),
                           (cast.outsider, 403)):
        login(client, user)
        assert client.get(f"{base}/status").status_code == expected
        response = client.get(f"{base}/download", headers={"Range": "bytes=0-3"})
        assert response.status_code == (206 if expected == 200 else 403)
        if expected == 200:
            assert response.data == b"PK\x03\x04"
    assert client.get(f"/studios/{cast.other_studio.id}/archive/{job.id}/status").status_code \
        in (403, 404)


def test_status_json_and_page_show_progress(app, cast, client):
    job = export(client, cast, cast.master)
    login_en(client, cast.master)
    data = client.get(f"/studios/{cast.studio.id}/archive/{job.id}/status").get_json()
    assert data["state"] == "done" and data["progress"] == 100 and data["download"]
    page = client.get(f"/studios/{cast.studio.id}/archive").get_data(as_text=True)
    assert "Download the archive" in page and "js/archive.js" in page


def test_a_second_export_is_refused_while_one_runs(app, cast, client):
    db.session.add(Job(kind="archive", studio_id=cast.studio.id, requested_by_id=cast.admin.id,
                       state="running", progress=40))
    db.session.commit()
    login_en(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/archive")
    assert response.status_code == 409
    assert "being built already" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_failing_job_shows_its_message(app, cast, client, monkeypatch):
    from blueprints.archive import sections

    def broken(writer, studio):
        raise OSError("disk full")

    monkeypatch.setattr(sections, "observations", broken)
    job = export(client, cast, cast.master)
    db.session.refresh(job)
    assert job.state == "failed" and job.result_file_id is None
    login_en(client, cast.master)
    page = client.get(f"/studios/{cast.studio.id}/archive").get_data(as_text=True)
    assert "OSError" in page and "Failed" in page
    assert not os.listdir(os.path.join(app.config["UPLOAD_DIR"], "tmp"))
    # a new export may start after a failure
    assert client.post(f"/studios/{cast.studio.id}/archive").status_code == 302


def test_in_process_job_runs_in_a_thread(app, cast, client):
    app.config["JOBS_WAIT"] = False
    login(client, cast.master)
    client.post(f"/studios/{cast.studio.id}/archive")
    jobs.wait_all()
    job = db.session.scalars(select(Job)).one()
    db.session.refresh(job)
    assert job.state == "done" and job.started_at and job.finished_at


def test_a_job_delivered_twice_runs_once(app, cast, client):
    job = export(client, cast, cast.master)
    first = job.result_file_id
    jobs.run("archive", job.id)
    db.session.refresh(job)
    assert job.result_file_id == first


def test_list_page_statements_do_not_grow(app, cast, client, queries):
    login(client, cast.master)
    url = f"/studios/{cast.studio.id}/archive"
    for _ in range(2):
        client.post(url)
    with queries() as few:
        client.get(url)
    for _ in range(6):
        client.post(url)
    with queries() as many:
        client.get(url)
    assert many.count == few.count


def use_redis(app):
    """Put the app's jobs on RQ: CI's Redis (REDIS_URL) or DB 7 locally, on a queue of its
    own so that parallel runs never take each other's jobs."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            raise
        pytest.skip("Redis is not running")
    app.config.update(REDIS_URL=url, JOBS_QUEUE=f"test-archive-{uuid.uuid4().hex}")
    return url


def test_rq_queue_and_a_real_worker(app, cast, client):
    from rq import SimpleWorker
    use_redis(app)
    hand_built(cast)
    job = export(client, cast, cast.master)
    db.session.refresh(job)
    assert job.state == "queued"
    job_id = job.id
    queue = jobs.rq_queue(app)
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert db.session.get(Job, job_id).state == "done"
    with open_zip(app, db.session.get(Job, job_id)) as archive:
        assert "cases.html" in archive.namelist()
    queue.delete(delete_jobs=True)


def test_demo_maths_studio_exports(app):
    from models import Studio
    from studio.demo import seed_demo
    seed_demo()
    studio = db.session.scalars(select(Studio).order_by(Studio.id)).first()
    master = next(m.user for m in studio_memberships(studio) if m.role == "master")
    job = jobs.create("archive", master, studio)
    db.session.commit()
    jobs.enqueue("archive", job.id)
    with open_zip(app, db.session.get(Job, job.id)) as archive:
        assert archive.testzip() is None
        assert len(archive.namelist()) > 12


def studio_memberships(studio):
    from models import Membership
    return db.session.scalars(select(Membership).where(Membership.studio_id == studio.id,
                                                       Membership.active.is_(True))).all()


def test_zip_entries_are_streamed(app, cast, client):
    """A stored file goes into the ZIP through copyfileobj: the archive is a real file on
    disk whose entries read back equal to the stored bytes."""
    case = make_case(cast.studio, cast.new_teacher, state="approved")
    from tests.factories import stored_file
    case.versions[0].recording_file = stored_file(cast.new_teacher, MP4 + b"x" * 5000,
                                                  "video/mp4", "实录.mp4")
    db.session.commit()
    job = export(client, cast, cast.master, recordings=True)
    with open_zip(app, job) as archive:
        name = next(n for n in archive.namelist() if n.endswith("实录.mp4"))
        assert archive.read(name) == MP4 + b"x" * 5000


def test_memory_does_not_grow_with_a_large_recording(app, cast, client):
    """A 64 MB recording (a sparse file) goes into the ZIP in chunks: the build's peak Python
    allocation stays far below the recording's size (bench/archive_memory.py: 200 MB)."""
    import tracemalloc

    from tests.factories import stored_file
    case = make_case(cast.studio, cast.new_teacher, state="approved")
    video = stored_file(cast.new_teacher, MP4, "video/mp4", "大实录.mp4")
    case.versions[0].recording_file = video
    db.session.commit()
    path = os.path.join(app.config["UPLOAD_DIR"], video.relative_path)
    with open(path, "r+b") as handle:
        handle.truncate(64 * 1024 * 1024)
    video.size = 64 * 1024 * 1024
    db.session.commit()
    export(client, cast, cast.master)  # templates compiled, modules imported
    tracemalloc.start()
    job = export(client, cast, cast.master, recordings=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    with open_zip(app, job) as archive:
        entry = next(i for i in archive.infolist() if i.filename.endswith("大实录.mp4"))
        assert entry.file_size == 64 * 1024 * 1024
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2 ** 20:.1f} MB"


@pytest.mark.parametrize("role", ["admin", "master", "backbone", "outsider"])
def test_list_query_matches_can_view(app, cast, role):
    """The query twin ``Job.visible_to`` lists exactly the jobs ``can_view`` allows."""
    for requester in (cast.admin, cast.master, cast.backbone):
        db.session.add(Job(kind="archive", studio_id=cast.studio.id,
                           requested_by_id=requester.id, state="done"))
    db.session.commit()
    user = getattr(cast, role)
    listed = set(db.session.scalars(Job.visible_to(cast.studio, user, "archive")))
    allowed = {j for j in db.session.scalars(select(Job)) if j.can_view(user)}
    assert listed == allowed


def test_an_interrupted_export_does_not_block_for_ever(app, cast, client):
    from datetime import timedelta

    from models.base import utcnow
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_TIMEOUT"] + 60)
    stale = Job(kind="archive", studio_id=cast.studio.id, requested_by_id=cast.master.id,
                state="running", created_at=long_ago)
    db.session.add(stale)
    db.session.commit()
    job = export(client, cast, cast.master)
    db.session.refresh(stale)
    assert stale.state == "failed" and stale.message
    assert job.id != stale.id


def test_the_jobs_worker_command_runs_a_job(app, cast, client):
    """``flask jobs-worker --burst`` in its own process (RQ forks a child per job)."""
    import subprocess
    import sys
    url = use_redis(app)
    job = export(client, cast, cast.master)
    job_id = job.id
    env = dict(os.environ, REDIS_URL=url, JOBS_QUEUE=app.config["JOBS_QUEUE"],
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               UPLOAD_DIR=app.config["UPLOAD_DIR"], SECRET_KEY="worker-test")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "jobs-worker",
                             "--burst"], cwd=root, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == "done", result.stderr[-2000:]
