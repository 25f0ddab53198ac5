"""Long lists (studio/listing.py): the hours register, the required-work tracker, the roster and
the notifications filter by mentor group and role (notifications: kind and read state),
search by name, school or username, and page 50 at a time; same-name members show their
school; hostile parameters give 400 or an empty list, never 500; each role still sees only
what it saw before; query counts stay fixed. And the task form's member picker."""
import re
import types
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Assignment, Notification, Task
from models.base import utcnow
from studio.extensions import db
from tests.conftest import join, make_user, mentor
from tests.coreloop import build_studio, login, queries_on_page, text

MEMBER_LISTS = ["hours", "progress", "roster"]


@pytest.fixture
def people(cast, _password_hash):
    """The cast's studio plus a second group (刘骨干: 吴新师 and a second 张新师, from another
    school), and 孙新师 in no group."""
    h = _password_hash
    p = types.SimpleNamespace(**vars(cast))
    p.backbone2 = make_user("backbone2", "刘骨干", h, school="洛阳市第一中学")
    p.mentee2 = make_user("mentee2", "吴新师", h, school="洛阳市第二中学")
    p.twin = make_user("twin", "张新师", h, school="洛阳市第三中学")
    p.loner = make_user("loner", "孙新师", h, school="开封市第五中学")
    join(cast.studio, p.backbone2, "backbone")
    for user in (p.mentee2, p.twin, p.loner):
        join(cast.studio, user, "new_teacher")
    mentor(cast.studio, p.backbone2, p.mentee2, p.twin)
    db.session.commit()
    p.sid = cast.studio.id
    return p


def url(p, which, **query):
    base = "/notifications" if which == "notifications" else f"/studios/{p.sid}/{which}"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(page, which):
    """The names in the list part of a page (the twins' school stripped off)."""
    if which == "roster":
        part = page[page.index('data-testid="mentor-groups"'):page.index('data-testid="pager"')]
        names = re.findall(r'<li id="u\d+"[^>]*><strong>([^<]+)', part)
    else:
        start = page.index('data-testid="members-hours"' if which == "hours"
                           else 'data-testid="progress"')
        part = page[start:page.index('data-testid="pager"', start)]
        names = re.findall(r"<tr><td>(?:<a [^>]+>)?([^<]+)", part)
    return sorted(n.strip() for n in names)


def names_on(client, p, which, **query):
    response = client.get(url(p, which, **query))
    assert response.status_code == 200, response.status_code
    return listed(text(response), which)


# --- filters, alone and combined ---------------------------------------------------------------

@pytest.mark.parametrize("which", MEMBER_LISTS)
def test_filters_by_group_role_and_search_and_they_combine(client, people, which):
    p = people
    login(client, p.master)
    everyone = names_on(client, p, which)
    assert {"李骨干", "刘骨干", "吴新师", "孙新师"} <= set(everyone)
    assert everyone.count("张新师") == 2
    # a group: its mentor and their mentees (the hours register lists no master anyway)
    assert names_on(client, p, which, group=p.backbone2.id) == ["刘骨干", "吴新师", "张新师"]
    assert names_on(client, p, which, group=0) == sorted(
        ["孙新师"] + (["王名师"] if which != "hours" else []))
    assert names_on(client, p, which, role="backbone") == ["刘骨干", "李骨干"]
    assert names_on(client, p, which, q="张") == ["张新师", "张新师"]
    assert names_on(client, p, which, q="洛阳市第三") == ["张新师"]          # by school
    assert names_on(client, p, which, q="MENTEE2") == ["吴新师"]            # by username
    assert names_on(client, p, which, group=p.backbone2.id, role="new_teacher",
                    q="张") == ["张新师"]
    assert names_on(client, p, which, group=p.backbone.id, q="吴") == []
    page = text(client.get(url(p, which, group=p.backbone.id, q="吴")))
    assert "Nobody matches this filter." in page


@pytest.mark.parametrize("which", MEMBER_LISTS)
def test_same_name_members_show_their_school(client, people, which):
    login(client, people.master)
    page = text(client.get(url(people, which)))
    assert "张新师<span class=\"meta twin\">（郑州市第二中学）</span>" in page
    assert "张新师<span class=\"meta twin\">（洛阳市第三中学）</span>" in page
    assert "吴新师<span" not in page                       # a unique name stays plain


def test_a_mentor_filtering_still_sees_only_her_own_mentees(client, people):
    p = people
    login(client, p.backbone)                  # 李骨干: only 张新师 (郑州)
    assert names_on(client, p, "hours") == ["张新师"]
    assert names_on(client, p, "hours", group=p.backbone2.id) == []
    assert names_on(client, p, "hours", q="吴") == []
    assert names_on(client, p, "progress") == ["张新师", "李骨干"]
    assert names_on(client, p, "progress", group=p.backbone2.id) == []
    assert names_on(client, p, "progress", q="洛阳") == []
    login(client, p.mentee2)                   # a new teacher: only herself
    assert names_on(client, p, "progress") == ["吴新师"]
    assert names_on(client, p, "progress", role="backbone") == []
    assert "members-hours" not in text(client.get(url(p, "hours", group=p.backbone2.id)))
    # the roster was and stays the whole studio, for every member
    assert len(names_on(client, p, "roster")) == 7


# --- paging ------------------------------------------------------------------------------------

@pytest.fixture
def big(app, _password_hash):
    """A studio of 1 master, 2 mentors and 107 new teachers: 110 people."""
    studio, master, backbones, news = build_studio(_password_hash, "大工作室", 107, prefix="b_")
    return types.SimpleNamespace(studio=studio, master=master, backbones=backbones, news=news,
                                 sid=studio.id)


@pytest.mark.parametrize("which", MEMBER_LISTS)
def test_pages_of_fifty_with_the_edges(client, big, which):
    login(client, big.master)
    total = 110 if which != "hours" else 109       # the register lists no master
    seen = []
    for number, size in ((1, 50), (2, 50), (3, total - 100)):
        page = text(client.get(url(big, which, page=number)))
        assert f"Page {number} of 3, {total} people" in page
        assert ('rel="prev"' in page) is (number > 1)
        assert ('rel="next"' in page) is (number < 3)
        names = listed(page, which)
        assert len(names) == size
        seen += names
    assert len(set(seen)) == total, "every member is on exactly one page"
    # past the end: the last page; a page that is not a number: the first
    assert f"Page 3 of 3, {total} people" in text(client.get(url(big, which, page=99)))
    assert f"Page 1 of 3, {total} people" in text(client.get(url(big, which, page="x")))


@pytest.mark.parametrize("which", MEMBER_LISTS)
def test_the_pager_keeps_the_filter_and_speaks_chinese(client, big, which):
    login(client, big.master, locale="zh_CN")
    group = big.backbones[0].id                 # 1 mentor + 54 mentees
    page = text(client.get(url(big, which, group=group, role="new_teacher", page=2)))
    assert "第 2 / 2 页，共 54 人" in page and "上一页" in page and "下一页" not in page
    prev = re.search(r'href="([^"]+)" rel="prev"|rel="prev" href="([^"]+)"', page)
    link = prev.group(1) or prev.group(2)
    assert f"group={group}" in link and "role=new_teacher" in link and "page=1" in link
    assert "第 1 / 2 页，共 54 人" in text(client.get(link))


# --- hostile parameters ------------------------------------------------------------------------

@pytest.mark.parametrize("which", MEMBER_LISTS)
@pytest.mark.parametrize("param,value", [("group", "abc"), ("group", "-1"), ("group", "²"),
                                         ("group", "9" * 30), ("role", "admin"),
                                         ("role", "master'--")])
def test_a_group_or_role_that_is_not_one_is_a_clear_400(client, people, which, param, value):
    login(client, people.master, locale="zh_CN")
    response = client.get(url(people, which, **{param: value}))
    assert response.status_code == 400
    assert ("请从列表中选择师徒结对小组" if param == "group" else "请从列表中选择角色") in text(response)


@pytest.mark.parametrize("which", MEMBER_LISTS + ["notifications"])
@pytest.mark.parametrize("query", [{"page": "-1"}, {"page": "9" * 30}, {"page": "NaN"},
                                   {"q": "%"}, {"q": "_%"}, {"q": "x" * 5000},
                                   {"group": "2147483647"}, {"q": "'; DROP TABLE users; --"}])
def test_odd_values_give_a_page_not_an_error(client, people, which, query):
    login(client, people.master)
    response = client.get(url(people, which, **query))
    assert response.status_code == 200
    if "q" in query or "group" in query:
        assert "Nobody matches" in text(response) or "No notifications" in text(response)


# --- notifications -----------------------------------------------------------------------------

def notifications_for(user, n, kind="task_assigned", read=False, subject="任务{i}"):
    now = utcnow()
    for i in range(n):
        db.session.add(Notification(user_id=user.id, kind=kind, subject=subject.format(i=i),
                                    actor_name="王名师", link="/",
                                    created_at=now - timedelta(minutes=i),
                                    read_at=now if read else None))
    db.session.commit()


def shown(client, **query):
    page = text(client.get(url(None, "notifications", **query)))
    return page, re.findall(r'name="notification_id" value="(\d+)"', page)


def test_notifications_filter_by_kind_read_state_and_search_and_page(client, people):
    p = people
    notifications_for(p.new_teacher, 60)                                    # unread tasks
    notifications_for(p.new_teacher, 5, kind="review_received", read=True, subject="评课{i}")
    notifications_for(p.backbone, 3, subject="别人的{i}")                    # not hers
    login(client, p.new_teacher)
    page, ids = shown(client)
    assert len(ids) == 50 and "Page 1 of 2, 65 notifications" in page
    page, ids = shown(client, page=2)
    assert len(ids) == 15 and "Page 2 of 2, 65 notifications" in page
    assert len(shown(client, kind="review_received")[1]) == 5
    assert len(shown(client, read="read")[1]) == 5
    assert len(shown(client, read="unread", kind="review_received")[1]) == 0
    page, ids = shown(client, q="评课3")
    assert len(ids) == 1 and "评课3" in page
    assert len(shown(client, q="别人")[1]) == 0
    assert len(shown(client, q="王名师", kind="task_assigned", page=2)[1]) == 10


@pytest.mark.parametrize("query", [{"kind": "nope"}, {"read": "maybe"}])
def test_a_notification_kind_or_state_that_is_not_one_is_a_clear_400(client, people, query):
    login(client, people.new_teacher, locale="zh_CN")
    response = client.get(url(people, "notifications", **query))
    assert response.status_code == 400 and "请" in text(response)


# --- fixed query counts, with filters ----------------------------------------------------------

def test_filtered_lists_use_the_same_number_of_queries_for_10_and_100_new_teachers(
        client, app, _password_hash, queries):
    counts = {}
    for n in (10, 100):
        studio, master, backbones, news = build_studio(_password_hash, f"工作室{n}", n)
        notifications_for(news[0], n)
        base = f"/studios/{studio.id}"
        query = f"?group={backbones[0].id}&role=new_teacher&q=新师&page=1"
        counts[n] = {
            "hours": queries_on_page(client, queries, master, f"{base}/hours{query}"),
            "hours (mentor)": queries_on_page(client, queries, backbones[0], f"{base}/hours{query}"),
            "progress": queries_on_page(client, queries, master, f"{base}/progress{query}"),
            "roster": queries_on_page(client, queries, news[1], f"{base}/roster{query}"),
            "notifications": queries_on_page(client, queries, news[0],
                                             "/notifications?kind=task_assigned&read=unread&q=任务&page=2"),
            "task form": queries_on_page(client, queries, master, f"{base}/tasks/new"),
        }
    assert counts[10] == counts[100]


# --- the task form's member picker -------------------------------------------------------------

def picker_sections(page):
    """{section title: [(member id, name)]} from the picker."""
    found = {}
    for part in page.split("data-picker-group")[1:]:
        title = re.search(r"<h3>(.+?) <small", part).group(1)
        found[title] = [(int(i), n) for i, n in re.findall(
            r'name="members" value="(\d+)"[^>]*>\s*<span class="picker-name">([^<]+)', part)]
    return found


def test_the_picker_groups_members_by_mentor_group_with_plain_checkboxes(client, people):
    p = people
    login(client, p.master)
    page = text(client.get(f"/studios/{p.sid}/tasks/new"))
    assert picker_sections(page) == {
        "Group of 李骨干": [(p.new_teacher.id, "张新师")],
        "Group of 刘骨干": [(p.mentee2.id, "吴新师"), (p.twin.id, "张新师")],
        "Backbone teachers": [(p.backbone.id, "李骨干"), (p.backbone2.id, "刘骨干")],
        "New teachers without a mentor": [(p.loner.id, "孙新师")],
    }
    assert '<select multiple' not in page and 'name="members"' in page
    assert "（洛阳市第三中学）" in page and "（郑州市第二中学）" in page
    # searchable by name, school and username, in the rows the script reads
    assert 'data-search="张新师 洛阳市第三中学 twin"' in page


def test_a_mentors_picker_lists_only_her_mentees(client, people):
    login(client, people.backbone2)
    page = text(client.get(f"/studios/{people.sid}/tasks/new"))
    assert picker_sections(page) == {
        "My mentees": [(people.mentee2.id, "吴新师"), (people.twin.id, "张新师")]}


def test_ticked_members_get_the_task_and_a_refusal_keeps_the_ticks(client, people):
    p = people
    login(client, p.master)
    data = {"title": "听课记录", "description": "", "focus": "other", "deliverable": "other",
            "hours": "1", "opens_on": date.today().isoformat(),
            "due_on": (date.today() - timedelta(days=1)).isoformat(), "audience": "members",
            "audience_value": "", "members": [str(p.twin.id), str(p.loner.id)]}
    refused = client.post(f"/studios/{p.sid}/tasks/new", data=data)
    assert refused.status_code == 400
    page = text(refused)
    assert f'value="{p.twin.id}" checked' in page and f'value="{p.loner.id}" checked' in page
    assert f'value="{p.mentee2.id}" checked' not in page
    assert db.session.execute(select(Task)).first() is None
    data["due_on"] = (date.today() + timedelta(days=5)).isoformat()
    assert client.post(f"/studios/{p.sid}/tasks/new", data=data).status_code == 302
    chosen = set(db.session.execute(select(Assignment.user_id)).scalars())
    assert chosen == {p.twin.id, p.loner.id}


def test_a_mentor_ticking_someone_elses_mentee_by_hand_gives_nobody_else_the_task(client, people):
    p = people
    login(client, p.backbone2)
    data = {"title": "听课记录", "description": "", "focus": "other", "deliverable": "other",
            "hours": "1", "opens_on": date.today().isoformat(),
            "due_on": (date.today() + timedelta(days=5)).isoformat(), "audience": "members",
            "audience_value": "", "members": [str(p.twin.id), str(p.new_teacher.id),
                                              str(p.outsider.id)]}
    assert client.post(f"/studios/{p.sid}/tasks/new", data=data).status_code == 302
    assert set(db.session.execute(select(Assignment.user_id)).scalars()) == {p.twin.id}


def test_a_mentor_group_split_across_two_roster_pages_says_it_continues(client, big):
    """A group of 55 runs over pages 1 and 2: page 2 opens with its heading marked 续 (in
    English "(continued)"); page 1's first group is not marked."""
    login(client, big.master)
    first, second = (text(client.get(url(big, "roster", page=n))) for n in (1, 2))
    heading = f"Group of {big.backbones[0].name}"
    assert heading in first and f"{heading} (continued)" not in first
    assert f"{heading} (continued)" in second
