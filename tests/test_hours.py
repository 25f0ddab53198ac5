"""The study-hour ledger (学时登记): a completed task credits its hours once; a master's
manual adjustment needs a written reason; totals are shown against the studio's targets."""
import re

import pytest
from sqlalchemy import select

from blueprints.hours.operations import credit_hours
from blueprints.tasks.operations import credit_assignment
from models import CaseTransition, HourEntry, LessonCase
from studio.extensions import db
from tests.coreloop import count, login, section, text
from tests.factories import make_case, make_task

RUBRIC = {"learner_analysis_score": "4", "lesson_design_score": "5",
          "teaching_delivery_score": "4", "reflection_score": "3"}


def ledger(user=None):
    stmt = select(HourEntry).order_by(HourEntry.id)
    if user is not None:
        stmt = stmt.where(HourEntry.user_id == user.id)
    return db.session.execute(stmt).scalars().all()


def test_completing_twice_credits_once(client, cast):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection",
                     hours=4)
    assignment = task.assignments[0]
    assignment.state = "submitted"
    db.session.commit()
    url = f"/studios/{cast.studio.id}/tasks/{task.id}/assignments/{assignment.id}/decide"
    login(client, cast.master)
    assert ledger() == []
    assert client.post(url, data={"decision": "complete"}).status_code == 302
    second = client.post(url, data={"decision": "complete"})
    assert second.status_code == 409
    assert "already completed" in text(second)
    entries = ledger()
    assert [(e.user_id, e.amount, e.source, e.source_id, e.created_by_id) for e in entries] == [
        (cast.new_teacher.id, 4.0, "task", assignment.id, cast.master.id)]


def test_credit_assignment_called_twice_writes_one_row(app, cast):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection",
                     hours=2.5)
    assignment = task.assignments[0]
    db.session.commit()
    first = credit_assignment(assignment, cast.master)
    second = credit_assignment(assignment, cast.master)
    db.session.commit()
    assert first is not None and second.id == first.id
    assert [(e.amount, e.source, e.source_id) for e in ledger()] == [(2.5, "task", assignment.id)]


# --- credit_hours: the one place that writes the ledger -------------------------------------

def test_credit_hours_for_the_same_source_row_is_written_once(app, cast):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection")
    assignment = task.assignments[0]
    db.session.commit()
    entries = [credit_hours(cast.new_teacher, 3, "task", cast.master, studio=cast.studio,
                            source_row=assignment, reason="重试") for _ in range(3)]
    db.session.commit()
    assert len({e.id for e in entries}) == 1
    assert [(e.amount, e.source, e.source_id, e.user_id) for e in ledger()] == [
        (3.0, "task", assignment.id, cast.new_teacher.id)]


def test_a_repeat_keeps_the_rest_of_the_transaction(app, cast):
    """The savepoint undoes only the duplicate row, not the caller's other changes."""
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection")
    assignment = task.assignments[0]
    credit_hours(cast.new_teacher, 3, "task", cast.master, studio=cast.studio,
                 source_row=assignment)
    db.session.commit()
    assignment.feedback = "很好"
    credit_hours(cast.new_teacher, 3, "task", cast.master, studio=cast.studio,
                 source_row=assignment)
    db.session.commit()
    db.session.expire_all()
    assert assignment.feedback == "很好" and len(ledger()) == 1


def test_a_credit_committed_by_another_process_is_not_repeated(app, cast):
    """Another session (another process) credits first: ours finds the row, adds none."""
    from sqlalchemy.orm import Session

    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection")
    assignment = task.assignments[0]
    db.session.commit()
    with Session(db.engine) as other:
        other.execute(HourEntry.__table__.insert().values(
            studio_id=cast.studio.id, user_id=cast.new_teacher.id, amount=3, source="task",
            source_id=assignment.id, reason="", created_at=assignment.updated_at))
        other.commit()
    entry = credit_hours(cast.new_teacher, 3, "task", cast.master, studio=cast.studio,
                         source_row=assignment)
    db.session.commit()
    assert entry.source_id == assignment.id and len(ledger()) == 1


def test_the_database_refuses_a_second_credit_for_one_source_row(app, cast):
    from sqlalchemy.exc import IntegrityError

    row = dict(studio_id=cast.studio.id, user_id=cast.new_teacher.id, amount=3,
               source="activity", source_id=7, reason="")
    db.session.execute(HourEntry.__table__.insert().values(**row))
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(HourEntry.__table__.insert().values(**row))
    # the same row may credit another member, and manual entries have no source row
    db.session.execute(HourEntry.__table__.insert().values(**{**row, "user_id": cast.backbone.id}))
    for _ in range(2):
        credit_hours(cast.new_teacher, 1, "manual", cast.master, studio=cast.studio,
                     reason="补登")
    db.session.commit()
    assert len(ledger()) == 4


def test_a_manual_credit_needs_a_reason_and_other_sources_a_source_row(app, cast):
    from studio.errors import RuleError

    with pytest.raises(RuleError):
        credit_hours(cast.new_teacher, 1, "manual", cast.master, studio=cast.studio, reason=" ")
    with pytest.raises(ValueError):
        credit_hours(cast.new_teacher, 1, "task", cast.master, studio=cast.studio)
    with pytest.raises(ValueError):
        credit_hours(cast.new_teacher, 1, "gift", cast.master, studio=cast.studio, reason="x")
    with pytest.raises(RuleError):     # only an adjustment subtracts
        credit_hours(cast.new_teacher, -1, "activity", cast.master, studio=cast.studio,
                     source_row=cast.studio)
    db.session.commit()
    assert ledger() == []


def test_only_credit_hours_creates_hour_entries():
    """Every credit goes through credit_hours: no other module builds an HourEntry."""
    import pathlib
    import re as re_

    root = pathlib.Path(__file__).resolve().parent.parent
    builders = []
    for path in root.glob("[!.]*/**/*.py"):
        if "tests" in path.parts or ".venv" in path.parts or "migrations" in path.parts:
            continue
        if re_.search(r"(?<!class )\bHourEntry\(", path.read_text(encoding="utf-8")):
            builders.append(str(path.relative_to(root)))
    assert builders == ["blueprints/hours/operations.py"]


def test_a_task_without_hours_credits_nothing(app, cast):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection",
                     hours=0)
    assert credit_assignment(task.assignments[0], cast.master) is None
    db.session.commit()
    assert ledger() == []


def test_approving_a_case_for_a_lesson_case_task_completes_it_and_credits_once(client, cast):
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="lesson_case",
                     hours=6)
    assignment = task.assignments[0]
    case = make_case(cast.studio, cast.new_teacher, state="draft", assignment=assignment)
    db.session.commit()
    base = f"/studios/{cast.studio.id}/cases/{case.id}"

    login(client, cast.new_teacher)
    assert client.post(f"{base}/submit").status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "submitted" and ledger() == []

    login(client, cast.backbone)
    assert client.get(base).status_code == 200            # opens the review
    response = client.post(f"{base}/review", data={**RUBRIC, "overall": "规范。",
                                                   "verdict": "approve"})
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.state == "completed"
    assert [(e.user_id, e.amount, e.source, e.created_by_id) for e in ledger()] == [
        (cast.new_teacher.id, 6.0, "task", cast.backbone.id)]
    # approving again is refused and credits nothing
    again = client.post(f"{base}/review", data={**RUBRIC, "overall": "", "verdict": "approve"})
    assert again.status_code == 409
    # the master's recommendation does not credit again either
    login(client, cast.master)
    assert client.post(f"{base}/recommend", data={"reason": "示范"}).status_code == 302
    assert db.session.get(LessonCase, case.id).state == "recommended"
    assert len(ledger()) == 1
    # and the setter cannot complete it a second time by hand
    url = f"/studios/{cast.studio.id}/tasks/{task.id}/assignments/{assignment.id}/decide"
    assert client.post(url, data={"decision": "complete"}).status_code == 409
    assert len(ledger()) == 1


def test_a_lesson_case_task_is_not_completed_by_hand(client, cast):
    """Its hours come from an approved case: the setter cannot complete it without one."""
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="lesson_case",
                     hours=6)
    assignment = task.assignments[0]
    db.session.commit()
    login(client, cast.master)
    url = f"/studios/{cast.studio.id}/tasks/{task.id}/assignments/{assignment.id}/decide"
    response = client.post(url, data={"decision": "complete"})
    assert response.status_code == 409
    db.session.refresh(assignment)
    assert assignment.state == "assigned" and ledger() == []
    assert count(CaseTransition) == 0


# --- manual adjustments -----------------------------------------------------------------------

def adjust(client, studio, member, amount, reason):
    return client.post(f"/studios/{studio.id}/hours/adjust",
                       data={"member_id": str(member.id), "amount": str(amount), "reason": reason})


@pytest.mark.parametrize("reason", ["", "   ", "x"])
def test_an_adjustment_without_a_reason_is_refused(client, cast, reason):
    login(client, cast.master)
    response = adjust(client, cast.studio, cast.new_teacher, 5, reason)
    assert response.status_code == 400
    assert "Please write the reason for the adjustment." in text(response)
    assert ledger() == []


def test_an_adjustment_with_a_reason_is_kept_with_who_made_it(client, cast):
    login(client, cast.master)
    response = adjust(client, cast.studio, cast.new_teacher, 5, "参加省级培训，补登学时")
    assert response.status_code == 302
    (entry,) = ledger()
    assert (entry.user_id, entry.amount, entry.source, entry.reason, entry.created_by_id) == (
        cast.new_teacher.id, 5.0, "manual", "参加省级培训，补登学时", cast.master.id)
    page = text(client.get(response.headers["Location"]))
    row = section(page, "ledger", "</table>")
    assert "+5.0" in row and "参加省级培训，补登学时" in row and "王名师" in row
    # the member sees the same entry
    login(client, cast.new_teacher)
    mine = text(client.get(f"/studios/{cast.studio.id}/hours"))
    assert "参加省级培训，补登学时" in mine and "王名师" in mine


def test_subtracting_below_zero_is_refused(client, cast):
    login(client, cast.master)
    assert adjust(client, cast.studio, cast.new_teacher, 3, "补登").status_code == 302
    response = adjust(client, cast.studio, cast.new_teacher, -4, "误登更正")
    assert response.status_code == 400
    assert "The total cannot go below zero." in text(response)
    assert [e.amount for e in ledger()] == [3.0]
    assert adjust(client, cast.studio, cast.new_teacher, -3, "误登更正").status_code == 302
    assert [e.amount for e in ledger()] == [3.0, -3.0]


@pytest.mark.parametrize("who", ["backbone", "new_teacher", "outsider"])
def test_only_the_master_adjusts_hours(client, cast, who):
    login(client, getattr(cast, who))
    assert adjust(client, cast.studio, cast.new_teacher, 5, "补登学时").status_code == 403
    assert ledger() == []


def test_hours_of_someone_outside_the_studio_are_not_adjusted(client, cast):
    login(client, cast.master)
    assert adjust(client, cast.studio, cast.outsider, 5, "补登学时").status_code == 400
    assert ledger() == []


# --- totals against targets -------------------------------------------------------------------

def credit(studio, user, amount, actor):
    credit_hours(user, amount, "manual", actor, studio=studio, reason="测试")


def my_figures(client, studio):
    page = text(client.get(f"/studios/{studio.id}/hours"))
    figures = section(page, "my-hours")
    return re.search(r'data-testid="hours-total">([\d.]+)</strong> / (\d+)', figures).groups()


def test_totals_are_shown_against_the_targets(client, cast):
    credit(cast.studio, cast.new_teacher, 12, cast.master)
    credit(cast.studio, cast.new_teacher, 0.5, cast.master)
    credit(cast.studio, cast.backbone, 61, cast.master)
    credit(cast.other_studio, cast.new_teacher, 30, cast.master)   # another studio's hours
    db.session.commit()
    login(client, cast.new_teacher)
    assert my_figures(client, cast.studio) == ("12.5", "50")
    login(client, cast.backbone)
    assert my_figures(client, cast.studio) == ("61.0", "60")
    login(client, cast.master)
    page = text(client.get(f"/studios/{cast.studio.id}/hours"))
    rows = dict(re.findall(r">([^<>]+)</a></td><td>[^<]+</td>\s*<td>([^<]+</td><td>[^<]+)</td>",
                           page))
    assert rows["张新师"] == "12.5</td><td>50"
    assert rows["李骨干"] == "61.0</td><td>60 ✓"


def test_targets_are_configured_per_studio(client, cast):
    cast.studio.hours_target_new_teacher = 40
    cast.studio.hours_target_backbone = 72
    credit(cast.studio, cast.new_teacher, 40, cast.master)
    db.session.commit()
    login(client, cast.new_teacher)
    assert my_figures(client, cast.studio) == ("40.0", "40")
    login(client, cast.backbone)
    assert my_figures(client, cast.studio) == ("0.0", "72")
    login(client, cast.master)
    page = text(client.get(f"/studios/{cast.studio.id}/hours"))
    assert "40.0</td><td>40 ✓" in page


def test_a_mentor_sees_their_mentees_hours_but_not_others(client, cast):
    credit(cast.studio, cast.new_teacher, 7, cast.master)
    db.session.commit()
    login(client, cast.backbone)
    page = text(client.get(f"/studios/{cast.studio.id}/hours"))
    assert "张新师" in page and "7.0" in page
    assert client.get(f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}").status_code == 200
    login(client, cast.new_teacher)
    assert client.get(f"/studios/{cast.studio.id}/hours/{cast.backbone.id}").status_code == 403
    login(client, cast.outsider)
    assert client.get(f"/studios/{cast.studio.id}/hours").status_code == 403


def test_each_ledger_line_links_to_the_record_that_credited_it(client, cast, queries):
    """A task's credit links to the task, an attendance's to the activity (and so does the
    line taking it back); a manual adjustment has no record to link to. The number of
    statements does not grow with the number of lines."""
    from blueprints.activities import operations as activities
    from blueprints.hours.operations import reverse_credit
    from tests.factories import make_activity
    task = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection",
                     hours=2, title="读书心得")
    credit_assignment(task.assignments[0], cast.master)
    activity = make_activity(cast.studio, cast.master, [cast.new_teacher], hours=3)
    attendance = activities.mark_attendance(activity, cast.new_teacher, cast.master, "现场核对")
    credit_hours(cast.new_teacher, 1, "manual", cast.master, studio=cast.studio, reason="补登")
    db.session.commit()
    url = f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}"
    login(client, cast.master)
    client.get(url)                                      # the session as after any page
    with queries() as few:
        page = text(client.get(url))
    assert f'href="/studios/{cast.studio.id}/tasks/{task.id}"' in page
    activity_link = f'href="/studios/{cast.studio.id}/activities/{activity.id}"'
    assert page.count(activity_link) == 1
    ledger = page[page.index('data-testid="ledger"'):page.index("</table>", page.index('data-testid="ledger"'))]
    assert ledger.count("<a ") == 2                      # the adjustment links nowhere
    credit = db.session.execute(select(HourEntry).where(
        HourEntry.source == "activity", HourEntry.source_id == attendance.id)).scalar_one()
    reverse_credit(credit, cast.master, "签到有误")
    for n in range(3):
        more = make_task(cast.studio, cast.master, [cast.new_teacher], deliverable="reflection",
                         hours=1, title=f"任务{n}")
        credit_assignment(more.assignments[0], cast.master)
    db.session.commit()
    client.get(url)
    with queries() as many:
        page = text(client.get(url))
    assert page.count(activity_link) == 2                # the line taking it back links too
    assert many.count == few.count
