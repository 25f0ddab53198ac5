"""The project office (admin): studios, masters, accounts."""
import html
import re

import pytest
from flask import g, request_started
from sqlalchemy import func, select

from models import Membership, Studio
from studio.extensions import db
from tests.conftest import PASSWORD, join, login_en as login, page_text as text, make_studio, make_user

INITIAL = "Chushi-mima-2026"








def field_errors(response):
    """{field id: [messages]} shown under the form's fields."""
    page = response.get_data(as_text=True)
    found = {}
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', page, re.S):
        name = re.search(r'<label for="([^"]+)"', block).group(1)
        found[name] = [html.unescape(m)
                       for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', block)]
    return found


def studio_count():
    return db.session.execute(select(func.count()).select_from(Studio)).scalar()


def studio_named(name):
    return db.session.execute(select(Studio).where(Studio.name == name)).scalar_one_or_none()


def _county_id():
    """金水区, the cast's county."""
    from models import Region
    return str(db.session.execute(db.select(Region.id).where(Region.name == "金水区")).scalar())


def studio_form(**changes):
    data = {"name": "高中英语名师网络工作室", "subject": "英语", "school_stage": "senior",
            "region_id": _county_id(), "cycle_start": "2026-09-01", "cycle_end": "2029-07-31",
            "status": "preparing", "max_backbone": "10", "min_new_teachers": "50",
            "max_new_teachers": "100", "hours_target_new_teacher": "50",
            "hours_target_backbone": "60"}
    data.update(changes)
    return data


@pytest.fixture
def admin(client, cast):
    return login(client, cast.admin)


# --- studios ---------------------------------------------------------------------------------

def test_admin_creates_a_studio_and_is_asked_for_its_master(admin):
    response = admin.post("/admin/studios/new", data=studio_form(name="  高中英语名师网络工作室 "))
    studio = studio_named("高中英语名师网络工作室")
    assert studio is not None
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/studios/{studio.id}/master")
    assert (studio.subject, studio.school_stage, studio.region_name, studio.status) == \
        ("英语", "senior", "河南省郑州市金水区", "preparing")
    assert str(studio.cycle_start) == "2026-09-01" and str(studio.cycle_end) == "2029-07-31"
    assert (studio.max_backbone, studio.min_new_teachers, studio.max_new_teachers) == (10, 50, 100)
    page = text(admin.get("/admin/"))
    assert "高中英语名师网络工作室" in page


@pytest.mark.parametrize("changes,field,message", [
    ({"name": ""}, "name", "Please enter the studio's name."),
    ({"name": "   "}, "name", "Please enter the studio's name."),
    ({"name": "初中数学名师网络工作室"}, "name", "A studio with this name already exists."),
    ({"name": " 初中数学名师网络工作室 "}, "name", "A studio with this name already exists."),
    ({"subject": ""}, "subject", "Please enter the subject."),
    ({"cycle_start": "2026-09-01", "cycle_end": "2026-08-31"}, "cycle_end",
     "The cycle must end after it starts."),
    ({"cycle_start": "2026-09-01", "cycle_end": "2026-09-01"}, "cycle_end",
     "The cycle must end after it starts."),
    ({"min_new_teachers": "60", "max_new_teachers": "40"}, "max_new_teachers",
     "The most must not be below the fewest."),
])
def test_creating_a_studio_explains_what_is_wrong(admin, changes, field, message):
    before = studio_count()
    response = admin.post("/admin/studios/new", data=studio_form(**changes))
    assert response.status_code == 400
    assert message in field_errors(response).get(field, [])
    assert studio_count() == before


def test_a_studio_may_expect_no_minimum_of_new_teachers(admin):
    response = admin.post("/admin/studios/new", data=studio_form(min_new_teachers="0"))
    assert response.status_code == 302, field_errors(response)
    assert studio_named("高中英语名师网络工作室").min_new_teachers == 0


def test_admin_edits_a_studio(admin, cast):
    url = f"/admin/studios/{cast.studio.id}/edit"
    page = text(admin.get(url))
    assert 'value="初中数学名师网络工作室"' in page
    response = admin.post(url, data=studio_form(name="初中数学名师网络工作室", subject="数学",
                                                region_id=str(cast.other_city.id),
                                                status="active",
                                                max_new_teachers="80"))
    assert response.status_code == 302
    db.session.refresh(cast.studio)
    assert cast.studio.region_name == "河南省洛阳市"
    assert cast.studio.status == "active"
    assert cast.studio.max_new_teachers == 80
    assert cast.studio.role_counts()["new_teacher"] == 1  # members untouched
    # renamed to a name of its own
    response = admin.post(url, data=studio_form(name="初中数学名师网络工作室（新乡）"))
    assert response.status_code == 302
    db.session.refresh(cast.studio)
    assert cast.studio.name == "初中数学名师网络工作室（新乡）"


def test_editing_refuses_another_studios_name(admin, cast):
    url = f"/admin/studios/{cast.studio.id}/edit"
    response = admin.post(url, data=studio_form(name="小学语文名师网络工作室"))
    assert response.status_code == 400
    assert "A studio with this name already exists." in field_errors(response)["name"]
    db.session.refresh(cast.studio)
    assert cast.studio.name == "初中数学名师网络工作室"


def test_limits_cannot_go_below_the_current_members(admin, cast, _password_hash):
    for i in range(3):
        join(cast.studio, make_user(f"bb{i}", f"骨干{i}", _password_hash), "backbone")
        join(cast.studio, make_user(f"nt{i}", f"新师{i}", _password_hash), "new_teacher")
    db.session.commit()  # 4 backbone, 4 new teachers
    url = f"/admin/studios/{cast.studio.id}/edit"
    base = dict(name="初中数学名师网络工作室", subject="数学", status="active")

    response = admin.post(url, data=studio_form(**base, min_new_teachers="1", max_new_teachers="3"))
    assert response.status_code == 400
    assert "The studio already has more new teachers than this." in \
        field_errors(response)["max_new_teachers"]
    response = admin.post(url, data=studio_form(**base, max_backbone="3"))
    assert response.status_code == 400
    assert "The studio already has more backbone teachers than this." in \
        field_errors(response)["max_backbone"]
    db.session.refresh(cast.studio)
    assert (cast.studio.max_backbone, cast.studio.max_new_teachers) == (10, 100)

    # exactly the current numbers are fine
    response = admin.post(url, data=studio_form(**base, max_backbone="4", min_new_teachers="1",
                                                max_new_teachers="4"))
    assert response.status_code == 302
    db.session.refresh(cast.studio)
    assert (cast.studio.max_backbone, cast.studio.max_new_teachers) == (4, 4)


def test_the_studio_list_shows_member_counts(admin, cast, _password_hash):
    for i in range(2):
        join(cast.studio, make_user(f"bb{i}", f"骨干{i}", _password_hash), "backbone")
    db.session.commit()
    page = admin.get("/admin/").get_data(as_text=True)
    rows = {name: row for name, row in re.findall(
        r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>(.*?)</tr>", page, re.S)}

    def counts(name):  # the master, backbone and new-teacher cells
        cells = [c.strip() for c in re.findall(r"<td>(.*?)</td>", rows[name], re.S)]
        return cells[3], cells[4], cells[5]

    master, backbone, new = counts("初中数学名师网络工作室")
    assert (master, backbone) == ("1", "3 / 10")
    assert new.startswith("1 / 100") and "Fewer than 50" in new
    master, backbone, new = counts("小学语文名师网络工作室")
    assert (master, backbone) == ("1", "0 / 10") and new.startswith("1 / 100")


def test_the_studio_list_costs_the_same_for_2_or_20_studios(admin, cast, queries, _password_hash):
    def list_queries():
        db.session.commit()
        with queries() as q:
            response = admin.get("/admin/")
        assert response.status_code == 200
        return q.count, response.get_data(as_text=True).count('data-testid="studio-list"')

    small = list_queries()
    for i in range(18):
        studio = make_studio(f"测试工作室{i:02d}")
        master = make_user(f"m{i:02d}", f"名师{i:02d}", _password_hash)
        join(studio, master, "master")
        for j in range(3):
            join(studio, make_user(f"t{i:02d}_{j}", f"新师{i}{j}", _password_hash), "new_teacher")
    db.session.commit()
    large = list_queries()
    assert small == large
    assert text(admin.get("/admin/")).count("测试工作室") == 18


# --- masters -------------------------------------------------------------------------------

def test_admin_appoints_a_master_who_replaces_the_old_one(admin, client, cast, _password_hash):
    newcomer = make_user("wang_new", "王新名师", _password_hash)
    db.session.commit()
    url = f"/admin/studios/{cast.studio.id}/master"
    assert "王名师" in text(admin.get(url))  # the current master is named

    response = admin.post(url, data={"username": "wang_new", "confirm": "y"})

    assert response.status_code == 302
    assert cast.studio.master == newcomer
    assert cast.studio.role_counts()["master"] == 1
    old = db.session.execute(select(Membership).where(
        Membership.user_id == cast.master.id, Membership.studio_id == cast.studio.id)).scalar_one()
    assert old.active is False and old.left_at is not None
    page = text(admin.get(f"/studios/{cast.studio.id}/roster"))
    assert "王新名师" in page and "王名师" not in page.split("<h1>", 1)[1]
    # the old master no longer runs, or sees, the studio; the new one does
    assert login(client, cast.master).get(f"/studios/{cast.studio.id}/members").status_code == 403
    assert client.get(f"/studios/{cast.studio.id}/").status_code == 403
    assert login(client, newcomer).get(f"/studios/{cast.studio.id}/members").status_code == 200


def test_a_new_teacher_appointed_master_leaves_her_mentor_group(admin, cast):
    response = admin.post(f"/admin/studios/{cast.studio.id}/master",
                          data={"username": "new_teacher", "confirm": "y"})
    assert response.status_code == 302
    assert cast.studio.master == cast.new_teacher
    assert cast.studio.mentees_of(cast.backbone) == []
    assert cast.studio.role_counts() == {"master": 1, "backbone": 1, "new_teacher": 0}


def test_appointing_a_master_explains_refusals(admin, cast):
    url = f"/admin/studios/{cast.studio.id}/master"
    cases = [("nobody", "No account has this username."),
             ("master", "王名师 is already the master of this studio."),
             ("backbone", "李骨干 still mentors new teachers."),
             ("", "Please enter a username.")]
    for username, message in cases:
        response = admin.post(url, data={"username": username, "confirm": "y"})
        assert response.status_code == 400
        assert any(message in m for m in field_errors(response)["username"]), (username, message)
        assert cast.studio.master == cast.master


def test_a_fresh_studio_gets_its_first_master(admin, cast):
    response = admin.post("/admin/studios/new", data=studio_form())
    studio = studio_named("高中英语名师网络工作室")
    assert "none yet" in text(admin.get(response.headers["Location"]))
    response = admin.post(f"/admin/studios/{studio.id}/master", data={"username": "outsider"})
    assert response.status_code == 302
    assert studio.master == cast.outsider
    assert cast.outsider.role_in(cast.other_studio) == "new_teacher"  # her other studio stays


# --- accounts ------------------------------------------------------------------------------

def test_an_initial_password_forces_a_change_at_next_login(admin, app, cast):
    teacher = login(app.test_client(), cast.new_teacher)
    assert teacher.get(f"/studios/{cast.studio.id}/").status_code == 200

    response = admin.post(f"/admin/users/{cast.new_teacher.id}/password",
                          data={"password": INITIAL})

    assert response.status_code == 302
    db.session.refresh(cast.new_teacher)
    assert cast.new_teacher.must_change_password is True
    assert "must change password" in text(admin.get("/admin/users?q=new_teacher"))
    # her open session has ended
    response = teacher.get(f"/studios/{cast.studio.id}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # the old password no longer works; the initial one does, and leads to the change form
    assert teacher.post("/login", data={"username": "new_teacher", "password": PASSWORD}
                        ).status_code == 401
    response = teacher.post("/login", data={"username": "new_teacher", "password": INITIAL})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/password")
    for url in (f"/studios/{cast.studio.id}/", "/studios/", f"/studios/{cast.studio.id}/roster"):
        response = teacher.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/password")
    response = teacher.post("/account/password", data={
        "current_password": INITIAL, "new_password": "Zhen-de-xin-mima-7",
        "confirm": "Zhen-de-xin-mima-7"})
    assert response.status_code == 302
    assert teacher.get(f"/studios/{cast.studio.id}/").status_code == 200
    db.session.refresh(cast.new_teacher)
    assert cast.new_teacher.must_change_password is False


def test_a_weak_initial_password_is_refused(admin, cast):
    before = cast.new_teacher.password_hash
    response = admin.post(f"/admin/users/{cast.new_teacher.id}/password", data={"password": "123"})
    assert response.status_code == 400
    assert "at least 8 characters" in text(response)
    db.session.refresh(cast.new_teacher)
    assert cast.new_teacher.password_hash == before
    assert cast.new_teacher.must_change_password is False


def test_deactivating_a_user_logs_them_out(admin, app, cast):
    teacher = login(app.test_client(), cast.backbone)
    assert teacher.get(f"/studios/{cast.studio.id}/").status_code == 200

    response = admin.post(f"/admin/users/{cast.backbone.id}/active")

    assert response.status_code == 302
    db.session.refresh(cast.backbone)
    assert cast.backbone.active is False
    response = teacher.get(f"/studios/{cast.studio.id}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = teacher.post("/login", data={"username": "backbone", "password": PASSWORD})
    assert response.status_code == 403
    assert "This account has been deactivated." in text(response)
    assert "deactivated" in text(admin.get("/admin/users?q=backbone"))

    # reactivated, she logs in again
    assert admin.post(f"/admin/users/{cast.backbone.id}/active").status_code == 302
    response = teacher.post("/login", data={"username": "backbone", "password": PASSWORD})
    assert response.status_code == 302
    assert teacher.get(f"/studios/{cast.studio.id}/").status_code == 200


def test_the_admin_cannot_deactivate_herself(admin, cast):
    response = admin.post(f"/admin/users/{cast.admin.id}/active")
    assert response.status_code == 409
    db.session.refresh(cast.admin)
    assert cast.admin.active is True


def test_account_search(admin, cast):
    page = text(admin.get("/admin/users?q=郑州市第八中学"))
    assert "李骨干" in page and "张新师" not in page
    page = text(admin.get("/admin/users?q=outsider"))
    assert "陈外人" in page and "小学语文名师网络工作室" in page


@pytest.mark.parametrize("role", ["master", "backbone", "new_teacher", "outsider"])
def test_only_the_admin_reaches_the_admin_pages(client, cast, role):
    login(client, getattr(cast, role))
    before = studio_count()
    for url in ("/admin/", "/admin/studios/new", "/admin/users",
                f"/admin/studios/{cast.studio.id}/edit", f"/admin/studios/{cast.studio.id}/master"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/studios/new", data=studio_form()).status_code == 403
    assert client.post(f"/admin/users/{cast.outsider.id}/active").status_code == 403
    assert studio_count() == before
    db.session.refresh(cast.outsider)
    assert cast.outsider.active is True


def test_the_accounts_page_title_is_plain_text(client, cast):
    """The office form once sat inside the title block: the tab showed its markup."""
    login(client, cast.admin)
    page = client.get("/admin/users").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "form" not in title
    assert page.count('data-testid="office-form"') == 1
