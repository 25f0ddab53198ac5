"""Work briefings (工作简报): numbering at publish, drafting from the studio's data,
pictures, who reads what, the office's overview, hostile input."""
import io
import os
import re
import threading
from datetime import date, timedelta

import pytest

from blueprints.briefings import drafting, operations
from models.activity import Attendance
from models.briefing import Briefing, BriefingImage
from models.case import CaseTransition
from models.hours import HourEntry
from models.notification import Notification
from models.region import Region
from models.thread import Post, Thread
from studio.demo import add_photo, png_bytes
from studio.extensions import db
from tests.briefing_factories import make_briefing
from tests.conftest import login, login_en, make_user
from tests.coreloop import count, queries_on_page, text
from tests.factories import make_activity, make_case, make_observation


def url(briefing, tail=""):
    return f"/studios/{briefing.studio_id}/briefings/{briefing.id}{tail}"


# --- numbering --------------------------------------------------------------------------------

def test_numbers_are_given_in_publishing_order(app, cast, client):
    first, second, third = (make_briefing(cast.studio, cast.master, f"简报{i}") for i in "abc")
    db.session.commit()
    login(client, cast.master)
    for briefing in (second, third, first):
        assert client.post(url(briefing, "/publish")).status_code == 302
    db.session.expire_all()
    assert (second.number, third.number, first.number) == (1, 2, 3)
    other = make_briefing(cast.other_studio, cast.other_master, "另一工作室", publish=True)
    assert other.number == 1      # numbers are per studio
    # published twice: refused, the number stays
    assert client.post(url(second, "/publish")).status_code == 403
    db.session.expire_all()
    assert second.number == 1


def test_published_briefing_is_corrected_not_deleted(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master, publish=True)
    db.session.commit()
    login(client, cast.master)
    assert client.post(url(briefing, "/delete")).status_code == 403
    response = client.post(url(briefing, "/edit"), data={"title": "更正后的标题", "body": "更正。"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (briefing.number, briefing.title, briefing.state) == (1, "更正后的标题", "published")


def test_a_draft_is_deleted_with_its_pictures(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master, image=True)
    db.session.commit()
    login(client, cast.master)
    assert client.post(url(briefing, "/delete")).status_code == 302
    assert count(Briefing) == 0 and count(BriefingImage) == 0


def test_publishing_tells_the_members(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master)
    db.session.commit()
    login(client, cast.master)
    client.post(url(briefing, "/publish"))
    told = {n.user_id for n in db.session.execute(db.select(Notification).where(
        Notification.kind == "briefing_published")).scalars()}
    assert told == {cast.backbone.id, cast.new_teacher.id}
    login_en(client, cast.new_teacher)
    home = text(client.get(f"/studios/{cast.studio.id}/"))
    assert "Issue 1" in home and briefing.title in home


@pytest.mark.skipif("postgresql" not in os.environ.get("DATABASE_URL", ""),
                    reason="two publishes at once need PostgreSQL")
def test_two_publishes_at_once_get_two_numbers(app, cast):
    drafts = [make_briefing(cast.studio, cast.master, f"并发{i}") for i in range(4)]
    db.session.commit()
    ids, errors = [d.id for d in drafts], []
    barrier = threading.Barrier(len(ids))

    def publish(briefing_id):
        with app.app_context():
            try:
                barrier.wait()
                briefing = db.session.get(Briefing, briefing_id)
                operations.publish_briefing(briefing, db.session.get(type(cast.master),
                                                                     cast.master.id))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=publish, args=(i,)) for i in ids]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    db.session.expire_all()
    assert sorted(db.session.get(Briefing, i).number for i in ids) == [1, 2, 3, 4]


# --- visibility -------------------------------------------------------------------------------

VIEWERS = ["anonymous", "admin", "region_office", "master", "backbone", "new_teacher",
           "outsider"]


@pytest.fixture
def region_office(cast, _password_hash):
    region = Region(name="洛阳市", level="city")
    db.session.add(region)
    db.session.flush()
    region.set_path()
    office = make_user("luoyang", "洛阳市项目办", _password_hash, is_admin=True,
                       region_id=region.id)
    db.session.commit()
    return office


def may_read(state, viewer):
    if viewer == "master":
        return True
    return state == "published" and viewer in ("admin", "backbone", "new_teacher")


@pytest.mark.parametrize("state", ["draft", "published"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_reads_a_briefing(app, cast, client, region_office, state, viewer):
    briefing = make_briefing(cast.studio, cast.master, "可见性测试", publish=state == "published",
                             image=True)
    db.session.commit()
    user = region_office if viewer == "region_office" else getattr(cast, viewer, None)
    login(client, user)
    listing = client.get(f"/studios/{cast.studio.id}/briefings")
    page, picture = client.get(url(briefing)), client.get(url(briefing, "/images/1"))
    if may_read(state, viewer):
        assert page.status_code == 200 and picture.status_code == 200
        assert "可见性测试" in text(listing)
        assert picture.mimetype == "image/png"
    else:
        assert page.status_code in (302, 403) and picture.status_code in (302, 403)
        assert listing.status_code != 200 or "可见性测试" not in text(listing)
    if user is not None:
        listed = db.session.execute(Briefing.visible_to(cast.studio, user)).scalars().all()
        assert (briefing in listed) == briefing.can_view(user) == may_read(state, viewer)


def test_pictures_are_served_with_ranges(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master, publish=True, image=True)
    db.session.commit()
    login(client, cast.new_teacher)
    response = client.get(url(briefing, "/images/1"), headers={"Range": "bytes=0-3"})
    assert response.status_code == 206 and response.data == b"\x89PNG"
    assert client.get(url(briefing, "/images/2")).status_code == 404


# --- the office's overview --------------------------------------------------------------------

def test_office_sees_each_studio_against_the_requirement(app, cast, client, region_office):
    for i in range(3):
        make_briefing(cast.studio, cast.master, f"第{i}", publish=True)
    make_briefing(cast.other_studio, cast.other_master, "一期", publish=True)
    db.session.commit()
    login_en(client, cast.admin)
    page = text(client.get("/admin/briefings"))
    assert cast.studio.name in page and cast.other_studio.name in page
    assert "1 of 2 studios" in page
    unmet = text(client.get("/admin/briefings?status=unmet"))
    assert cast.other_studio.name in unmet and cast.studio.name not in unmet
    met = text(client.get("/admin/briefings?status=met"))
    assert cast.studio.name in met and cast.other_studio.name not in met
    # an office of another region sees none of these studios
    login_en(client, region_office)
    page = text(client.get("/admin/briefings"))
    assert cast.studio.name not in page and "0 of 0 studios" in page
    login(client, cast.master)
    assert client.get("/admin/briefings").status_code == 403


def _studios_with_briefings(cast, n, offset=0):
    from models.region import Programme
    from tests.conftest import make_studio
    programme = Programme(name=f"试点项目{offset}", briefings_required=2)
    region = Region(name=f"开封市{offset}", level="city")
    db.session.add_all([programme, region])
    db.session.flush()
    region.set_path()
    for i in range(n):
        studio = make_studio(f"工作室{offset + i}", programme_id=programme.id if i % 2 else None,
                             region_id=region.id if i % 3 else None)
        db.session.flush()
        db.session.add(Briefing(studio_id=studio.id, number=1, state="published", title="x",
                                author_id=cast.master.id))
    db.session.commit()


def test_office_page_query_count_is_constant(app, cast, client, queries):
    _studios_with_briefings(cast, 3)
    few = queries_on_page(client, queries, cast.admin, "/admin/briefings")
    _studios_with_briefings(cast, 12, offset=100)
    assert queries_on_page(client, queries, cast.admin, "/admin/briefings") == few


def test_list_query_count_is_constant(app, cast, client, queries):
    path = f"/studios/{cast.studio.id}/briefings"
    make_briefing(cast.studio, cast.master, "一", publish=True)
    db.session.commit()
    few = queries_on_page(client, queries, cast.master, path)
    for i in range(8):
        make_briefing(cast.studio, cast.master, f"多{i}", publish=i % 2 == 0)
    db.session.commit()
    assert queries_on_page(client, queries, cast.master, path) == few


# --- 从数据起草 ---------------------------------------------------------------------------------

def studio_data(cast):
    """An activity held today (two invited, one present) with a record and a photo, hours,
    an approved and a recommended case, two observations and a thread post."""
    from models.activity import ActivityRecord
    activity = make_activity(cast.studio, cast.master, [cast.backbone, cast.new_teacher],
                             title="专题研讨：作业设计", kind="seminar")
    db.session.add(Attendance(activity_id=activity.id, user_id=cast.backbone.id, method="code"))
    db.session.add(ActivityRecord(activity_id=activity.id, number=1, author_id=cast.master.id,
                                  body="大家围绕分层作业展开讨论。", body_html=""))
    photo = add_photo(activity, cast.master, png_bytes(8, 8), "现场.png")
    db.session.add_all([
        HourEntry(studio_id=cast.studio.id, user_id=cast.new_teacher.id, amount=52,
                  source="manual", reason="x"),
        HourEntry(studio_id=cast.studio.id, user_id=cast.backbone.id, amount=30,
                  source="manual", reason="x")])
    for state, title, author in (("approved", "勾股定理的证明", cast.new_teacher),
                                 ("recommended", "函数的概念", cast.backbone)):
        case = make_case(cast.studio, author, state=state, title=title)
        db.session.add(CaseTransition(case_id=case.id, from_state="in_review",
                                      to_state=state, actor_id=cast.master.id))
    make_observation(cast.studio, cast.new_teacher)
    make_observation(cast.studio, cast.new_teacher, topic="平行四边形")
    thread = Thread(studio=cast.studio, author_id=cast.new_teacher.id, title="分层作业怎么设计",
                    post_count=1)
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, author_id=cast.new_teacher.id,
                body="我把作业分成基础、提高、拓展三层。", body_html="")
    db.session.add(post)
    db.session.commit()
    return activity, photo, post


def test_draft_from_data_writes_every_section(app, cast, client):
    activity, photo, post = studio_data(cast)
    today = date.today()
    login(client, cast.master)      # the Chinese interface, as the master uses it
    picker = client.get(f"/studios/{cast.studio.id}/briefings/from-data"
                        f"?period_start={today - timedelta(days=7)}&period_end={today}")
    assert "分层作业怎么设计" in text(picker) and "三层" in text(picker)
    response = client.post(f"/studios/{cast.studio.id}/briefings/from-data", data={
        "period_start": str(today - timedelta(days=7)), "period_end": str(today),
        "posts": [str(post.id)]})
    assert response.status_code == 302, re.findall(r'role="alert">([^<]*)', text(response))
    briefing = db.session.execute(db.select(Briefing)).scalar_one()
    body = briefing.body
    for expected in ("一、活动开展", "专题研讨：作业设计", "王名师", "1/2", "大家围绕分层作业展开讨论",
                     f"/briefings/{briefing.id}/photos/{photo.id}", "二、学时进展",
                     "三、课例成果", "《勾股定理的证明》（张新师）", "《函数的概念》（李骨干）",
                     "四、听课记录", "2", "五、精彩研讨", "三层", "分层作业怎么设计"):
        assert expected in body, expected
    assert f'src="/studios/{cast.studio.id}/briefings/{briefing.id}/photos/{photo.id}"' \
        in briefing.body_html
    # the photo is shown to the briefing's readers once published, the office included
    operations.publish_briefing(briefing, cast.master)
    db.session.commit()
    for reader in (cast.new_teacher, cast.admin):
        login(client, reader)
        assert client.get(url(briefing, f"/photos/{photo.id}")).status_code == 200
    other = add_photo(activity, cast.master, png_bytes(4, 4), "别的.png")
    db.session.commit()
    assert client.get(url(briefing, f"/photos/{other.id}")).status_code == 404


def test_draft_from_data_reads_in_constant_queries(app, cast, queries):
    studio_data(cast)
    today = date.today()
    with queries() as few:
        drafting.gather(cast.studio, today - timedelta(days=7), today, [])
    for i in range(4):
        studio_data(cast)
    with queries() as many:
        drafting.gather(cast.studio, today - timedelta(days=7), today, [])
    assert many.count == few.count


def test_replacing_a_draft_needs_a_confirmation(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master, body="我写了一半的内容")
    db.session.commit()
    login(client, cast.master)
    today = str(date.today())
    form = {"period_start": today, "period_end": today, "briefing": str(briefing.id)}
    assert client.post(f"/studios/{cast.studio.id}/briefings/from-data",
                       data=form).status_code == 400
    db.session.expire_all()
    assert briefing.body == "我写了一半的内容"
    response = client.post(f"/studios/{cast.studio.id}/briefings/from-data",
                           data={**form, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert "一、活动开展" in briefing.body and count(Briefing) == 1


# --- pictures and hostile input ----------------------------------------------------------------

def upload(client, briefing, data, name="图.png", caption="课堂一角", script=True):
    headers = {"X-Requested-With": "XMLHttpRequest"} if script else {}
    return client.post(url(briefing, "/images"), headers=headers,
                       content_type="multipart/form-data",
                       data={"image": (io.BytesIO(data), name), "caption": caption})


def test_upload_a_picture_inserts_its_markdown(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master)
    db.session.commit()
    login(client, cast.master)
    response = upload(client, briefing, png_bytes(8, 8), caption="课堂[一角]")
    assert response.status_code == 200
    assert response.json["markdown"] == f"![课堂一角]({url(briefing, '/images/1')})"
    db.session.expire_all()
    assert '<img alt="课堂一角"' in briefing.body_html


@pytest.mark.parametrize("data,name", [(b"GIF89a" + b"\0" * 40, "动图.gif"),
                                       (b"<svg onload=alert(1)>", "x.png"),
                                       (b"%PDF-1.4 not a picture", "x.jpg")])
def test_upload_refuses_what_is_not_a_picture(app, cast, client, data, name):
    briefing = make_briefing(cast.studio, cast.master)
    db.session.commit()
    login(client, cast.master)
    response = upload(client, briefing, data, name)
    assert response.status_code == 400 and "JPEG" in response.json["error"]
    assert count(BriefingImage) == 0


def test_upload_refuses_a_picture_too_large(app, cast, client):
    briefing = make_briefing(cast.studio, cast.master)
    db.session.commit()
    login(client, cast.master)
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (app.config["MAX_PHOTO_BYTES"] + 10)
    assert upload(client, briefing, big).status_code == 413
    assert count(BriefingImage) == 0


@pytest.mark.parametrize("body", [
    "<script>alert(1)</script>", "![x](javascript:alert(1))", "![x](https://evil.example/a.png)",
    "![x](data:image/png;base64,iVBORw0KGgo=)", '<img src="/x" onerror="alert(1)">',
    '![a" onerror="alert(1)](/studios/1/briefings/1/images/1)',
    "![x](//evil.example/studios/1/briefings/1/images/1)",
    '<img src="/studios/1/briefings/1/images/1" onerror="alert(1)">'])
def test_xss_in_body_and_alt_text(app, cast, client, body):
    briefing = make_briefing(cast.studio, cast.master, body=body, publish=True)
    db.session.commit()
    html = briefing.body_html
    assert "<script" not in html and "onerror=" not in html.replace("&quot;", "")\
        .replace('alt="a onerror=', "")
    assert "javascript:" not in html and "evil.example" not in html and "data:" not in html
    for src in re.findall(r'src="([^"]*)"', html):
        assert src.startswith("/studios/") and "//" not in src


@pytest.mark.parametrize("field,value", [
    ("title", "标题\x00"), ("body", "正文\x00"), ("title", "长" * 5000), ("body", "长" * 60000),
    ("period_start", "NaN"), ("period_start", "99999-01-01"), ("period_end", "0001-01-01"),
    ("period_start", "2026-13-45")])
def test_hostile_input_is_refused_and_keeps_nothing(app, cast, client, field, value):
    login(client, cast.master)
    form = {"title": "工作简报", "body": "内容", "period_start": "", "period_end": "", field: value}
    response = client.post(f"/studios/{cast.studio.id}/briefings/new", data=form)
    assert response.status_code == 400
    assert count(Briefing) == 0


@pytest.mark.parametrize("value", ["NaN", "1e309", "-1", "99999999999999999999", "abc"])
def test_hostile_ids_in_draft_from_data(app, cast, client, value):
    login(client, cast.master)
    today = str(date.today())
    response = client.post(f"/studios/{cast.studio.id}/briefings/from-data", data={
        "period_start": today, "period_end": today, "posts": [value]})
    assert response.status_code == 302     # a picked id that is not an id is ignored
    response = client.post(f"/studios/{cast.studio.id}/briefings/from-data", data={
        "period_start": today, "period_end": today, "briefing": value})
    assert response.status_code in (400, 404)


def test_period_end_before_start_is_refused(app, cast, client):
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/briefings/new", data={
        "title": "x", "period_start": "2026-10-01", "period_end": "2026-09-01"})
    assert response.status_code == 400 and count(Briefing) == 0
