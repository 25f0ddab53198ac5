"""Hostile numbers where hours and seconds are typed (issue 7, defect 3).

NaN, sNaN, infinities and 1e999 parse as decimals or floats; PostgreSQL's NUMERIC keeps
'NaN' (and the member's total becomes 'nan' for good), a signalling NaN crashed the
validators. The forms refuse them with a translated message and show what was typed, the
operations check again and round to 0.1 (half-up) before their rules, and CHECK constraints
refuse what slips past both. Runs on SQLite and, in the PostgreSQL job, on PostgreSQL.
"""
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, IntegrityError

from blueprints.hours.operations import adjust_hours, credit_hours
from blueprints.tasks.operations import assign_task
from models import HourEntry, Task
from models.case import VideoComment
from studio.errors import RuleError
from studio.extensions import db
from tests.coreloop import count, login, text
from tests.factories import make_case

HOSTILE = ["NaN", "nan", "-NaN", "sNaN", "inf", "-Infinity", "1e999", "-1e999"]
NOT_A_NUMBER = "Please enter the hours as a number, such as 2 or 1.5."


def ledger():
    return db.session.execute(select(HourEntry.amount).order_by(HourEntry.id)).scalars().all()


def adjust(client, studio, member, amount, reason="补登学时"):
    return client.post(f"/studios/{studio.id}/hours/adjust",
                       data={"member_id": str(member.id), "amount": amount, "reason": reason})


# --- the adjustment form ------------------------------------------------------------------

@pytest.mark.parametrize("amount", HOSTILE)
def test_a_non_finite_adjustment_is_refused_and_the_form_shows_what_was_typed(client, cast, amount):
    login(client, cast.master)
    response = adjust(client, cast.studio, cast.new_teacher, amount)
    assert response.status_code == 400
    page = text(response)
    assert NOT_A_NUMBER in page
    assert f'value="{amount}"' in page                      # the form, redisplayed
    assert 'value="补登学时"' in page
    assert ledger() == []
    # the total still reads as a number
    assert adjust(client, cast.studio, cast.new_teacher, "2").status_code == 302
    assert ledger() == [2.0]


def test_the_refusal_is_translated(client, cast):
    login(client, cast.master, locale="zh_CN")
    response = adjust(client, cast.studio, cast.new_teacher, "NaN")
    assert response.status_code == 400
    assert NOT_A_NUMBER not in text(response)
    assert "学时" in text(response)


@pytest.mark.parametrize("amount", ["0.04", "-0.04", "0", "0.0"])
def test_an_adjustment_that_rounds_to_zero_is_refused(client, cast, amount):
    login(client, cast.master)
    response = adjust(client, cast.studio, cast.new_teacher, amount)
    assert response.status_code == 400
    assert "The adjustment must not be zero." in text(response)
    assert ledger() == []


@pytest.mark.parametrize("amount, stored", [("0.05", 0.1), ("0.25", 0.3), ("1.04", 1.0),
                                            ("2.45", 2.5), ("199.95", 200.0)])
def test_adjustments_are_rounded_half_up_to_a_tenth(client, cast, amount, stored):
    login(client, cast.master)
    assert adjust(client, cast.studio, cast.new_teacher, amount).status_code == 302
    assert ledger() == [stored]


def test_the_limit_applies_after_rounding(client, cast):
    login(client, cast.master)
    response = adjust(client, cast.studio, cast.new_teacher, "200.05")
    assert response.status_code == 400
    assert "An adjustment is at most 200 hours." in text(response)
    assert ledger() == []


# --- the operations check again -------------------------------------------------------------

@pytest.mark.parametrize("amount", [float("nan"), float("inf"), float("-inf"), "sNaN", "NaN",
                                    "1e999", None, "abc"])
def test_adjust_hours_refuses_non_finite_amounts(app, cast, amount):
    with pytest.raises(RuleError):
        adjust_hours(cast.studio, cast.new_teacher, amount, "补登学时", cast.master)
    db.session.commit()
    assert ledger() == []


@pytest.mark.parametrize("amount", [float("nan"), "sNaN", float("inf"), 0.04, 0, 1000])
def test_credit_hours_refuses_what_is_not_a_credit(app, cast, amount):
    with pytest.raises(RuleError):
        credit_hours(cast.new_teacher, amount, "manual", cast.master, studio=cast.studio,
                     reason="补登学时")
    db.session.commit()
    assert ledger() == []


def task_data(hours):
    return dict(title="读书笔记", description="", focus="reflection", deliverable="reading_notes",
                hours=hours, opens_on=date.today(), due_on=date.today() + timedelta(days=7),
                audience="members", audience_value="")


@pytest.mark.parametrize("hours", [float("nan"), "sNaN", float("inf"), "1e999", -1, 100.05])
def test_assign_task_refuses_hours_that_are_not_finite_or_out_of_range(app, cast, hours):
    with pytest.raises(RuleError):
        assign_task(cast.studio, cast.master, task_data(hours), chosen_ids=[cast.new_teacher.id])
    db.session.rollback()
    assert count(Task) == 0


def test_assign_task_rounds_the_hours_half_up(app, cast):
    task = assign_task(cast.studio, cast.master, task_data("2.25"), chosen_ids=[cast.new_teacher.id])
    db.session.commit()
    assert db.session.get(Task, task.id).hours == 2.3


# --- the task form --------------------------------------------------------------------------

@pytest.mark.parametrize("hours", HOSTILE)
def test_a_task_with_non_finite_hours_is_refused(client, cast, hours):
    login(client, cast.master)
    data = {"title": "读书笔记", "description": "", "focus": "reflection",
            "deliverable": "reading_notes", "hours": hours,
            "opens_on": date.today().isoformat(),
            "due_on": (date.today() + timedelta(days=7)).isoformat(),
            "audience": "studio", "audience_value": ""}
    response = client.post(f"/studios/{cast.studio.id}/tasks/new", data=data)
    assert response.status_code == 400
    assert NOT_A_NUMBER in text(response)
    assert f'value="{hours}"' in text(response)
    assert count(Task) == 0


# --- video comment seconds ------------------------------------------------------------------

@pytest.mark.parametrize("second", ["NaN", "sNaN", "inf", "-inf", "1e999", "-1", "-0.5"])
def test_a_video_comment_at_a_non_finite_or_negative_second_is_refused(client, cast, second):
    case = make_case(cast.studio, cast.new_teacher, state="in_review", reviewer=cast.backbone)
    db.session.commit()
    login(client, cast.backbone)
    response = client.post(f"/studios/{cast.studio.id}/cases/{case.id}/comments",
                           data={"second": second, "dimension": "teaching_delivery",
                                 "kind": "suggestion", "body": "这里提问可以更开放。"})
    assert response.status_code == 400
    assert count(VideoComment) == 0


# --- the database refuses what slips past -------------------------------------------------

def refused(statement):
    """A CHECK or NOT NULL refuses it (IntegrityError); PostgreSQL's NUMERIC(6, 1) refuses an
    infinity before any check (DataError)."""
    with pytest.raises((IntegrityError, DataError)):
        with db.session.begin_nested():
            db.session.execute(statement)


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), 0, 1000, -1000])
def test_the_database_refuses_a_bad_hour_amount(app, cast, amount):
    refused(insert(HourEntry).values(studio_id=cast.studio.id, user_id=cast.new_teacher.id,
                                     amount=amount, source="manual", reason="x"))
    db.session.commit()
    assert ledger() == []


@pytest.mark.parametrize("hours", [float("nan"), float("inf"), -1, 1000])
def test_the_database_refuses_bad_task_hours(app, cast, hours):
    refused(insert(Task).values(studio_id=cast.studio.id, created_by_id=cast.master.id,
                                title="t", description="", description_html="", focus="other",
                                deliverable="other", hours=hours, audience="members",
                                audience_value="", opens_on=date.today(), due_on=date.today()))
    db.session.commit()
    assert count(Task) == 0


@pytest.mark.parametrize("second", [float("nan"), float("inf"), -1.0])
def test_the_database_refuses_a_bad_video_second(app, cast, second):
    case = make_case(cast.studio, cast.new_teacher, state="in_review", reviewer=cast.backbone)
    db.session.commit()
    refused(insert(VideoComment).values(case_id=case.id, version_id=case.latest.id,
                                        author_id=cast.backbone.id, second=second,
                                        dimension="teaching_delivery", kind="suggestion",
                                        body="x"))
    db.session.commit()
    assert count(VideoComment) == 0
