"""Exports of the study-hour register (学时登记) in the authority's shape, read back with
openpyxl and the csv module as an office would open them."""
import csv
import io
from datetime import datetime
from types import SimpleNamespace

from openpyxl import load_workbook

from blueprints.hours.operations import credit_hours
from models import HourEntry, Membership
from studio.extensions import db
from tests.conftest import join, login, make_user

HEADER = ["序号", "姓名", "用户名", "学校", "学科", "角色", "任务", "研训活动", "听课记录", "课程学习",
          "学时调整", "合计", "目标", "是否达标", "首次登记", "最近登记", "统计截至"]


def credit(cast, member, amount, source="task", row_id=1, reason="完成任务", when=None):
    row = None if source == "manual" else SimpleNamespace(id=row_id)
    entry = credit_hours(member, amount, source, cast.master, studio=cast.studio,
                         source_row=row, reason=reason)
    if when:
        entry.created_at = when
    db.session.commit()
    return entry


def xlsx_rows(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(response):
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf"), "Excel in China needs the UTF-8 BOM"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_master_exports_every_members_hours_by_source_against_the_target(client, cast):
    credit(cast, cast.new_teacher, 30, "task", 1, when=datetime(2026, 10, 8, 1))
    credit(cast, cast.new_teacher, 12, "activity", 2, reason="专题研讨", when=datetime(2026, 10, 20))
    credit(cast, cast.new_teacher, 4.5, "observation", 3, reason="听课", when=datetime(2026, 11, 5))
    credit(cast, cast.new_teacher, 5, "manual", reason="补登线下培训",
           when=datetime(2026, 11, 30, 17))        # 12-01 in Shanghai
    credit(cast, cast.new_teacher, -1.5, "manual", reason="重复登记", when=datetime(2026, 11, 2, 3))
    credit(cast, cast.backbone, 20, "task", 4)
    login(client, cast.master)
    sheet, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/export.xlsx"))
    assert rows[0] == HEADER
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"李骨干", "张新师"}        # the master has no target: not listed
    teacher = by_name["张新师"]
    assert teacher[2:6] == ["new_teacher", "郑州市第二中学", None, "新入职教师"]
    assert teacher[6:14] == [30, 12, 4.5, 0, 3.5, 50, 50, "是"]
    assert teacher[14].date().isoformat() == "2026-10-08"
    assert teacher[15].date().isoformat() == "2026-12-01"
    assert by_name["李骨干"][11:14] == [20, 60, "否"]
    assert [row[0] for row in rows[1:]] == [1, 2]

    table = csv_rows(client.get(f"/studios/{cast.studio.id}/hours/export.csv"))
    assert table[0] == HEADER
    row = next(r for r in table[1:] if r[1] == "张新师")
    assert row[6:14] == ["30.0", "12.0", "4.5", "0.0", "3.5", "50.0", "50", "是"]
    assert row[14:16] == ["2026-10-08", "2026-12-01"]


def test_text_that_looks_like_a_formula_stays_text(client, cast, _password_hash):
    evil = make_user("evil", '=HYPERLINK("http://evil.example","点我")', _password_hash,
                     school="+86 学校", subject="@SUM(1)")
    join(cast.studio, evil, "new_teacher")
    db.session.commit()
    credit(cast, evil, 3, "manual", reason="-2+3 补登")
    login(client, cast.master)
    sheet, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/export.xlsx"))
    index = next(i for i, row in enumerate(rows) if row[2] == "evil") + 1
    for column in "BDE":
        cell = sheet[f"{column}{index}"]
        assert cell.data_type == "s", (column, cell.value)
    assert sheet[f"B{index}"].value.startswith("=HYPERLINK")
    row = next(r for r in csv_rows(client.get(f"/studios/{cast.studio.id}/hours/export.csv"))
               if r[2] == "evil")
    assert row[1].startswith("'=HYPERLINK") and row[3] == "'+86 学校" and row[4] == "'@SUM(1)"

    login(client, evil)
    record = csv_rows(client.get(f"/studios/{cast.studio.id}/hours/{evil.id}/export.csv"))
    assert record[1][5] == "'-2+3 补登"
    assert record[1][6] == "3.0"                   # a number is a number, never quoted


def test_a_mentor_exports_their_mentees_only_and_a_new_teacher_their_own_record(
        client, cast, _password_hash):
    other = make_user("nt2", "刘新师", _password_hash)
    join(cast.studio, other, "new_teacher")
    db.session.commit()
    credit(cast, other, 8, "task", 9)
    login(client, cast.backbone)
    _, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/export.xlsx"))
    assert [row[1] for row in rows[1:]] == ["张新师"]
    assert client.get(f"/studios/{cast.studio.id}/hours/{other.id}/export.xlsx").status_code == 403

    login(client, cast.new_teacher)
    assert client.get(f"/studios/{cast.studio.id}/hours/export.csv").status_code == 403
    assert client.get(f"/studios/{cast.studio.id}/hours/{other.id}/export.csv").status_code == 403
    credit(cast, cast.new_teacher, 2, "task", 10, reason="研读课标", when=datetime(2026, 9, 9, 2))
    credit(cast, cast.new_teacher, 1, "manual", reason="补登")
    sheet, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}"
                                       "/export.xlsx"))
    assert rows[0] == ["序号", "日期", "姓名", "用户名", "来源", "说明", "学时", "登记人"]
    assert rows[1][:8] == [1, datetime(2026, 9, 9), "张新师", "new_teacher", "任务", "研读课标", 2,
                           "王名师"]
    assert rows[2][4:7] == ["学时调整", "补登", 1]
    assert rows[-1] == ["合计", 3, "目标", 50, "是否达标", "否", None, None]


def test_a_member_who_left_is_not_exported_and_the_other_studio_sees_nothing(client, cast):
    credit(cast, cast.new_teacher, 5, "task", 1)
    db.session.execute(db.update(Membership).where(Membership.user_id == cast.new_teacher.id)
                       .values(active=False))
    db.session.commit()
    login(client, cast.master)
    _, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/export.xlsx"))
    assert "张新师" not in [row[1] for row in rows]
    login(client, cast.outsider)
    assert client.get(f"/studios/{cast.studio.id}/hours/export.xlsx").status_code == 403


def test_the_register_page_offers_the_exports_to_those_who_may_use_them(client, cast):
    login(client, cast.master)
    page = client.get(f"/studios/{cast.studio.id}/hours").get_data(as_text=True)
    assert f"/studios/{cast.studio.id}/hours/export.xlsx" in page
    login(client, cast.new_teacher)
    page = client.get(f"/studios/{cast.studio.id}/hours").get_data(as_text=True)
    assert "/hours/export." not in page
    assert f"/hours/{cast.new_teacher.id}/export.xlsx" in page


def test_the_export_query_count_does_not_grow_with_the_studio(client, cast, queries,
                                                              _password_hash):
    url = f"/studios/{cast.studio.id}/hours/export.xlsx"
    login(client, cast.master)
    counts = []
    for batch in range(2):
        for n in range(15):
            user = make_user(f"m{batch}_{n}", f"成员{batch}{n}", _password_hash)
            join(cast.studio, user, "new_teacher")
            db.session.flush()
            credit_hours(user, 2, "task", cast.master, studio=cast.studio,
                         source_row=SimpleNamespace(id=1000 + batch * 100 + n))
        db.session.commit()
        with queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert db.session.query(HourEntry).count() == 30


def test_a_reversed_credit_counts_against_its_own_source(client, cast):
    """An attendance removed takes its hours back (source ``reversal``): the register's
    activity column shows what stands, the member's record shows both lines."""
    from blueprints.hours.operations import reverse_credit
    kept = credit(cast, cast.new_teacher, 2, "activity", 7, reason="专题讲座")
    taken = credit(cast, cast.new_teacher, 3, "activity", 8, reason="课堂观摩")
    reverse_credit(taken, cast.master, "签到有误，当天请假")
    db.session.commit()
    login(client, cast.master)
    _, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/export.xlsx"))
    teacher = next(row for row in rows if row[1] == "张新师")
    assert teacher[6:12] == [0, 2, 0, 0, 0, 2]
    record = csv_rows(client.get(f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}"
                                 "/export.csv"))
    assert [(r[4], r[5], r[6]) for r in record[1:4]] == [
        ("研训活动", "专题讲座", "2.0"), ("研训活动", "课堂观摩", "3.0"),
        ("撤销登记", "签到有误，当天请假", "-3.0")]
    assert kept.amount == 2


# --- issue 11: course hours ----------------------------------------------------------------------

def test_a_completed_modules_hours_appear_in_the_register_and_its_export(client, cast):
    """Studying a course module credits its hours through the ledger: the register lists the
    entry linked to its module, and the export shows it in the course column and the member's
    detail rows."""
    from blueprints.courses.operations import complete_module, progress_for
    from tests.course_factories import add_lecture, assign_course, make_course
    course = make_course(cast.master, studio=cast.studio, title="初中数学单元整体教学设计")
    lecture = add_lecture(course, cast.master, hours=1.5, title="单元整体教学概述",
                          real_video=False)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    complete_module(progress_for(lecture, cast.new_teacher, cast.studio), cast.studio)
    complete_module(progress_for(lecture, cast.new_teacher, cast.studio), cast.studio)  # once
    credit(cast, cast.new_teacher, 2, "task", 1)
    module_path = f"/studios/{cast.studio.id}/courses/{course.id}/modules/{lecture.id}"

    login(client, cast.new_teacher)
    page = client.get(f"/studios/{cast.studio.id}/hours").get_data(as_text=True)
    assert f'href="{module_path}"' in page and "单元整体教学概述" in page
    login(client, cast.master)
    page = client.get(f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}").get_data(
        as_text=True)
    assert f'href="{module_path}"' in page

    _, rows = xlsx_rows(client.get(f"/studios/{cast.studio.id}/hours/export.xlsx"))
    teacher = next(row for row in rows[1:] if row[1] == "张新师")
    assert teacher[6:12] == [2, 0, 0, 1.5, 0, 3.5]
    _, detail = xlsx_rows(client.get(
        f"/studios/{cast.studio.id}/hours/{cast.new_teacher.id}/export.xlsx"))
    course_rows = [row for row in detail[1:] if row and row[4] == "课程学习"]
    assert len(course_rows) == 1
    assert course_rows[0][5] == "初中数学单元整体教学设计 · 单元整体教学概述"
    assert course_rows[0][6] == 1.5
    table = csv_rows(client.get(f"/studios/{cast.studio.id}/hours/export.csv"))
    assert next(r for r in table[1:] if r[1] == "张新师")[9] == "1.5"
