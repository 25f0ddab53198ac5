"""Each rule lives in one model method with its query twin beside it; lists and pages agree.

For every kind a thread can be about, and for tasks, a list shows exactly what the page lets
the same person open, for every viewer of the named cast and a few more.
"""
import re

import pytest

from tests.conftest import join, login, make_user, mentor
from tests.factories import make_activity, make_case, make_task
from models import Task, Thread
from models.thread import SUBJECT_KINDS, subject_models
from studio.extensions import db
from blueprints.threads.operations import start_thread


@pytest.fixture
def people(cast, _password_hash):
    """The cast plus a second new teacher in studio A with no task, and a second backbone
    teacher with a mentee of their own."""
    cast.bystander = make_user("bystander", "周旁观", _password_hash)
    cast.backbone2 = make_user("backbone2", "孙骨干", _password_hash)
    cast.mentee2 = make_user("mentee2", "吴新师", _password_hash)
    join(cast.studio, cast.bystander, "new_teacher")
    join(cast.studio, cast.backbone2, "backbone")
    join(cast.studio, cast.mentee2, "new_teacher")
    mentor(cast.studio, cast.backbone2, cast.mentee2)
    db.session.commit()
    return cast


VIEWERS = ("admin", "master", "backbone", "backbone2", "new_teacher", "mentee2", "bystander",
           "outsider", "other_master")


def _thread_about(studio, author, kind, subject):
    thread = start_thread(studio, author, f"讨论 {kind} {getattr(subject, 'id', '')}", "正文",
                          kind, getattr(subject, "id", None))
    db.session.commit()
    return thread


# --- defect 1: the leak ----------------------------------------------------------------------

def test_thread_about_a_task_is_closed_to_members_the_task_refuses(people, client):
    """An unassigned new teacher gets 403 on a task and on its thread, and does not see the
    thread listed or found by search."""
    task = make_task(people.studio, people.master, [people.new_teacher], deliverable="reflection",
                     title="阅读《给教师的建议》")
    db.session.commit()
    thread = _thread_about(people.studio, people.master, "task", task)
    base = f"/studios/{people.studio.id}"

    login(client, people.bystander)
    assert client.get(f"{base}/tasks/{task.id}").status_code == 403
    assert client.get(f"{base}/threads/{thread.id}").status_code == 403
    assert client.get(f"{base}/threads/about/task/{task.id}").status_code == 403
    listing = client.get(f"{base}/threads").get_data(as_text=True)
    assert thread.title not in listing
    assert thread.title not in client.get(f"{base}/threads?q=讨论").get_data(as_text=True)

    login(client, people.new_teacher)  # the assignee
    assert client.get(f"{base}/threads/{thread.id}").status_code == 200
    assert thread.title in client.get(f"{base}/threads").get_data(as_text=True)
    login(client, people.backbone)  # the assignee's mentor follows the task
    assert client.get(f"{base}/threads/{thread.id}").status_code == 200
    login(client, people.backbone2)  # another group's mentor does not
    assert client.get(f"{base}/tasks/{task.id}").status_code == 403
    assert client.get(f"{base}/threads/{thread.id}").status_code == 403


def test_reply_to_a_hidden_thread_is_refused_and_not_stored(people, client):
    task = make_task(people.studio, people.master, [people.new_teacher], deliverable="reflection")
    db.session.commit()
    thread = _thread_about(people.studio, people.master, "task", task)
    login(client, people.bystander)
    response = client.post(f"/studios/{people.studio.id}/threads/{thread.id}/reply",
                           data={"body": "我也来说两句"})
    assert response.status_code == 403
    assert db.session.get(Thread, thread.id).post_count == 1


def test_every_subject_kind_has_a_model_with_both_halves_of_its_rule():
    models = subject_models()
    assert set(models) | {"studio"} == set(SUBJECT_KINDS)
    for model in models.values():
        assert callable(getattr(model, "can_view")) and callable(getattr(model, "visible_to"))


def test_a_thread_about_an_unknown_or_foreign_subject_is_seen_by_nobody(people):
    foreign = make_task(people.other_studio, people.other_master, [people.outsider])
    db.session.commit()
    thread = Thread(studio=people.studio, author_id=people.master.id, title="错挂的讨论",
                    subject_type="task", subject_id=foreign.id)
    odd = Thread(studio=people.studio, author_id=people.master.id, title="未知类型",
                 subject_type="nonsense", subject_id=1)
    db.session.add_all([thread, odd])
    db.session.commit()
    for name in VIEWERS:
        user = getattr(people, name)
        assert not thread.can_view(user) and not odd.can_view(user)
        ids = set(db.session.execute(Thread.visible_to(people.studio, user)
                                     .with_only_columns(Thread.id)).scalars())
        assert thread.id not in ids and odd.id not in ids


# --- lists equal pages -----------------------------------------------------------------------

CASE_STATES = ("draft", "submitted", "in_review", "changes_requested", "resubmitted", "approved",
               "recommended")


def _world(people):
    """Tasks, cases in every state and activities, each with a thread about it, plus a studio
    thread."""
    c = people
    tasks = [
        make_task(c.studio, c.master, [c.new_teacher], deliverable="reflection", title="任务一"),
        make_task(c.studio, c.master, [c.mentee2, c.backbone], deliverable="reflection",
                  title="任务二"),
        make_task(c.studio, c.backbone, [c.new_teacher], deliverable="reflection", title="任务三"),
        make_task(c.studio, c.master, [], deliverable="reflection", title="任务四"),
    ]
    cases = []
    for state in CASE_STATES:
        cases.append(make_case(c.studio, c.new_teacher, state=state, reviewer=c.backbone,
                               title=f"新师课例 {state}"))
        cases.append(make_case(c.studio, c.backbone, state=state, reviewer=c.master,
                               kind="excellent", title=f"骨干课例 {state}"))
    activities = [
        make_activity(c.studio, c.master, [c.new_teacher], title="活动一"),
        make_activity(c.studio, c.backbone, [c.new_teacher], title="活动二", mode="online"),
        make_activity(c.studio, c.master, [c.backbone, c.mentee2], title="活动三"),
        make_activity(c.studio, c.master, [], title="活动四"),
    ]
    db.session.commit()
    threads = [_thread_about(c.studio, c.master, "studio", None)]
    threads += [_thread_about(c.studio, c.master, "task", t) for t in tasks]
    threads += [_thread_about(c.studio, c.master, "case", k) for k in cases]
    threads += [_thread_about(c.studio, c.master, "activity", a) for a in activities]
    return tasks, cases, threads


@pytest.mark.parametrize("viewer", VIEWERS)
def test_lists_equal_can_view_for_every_viewer(people, viewer):
    tasks, cases, threads = _world(people)
    user = getattr(people, viewer)
    for model, rows in ((Task, tasks), (Thread, threads)):
        listed = set(db.session.execute(model.visible_to(people.studio, user)
                                        .with_only_columns(model.id)).scalars())
        allowed = {row.id for row in rows if row.can_view(user)}
        assert listed == allowed, (model.__name__, viewer)
    for kind, model in subject_models().items():
        listed = set(db.session.execute(model.visible_to(people.studio, user)
                                        .with_only_columns(model.id)).scalars())
        rows = db.session.execute(db.select(model).where(model.studio_id == people.studio.id))
        assert listed == {r.id for r in rows.scalars() if r.can_view(user)}, (kind, viewer)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_task_and_thread_pages_agree_with_their_lists(people, client, viewer):
    tasks, _cases, threads = _world(people)
    user = getattr(people, viewer)
    login(client, user)
    base = f"/studios/{people.studio.id}"
    task_page = client.get(f"{base}/tasks")
    if not people.studio.can_view(user):
        assert task_page.status_code == 403
        return
    listed = set(map(int, re.findall(r"/tasks/(\d+)\"", task_page.get_data(as_text=True))))
    for task in tasks:
        status = client.get(f"{base}/tasks/{task.id}").status_code
        assert (status == 200) == (task.id in listed) == task.can_view(user), (task.title, viewer)
    thread_page = client.get(f"{base}/threads").get_data(as_text=True)
    listed = set(map(int, re.findall(r"/threads/(\d+)\"", thread_page)))
    for thread in threads:
        status = client.get(f"{base}/threads/{thread.id}").status_code
        assert (status == 200) == (thread.id in listed) == thread.can_view(user), \
            (thread.title, viewer)


# --- taking part ------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer, expected", [
    ("admin", 403), ("master", 302), ("backbone", 302), ("new_teacher", 302), ("outsider", 403)])
def test_members_take_part_in_threads_the_office_reads_them(people, client, viewer, expected):
    """The project office reads every studio's threads but does not post in them: the same
    rule (Studio.can_take_part) as in the live room."""
    thread = _thread_about(people.studio, people.master, "studio", None)
    login(client, getattr(people, viewer))
    base = f"/studios/{people.studio.id}/threads"
    reply = client.post(f"{base}/{thread.id}/reply", data={"body": "学习了"})
    assert reply.status_code == expected
    started = client.post(f"{base}/new", data={"title": "新话题", "body": "正文"})
    assert started.status_code == expected
    page = client.get(f"{base}/{thread.id}")
    assert page.status_code == (403 if viewer == "outsider" else 200)
    if viewer == "admin":
        assert 'id="reply"' not in page.get_data(as_text=True)


# --- labels live in studio/labels.py ----------------------------------------------------------

def test_every_notification_kind_sent_has_a_translated_label():
    """Each kind passed to notify() anywhere is a declared kind with a label."""
    import pathlib

    from models.notification import KINDS
    from studio.labels import NOTIFICATION_LABELS
    root = pathlib.Path(__file__).resolve().parent.parent
    sent = set()
    for path in (root / "blueprints").rglob("*.py"):
        sent |= set(re.findall(r"notify\([^,]+,\s*\"(\w+)\"", path.read_text()))
    assert sent and sent <= set(KINDS)
    assert set(KINDS) == set(NOTIFICATION_LABELS)


def test_mention_notification_and_member_picker_read_in_chinese(people, client):
    login(client, people.master)
    client.post(f"/studios/{people.studio.id}/threads/new",
                data={"title": "听课心得", "body": "@new_teacher 请看看这节课"})
    login(client, people.new_teacher)
    bell = client.get("/notifications").get_data(as_text=True)
    shown = re.sub(r"<[^>]+>", " ", bell)     # what the reader sees (not option values)
    assert "mentioned" not in shown and "听课心得" in shown
    login(client, people.master)
    picker = client.get(f"/studios/{people.studio.id}/tasks/new").get_data(as_text=True)
    shown = re.sub(r"<[^>]+>", " ", picker)
    assert "张新师" in shown and "新入职教师" in shown and "new teacher" not in shown.lower()


def test_notification_links_are_built_in_one_place_and_open_for_their_reader(people, client):
    """link_for builds every link, also outside a request (a scheduled job), and each one
    opens for the person notified."""
    from blueprints.notifications.operations import link_for, notify
    from models import Notification
    task = make_task(people.studio, people.master, [people.new_teacher], deliverable="reflection")
    case = make_case(people.studio, people.new_teacher, state="submitted", reviewer=people.backbone)
    thread = _thread_about(people.studio, people.master, "studio", None)
    assert link_for(task) == f"/studios/{people.studio.id}/tasks/{task.id}"
    assert link_for(thread, "p3") == f"/studios/{people.studio.id}/threads/{thread.id}#p3"
    notify([people.new_teacher], "task_assigned", task, actor=people.master)
    notify([people.backbone], "case_submitted", case, actor=people.new_teacher)
    notify([people.new_teacher], "mentioned", thread, actor=people.master, anchor="p1")
    db.session.commit()
    for row in db.session.execute(db.select(Notification)).scalars():
        login(client, db.session.get(type(people.master), row.user_id))
        assert client.get(row.link.split("#")[0]).status_code == 200, row.link
