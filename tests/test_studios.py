"""Studio pages: home, roster, members, mentor groups; who may see and change what."""
import html
import re

import pytest
from flask import g, request_started
from sqlalchemy import func, select

from models import MentorGroup, MentorGroupMember, Membership, User
from studio.extensions import db
from tests.conftest import PASSWORD, join, login_en as login, page_text as text, make_studio, make_user, mentor

INITIAL = "Chushi-mima-2026"








def section(page, testid):
    """The HTML of the element marked data-testid=… up to the next closing </section>."""
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index("</section>", start)]


def groups_on(page):
    """{mentor name: [mentee names]} from the roster's mentor-group sections."""
    found = {}
    for part in page.split('data-testid="mentor-group"')[1:]:
        part = part[:part.index("</section>")]
        name = re.search(r"Group of (.+?) <small", part).group(1)
        found[name] = re.findall(r'<li id="u\d+"><strong>(.+?)</strong>', part)
    return found


def snapshot():
    def count(model, *where):
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()
    return {
        "users": count(User),
        "memberships": count(Membership),
        "active memberships": count(Membership, Membership.active.is_(True)),
        "mentor groups": count(MentorGroup),
        "mentor links": count(MentorGroupMember),
        "open mentor links": count(MentorGroupMember, MentorGroupMember.ended_at.is_(None)),
    }


def current_link(mentee):
    return db.session.execute(select(MentorGroupMember).where(
        MentorGroupMember.mentee_id == mentee.id, MentorGroupMember.ended_at.is_(None))
    ).scalar_one_or_none()


def fill(studio, password_hash, role, n, prefix):
    users = [make_user(f"{prefix}{i:03d}", f"{prefix}老师{i:03d}", password_hash,
                       phone=f"139{i:08d}") for i in range(1, n + 1)]
    for user in users:
        join(studio, user, role)
    return users


@pytest.fixture
def second_mentor(cast, _password_hash):
    """A second backbone teacher in the cast's studio with two mentees of her own."""
    bb = make_user("backbone2", "周骨干", _password_hash, school="郑州外国语学校")
    m1 = make_user("mentee21", "吴新师", _password_hash, phone="13800000021")
    m2 = make_user("mentee22", "郑新师", _password_hash, email="zheng@example.com")
    join(cast.studio, bb, "backbone")
    join(cast.studio, m1, "new_teacher")
    join(cast.studio, m2, "new_teacher")
    mentor(cast.studio, bb, m1, m2)
    db.session.commit()
    return bb, m1, m2


# --- home -------------------------------------------------------------------------------------

def test_home_shows_a_new_teacher_her_role_and_mentor(client, cast):
    page = text(login(client, cast.new_teacher).get(f"/studios/{cast.studio.id}/"))
    assert "My role" in page and 'badge-new_teacher">New teacher<' in page
    mine = section(page, "my-mentor")
    assert "李骨干" in mine and "郑州市第八中学" in mine
    assert 'data-testid="my-mentees"' not in page


def test_home_tells_a_new_teacher_without_a_group(client, cast, _password_hash):
    lone = make_user("lone", "孤新师", _password_hash)
    join(cast.studio, lone, "new_teacher")
    db.session.commit()
    page = text(login(client, lone).get(f"/studios/{cast.studio.id}/"))
    assert "You have not been placed in a mentor group yet." in section(page, "my-mentor")


def test_home_shows_a_backbone_her_role_and_mentees(client, cast, second_mentor):
    page = text(login(client, cast.backbone).get(f"/studios/{cast.studio.id}/"))
    assert 'badge-backbone">Backbone teacher<' in page
    mine = section(page, "my-mentees")
    assert "My mentees (1)" in mine and "张新师" in mine
    assert "吴新师" not in mine  # another mentor's group
    page = text(login(client, second_mentor[0]).get(f"/studios/{cast.studio.id}/"))
    mine = section(page, "my-mentees")
    assert "My mentees (2)" in mine and "吴新师" in mine and "郑新师" in mine
    assert 'data-testid="my-mentor"' not in page


def test_home_shows_the_master_her_role(client, cast):
    page = text(login(client, cast.master).get(f"/studios/{cast.studio.id}/"))
    assert 'badge-master">Master teacher<' in page
    assert "Manage members" in page


def test_below_fifty_new_teachers_the_master_is_warned(client, cast, _password_hash):
    warning = "The studio has fewer than 50 new teachers"
    url = f"/studios/{cast.studio.id}/"
    assert warning in text(login(client, cast.master).get(url))
    assert warning in text(login(client, cast.admin).get(url))
    assert warning in text(login(client, cast.master).get(f"/studios/{cast.studio.id}/members"))
    assert warning not in text(login(client, cast.new_teacher).get(url))
    fill(cast.studio, _password_hash, "new_teacher", 49, "nt")  # 1 + 49 = 50
    db.session.commit()
    assert warning not in text(login(client, cast.master).get(url))


# --- roster ---------------------------------------------------------------------------------

def test_roster_groups_new_teachers_by_mentor(client, cast, second_mentor, _password_hash):
    lone = make_user("lone", "孤新师", _password_hash)
    join(cast.studio, lone, "new_teacher")
    db.session.commit()
    page = text(login(client, cast.new_teacher).get(f"/studios/{cast.studio.id}/roster"))
    assert groups_on(page) == {"李骨干": ["张新师"], "周骨干": ["吴新师", "郑新师"]}
    assert "New teachers without a mentor (1)" in page and "孤新师" in page
    assert "王名师" in page
    assert "7 members" in page


@pytest.mark.parametrize("role,sees", [("master", True), ("admin", True), ("new_teacher", False)])
def test_roster_shows_contacts_only_to_managers(client, cast, second_mentor, role, sees):
    page = text(login(client, getattr(cast, role)).get(f"/studios/{cast.studio.id}/roster"))
    for contact in ("13800000001", "13800000021", "zheng@example.com"):
        assert (contact in page) is sees
    assert "张新师" in page


def test_a_mentor_sees_the_contacts_of_her_own_mentees_only(client, cast, second_mentor):
    page = text(login(client, cast.backbone).get(f"/studios/{cast.studio.id}/roster"))
    assert "13800000001" in page  # 张新师, her mentee
    assert "13800000021" not in page and "zheng@example.com" not in page
    page = text(login(client, second_mentor[0]).get(f"/studios/{cast.studio.id}/roster"))
    assert "13800000021" in page and "zheng@example.com" in page
    assert "13800000001" not in page


def test_roster_query_count_does_not_grow_with_members(client, cast, queries, _password_hash):
    studio = make_studio("高中物理名师网络工作室", subject="物理")
    master = make_user("phys_master", "孙名师", _password_hash)
    join(studio, master, "master")
    backbones = fill(studio, _password_hash, "backbone", 10, "pbb")
    db.session.commit()
    login(client, master)

    def roster_queries(new_teachers, prefix):
        teachers = fill(studio, _password_hash, "new_teacher", new_teachers, prefix)
        db.session.flush()
        for i, bb in enumerate(backbones):
            group = db.session.execute(select(MentorGroup).where(
                MentorGroup.studio_id == studio.id, MentorGroup.mentor_id == bb.id)
            ).scalar_one_or_none() or MentorGroup(studio=studio, mentor=bb)
            db.session.add(group)
            for teacher in teachers[i::10]:
                db.session.add(MentorGroupMember(group=group, mentee=teacher))
        db.session.commit()
        with queries() as q:
            response = client.get(f"/studios/{studio.id}/roster")
        assert response.status_code == 200
        total[0] += new_teachers
        page = text(response)
        people = 1 + 10 + total[0]
        assert f"Page 1 of {-(-people // 50)}, {people} people" in page
        assert len(re.findall(r'<li id="u\d+"', page)) == min(people, 50)
        return q.count

    total = [0]
    small = roster_queries(10, "a")
    large = roster_queries(90, "b")  # 100 new teachers now
    assert small == large, f"10 new teachers: {small} queries, 100: {large}"


# --- members: limits ----------------------------------------------------------------------------

def add(client, studio, **fields):
    data = {"name": "", "role": "new_teacher", "initial_password": INITIAL, "mentor": ""}
    data.update(fields)
    return client.post(f"/studios/{studio.id}/members", data=data)


def test_master_adds_a_new_teacher_with_a_mentor(client, cast):
    response = add(login(client, cast.master), cast.studio, username="liuyi", name="刘一",
                   role="new_teacher", mentor=str(cast.backbone.id), phone="13900000000")
    assert response.status_code == 302
    liuyi = db.session.execute(select(User).where(User.username == "liuyi")).scalar_one()
    assert liuyi.role_in(cast.studio) == "new_teacher"
    assert liuyi.must_change_password
    assert cast.studio.mentor_of(liuyi) == cast.backbone


def test_an_eleventh_backbone_is_refused(client, cast, _password_hash):
    fill(cast.studio, _password_hash, "backbone", 9, "bb")  # 1 + 9 = 10
    db.session.commit()
    before = snapshot()
    login(client, cast.master)
    response = add(client, cast.studio, username="bb_eleven", name="第十一", role="backbone")
    assert response.status_code == 400
    assert "This studio already has 10 backbone teachers, the most it may have." in text(response)
    # an existing account is refused the same way
    response = add(client, cast.studio, username="outsider", role="backbone")
    assert response.status_code == 400
    assert "already has 10 backbone teachers" in text(response)
    assert snapshot() == before
    assert cast.studio.role_counts()["backbone"] == 10


def test_a_hundred_and_first_new_teacher_is_refused(client, cast, _password_hash):
    fill(cast.studio, _password_hash, "new_teacher", 99, "nt")  # 1 + 99 = 100
    db.session.commit()
    before = snapshot()
    response = add(login(client, cast.admin), cast.studio, username="nt_101", name="第一百零一",
                   role="new_teacher", mentor=str(cast.backbone.id))
    assert response.status_code == 400
    assert "This studio already has 100 new teachers, the most it may have." in text(response)
    assert snapshot() == before
    assert cast.studio.role_counts()["new_teacher"] == 100


def test_a_second_master_is_refused(client, cast):
    before = snapshot()
    login(client, cast.master)
    for username, name in (("qian", "钱名师"), ("outsider", "")):
        response = add(client, cast.studio, username=username, name=name, role="master")
        assert response.status_code == 400
        # the form offers no master role: the project office appoints the master
        assert re.search(r'<div class="field has-error">\s*<label for="role".*?'
                         r'Not a valid choice', text(response), re.S)
    assert snapshot() == before
    assert cast.studio.master == cast.master


@pytest.mark.parametrize("bad_mentor", ["x", "999999", "-1"])
def test_adding_with_an_unknown_mentor_is_refused(client, cast, bad_mentor):
    before = snapshot()
    response = add(login(client, cast.master), cast.studio, username="liuyi", name="刘一",
                   role="new_teacher", mentor=bad_mentor)
    assert response.status_code == 400
    assert snapshot() == before


def test_adding_with_a_mentor_who_is_not_a_backbone_is_refused(client, cast):
    before = snapshot()
    response = add(login(client, cast.master), cast.studio, username="liuyi", name="刘一",
                   role="new_teacher", mentor=str(cast.new_teacher.id))
    assert response.status_code == 400
    assert "A mentor must be a backbone teacher of this studio." in text(response)
    assert snapshot() == before


def test_adding_an_existing_member_again_is_refused(client, cast):
    before = snapshot()
    response = add(login(client, cast.master), cast.studio, username="backbone", role="new_teacher")
    assert response.status_code == 400
    assert "李骨干 is already a member of this studio." in text(response)
    assert snapshot() == before


# --- mentor groups ------------------------------------------------------------------------------

def assign(client, studio, mentee, mentor_user, reason=""):
    return client.post(f"/studios/{studio.id}/groups/assign", data={
        "mentee_id": str(mentee.id), "mentor_id": str(mentor_user.id), "reason": reason})


def test_changing_a_mentor_ends_the_old_link_and_keeps_it_in_history(client, cast, second_mentor):
    backbone2 = second_mentor[0]
    old = current_link(cast.new_teacher)
    login(client, cast.master)

    response = assign(client, cast.studio, cast.new_teacher, backbone2, "学科方向更匹配")

    assert response.status_code == 302
    db.session.refresh(old)
    assert old.ended_at is not None
    new = current_link(cast.new_teacher)
    assert new.group.mentor == backbone2 and new.reason == "学科方向更匹配"
    assert new.changed_by_id == cast.master.id
    assert cast.studio.mentees_of(cast.backbone) == []
    page = text(client.get(f"/studios/{cast.studio.id}/roster"))
    assert groups_on(page)["周骨干"] == ["张新师", "吴新师", "郑新师"] or \
        sorted(groups_on(page)["周骨干"]) == sorted(["张新师", "吴新师", "郑新师"])
    assert groups_on(page)["李骨干"] == []
    page = text(login(client, cast.new_teacher).get(f"/studios/{cast.studio.id}/"))
    assert "周骨干" in section(page, "my-mentor")

    history = text(login(client, cast.master).get(f"/studios/{cast.studio.id}/groups/history"))
    rows = [r for r in re.findall(r"<tr><td>(.*?)</tr>", history, re.S) if r.startswith("张新师")]
    assert len(rows) == 2
    newest, oldest = rows
    assert "周骨干" in newest and "学科方向更匹配" in newest and "王名师" in newest
    assert "<td>now</td>" in newest
    assert "李骨干" in oldest and "<td>now</td>" not in oldest


def test_assigning_the_same_mentor_again_is_refused(client, cast):
    before = snapshot()
    response = assign(login(client, cast.master), cast.studio, cast.new_teacher, cast.backbone)
    assert response.status_code == 409
    assert "张新师 is already in 李骨干's group." in text(response)
    assert snapshot() == before


def test_only_a_backbone_of_the_studio_can_mentor(client, cast, _password_hash):
    other = make_user("nt2", "另新师", _password_hash)
    join(cast.studio, other, "new_teacher")
    db.session.commit()
    before = snapshot()
    login(client, cast.master)
    assert assign(client, cast.studio, other, cast.new_teacher).status_code == 409
    assert assign(client, cast.studio, other, cast.master).status_code == 409
    assert assign(client, cast.studio, other, cast.outsider).status_code == 404
    assert snapshot() == before


def test_removing_a_backbone_who_still_mentors_is_refused(client, cast):
    before = snapshot()
    response = login(client, cast.master).post(
        f"/studios/{cast.studio.id}/members/{cast.backbone.id}/remove", data={"reason": "调离"})
    assert response.status_code == 409
    assert "李骨干 still mentors new teachers." in text(response)
    assert snapshot() == before
    assert cast.backbone.role_in(cast.studio) == "backbone"


def test_removing_a_new_teacher_ends_her_mentor_link(client, cast):
    link = current_link(cast.new_teacher)
    response = login(client, cast.master).post(
        f"/studios/{cast.studio.id}/members/{cast.new_teacher.id}/remove", data={"reason": "调动"})
    assert response.status_code == 302
    db.session.refresh(link)
    assert link.ended_at is not None
    assert current_link(cast.new_teacher) is None
    membership = db.session.execute(select(Membership).where(
        Membership.user_id == cast.new_teacher.id, Membership.studio_id == cast.studio.id)
    ).scalar_one()
    assert membership.active is False and membership.left_at is not None
    page = text(client.get(f"/studios/{cast.studio.id}/roster"))
    assert "张新师 has left the studio." in page
    assert "张新师" not in page.split("<h1>Roster", 1)[1]
    assert groups_on(page) == {"李骨干": []}
    history = text(client.get(f"/studios/{cast.studio.id}/groups/history"))
    assert "张新师" in history and "调动" in history
    # the backbone, now without mentees, may leave
    response = client.post(f"/studios/{cast.studio.id}/members/{cast.backbone.id}/remove",
                           data={"reason": ""})
    assert response.status_code == 302
    assert cast.studio.role_counts() == {"master": 1, "backbone": 0, "new_teacher": 0}
    # and she no longer sees the studio
    assert login(client, cast.new_teacher).get(f"/studios/{cast.studio.id}/").status_code == 403


def test_the_master_cannot_be_removed_from_the_members_page(client, cast):
    response = login(client, cast.admin).post(
        f"/studios/{cast.studio.id}/members/{cast.master.id}/remove", data={})
    assert response.status_code == 409
    assert cast.studio.master == cast.master


# --- who may see and manage -------------------------------------------------------------------

STUDIO_PAGES = ["/", "/roster", "/members", "/groups", "/groups/history"]


@pytest.mark.parametrize("page", STUDIO_PAGES)
def test_an_outsider_is_refused_every_studio_page(client, cast, page):
    response = login(client, cast.outsider).get(f"/studios/{cast.studio.id}{page}")
    assert response.status_code == 403
    assert "张新师" not in text(response)


def test_the_master_of_one_studio_cannot_manage_another(client, cast, _password_hash):
    b = cast.other_studio
    login(client, cast.master)
    before = snapshot()
    for page in STUDIO_PAGES:
        assert client.get(f"/studios/{b.id}{page}").status_code == 403
    assert add(client, b, username="liuyi", name="刘一", role="new_teacher").status_code == 403
    assert client.post(f"/studios/{b.id}/members/{cast.outsider.id}/remove",
                       data={}).status_code == 403
    yw_bb = make_user("yw_bb", "语文骨干", _password_hash)
    join(b, yw_bb, "backbone")
    db.session.commit()
    before = snapshot()
    assert assign(client, b, cast.outsider, yw_bb).status_code == 403
    assert client.get(f"/admin/studios/{b.id}/edit").status_code == 403
    assert client.get(f"/admin/studios/{b.id}/import").status_code == 403
    assert snapshot() == before
    # her own studio she does manage
    assert client.get(f"/studios/{cast.studio.id}/members").status_code == 200


def test_a_member_cannot_manage_her_own_studio(client, cast, second_mentor):
    for user in (cast.backbone, cast.new_teacher):
        login(client, user)
        for page in ("/members", "/groups", "/groups/history"):
            assert client.get(f"/studios/{cast.studio.id}{page}").status_code == 403
        assert assign(client, cast.studio, cast.new_teacher, second_mentor[0]).status_code == 403
    assert current_link(cast.new_teacher).group.mentor == cast.backbone


def test_a_teacher_in_two_studios_sees_both_and_each_page_names_its_studio(client, cast):
    join(cast.other_studio, cast.backbone, "backbone")
    db.session.commit()
    login(client, cast.backbone)

    page = text(client.get("/studios/"))
    assert "初中数学名师网络工作室" in page and "小学语文名师网络工作室" in page
    assert 'data-testid="current-studio"' not in page
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/studios/")

    for studio, other, role in ((cast.studio, cast.other_studio, "Backbone teacher"),
                                (cast.other_studio, cast.studio, "Backbone teacher")):
        for path in ("/", "/roster"):
            page = text(client.get(f"/studios/{studio.id}{path}"))
            current = re.search(r'data-testid="current-studio">([^<]+)<', page).group(1)
            assert current == studio.name
            assert other.name not in page.split("<main", 1)[1]
            assert f"<title>" in page and studio.name in page.split("</title>")[0]
    page = text(client.get(f"/studios/{cast.studio.id}/"))
    assert "张新师" in section(page, "my-mentees")
    page = text(client.get(f"/studios/{cast.other_studio.id}/"))
    assert "No new teachers are in your group yet." in section(page, "my-mentees")


def test_a_teacher_in_one_studio_is_sent_straight_to_it(client, cast):
    response = login(client, cast.new_teacher).get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studios/{cast.studio.id}/")


def test_login_with_form_and_studio_page(client, cast):
    """The whole path a teacher takes: log in with the form, land on her studio."""
    login(client, None)
    response = client.post("/login", data={"username": "new_teacher", "password": PASSWORD},
                           follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert re.search(r'data-testid="current-studio">初中数学名师网络工作室<', page)
    assert "李骨干" in section(page, "my-mentor")
