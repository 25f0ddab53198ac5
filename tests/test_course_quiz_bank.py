"""The question bank (issue 11, part C): who edits it (studio course: the master and the
overseeing office; office course: the office), the question rules, and graded attempts that
keep their score when a question is changed or deleted."""
import types

import pytest
from sqlalchemy import func, select

from models.course import QuizAttempt, QuizQuestion
from studio.extensions import db
from tests.conftest import login, login_en, page_text
from tests.course_factories import add_quiz, adopt, assign_course, make_course


@pytest.fixture
def bank(cast):
    course = make_course(cast.master, studio=cast.studio)
    module = add_quiz(course, questions=2)
    db.session.commit()
    base = f"/studios/{cast.studio.id}/courses/{course.id}/modules/{module.id}/questions"
    return types.SimpleNamespace(course=course, module=module, url=base)


def question(**overrides):
    data = {"kind": "single", "prompt": "教师职业道德的核心是什么？",
            "options-0": "爱岗敬业", "options-1": "关爱学生", "options-2": "", "options-3": "为人师表",
            "correct": ["1"], "explanation": "关爱学生是师德的灵魂。"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count_questions(module):
    return db.session.execute(select(func.count(QuizQuestion.id)).where(
        QuizQuestion.module_id == module.id)).scalar()


def test_the_master_adds_a_question(client, cast, bank):
    login(client, cast.master)
    page = page_text(client.get(bank.url))
    assert page.count('data-testid="bank-question"') == 2
    response = client.post(bank.url, data=question())
    assert response.status_code == 302
    added = bank.module.questions[-1]
    assert added.prompt == "教师职业道德的核心是什么？"
    assert added.options == ["爱岗敬业", "关爱学生", "为人师表"]    # the empty slot is dropped
    assert added.answer == [1] and added.kind == "single"
    assert added.explanation == "关爱学生是师德的灵魂。"
    assert "教师职业道德的核心是什么" in page_text(client.get(bank.url))


def test_a_multiple_choice_question_with_a_gap(client, cast, bank):
    login(client, cast.master)
    client.post(bank.url, data=question(kind="multiple", correct=["0", "3"]))
    added = bank.module.questions[-1]
    assert added.options == ["爱岗敬业", "关爱学生", "为人师表"] and added.answer == [0, 2]


@pytest.mark.parametrize("overrides,message", [
    ({"prompt": "   "}, "Please enter the question."),
    ({"options-1": "", "options-3": "", "correct": ["0"]}, "at least two options"),
    ({"correct": None}, "Mark at least one correct option."),
    ({"correct": ["0", "1"]}, "exactly one correct option"),
    ({"correct": ["2"]}, "A correct option must have a text."),
    ({"correct": ["9"]}, "Mark the correct options"),
    ({"correct": ["x"]}, "Mark the correct options"),
    ({"kind": "essay"}, "Not a valid choice"),
    ({"prompt": "长" * 2001}, "too long"),
    ({"options-0": "长" * 501}, "too long"),
])
def test_the_question_rules(client, cast, bank, overrides, message):
    login_en(client, cast.master)
    response = client.post(bank.url, data=question(**overrides))
    assert response.status_code == 400
    assert message in page_text(response)
    assert count_questions(bank.module) == 2


def test_a_refused_question_keeps_what_was_typed(client, cast, bank):
    login_en(client, cast.master)
    response = client.post(bank.url, data=question(correct=None))
    assert "教师职业道德的核心是什么？" in page_text(response) and "为人师表" in page_text(response)


def test_nul_byte_in_a_question_is_refused(client, cast, bank):
    login_en(client, cast.master)
    response = client.post(bank.url, data=question(prompt="题\x00目"))
    assert response.status_code == 400 and "NUL" in page_text(response)
    assert count_questions(bank.module) == 2


def test_edit_and_delete_keep_graded_attempts(client, cast, bank):
    assign_course(cast.studio, cast.master, [cast.new_teacher], bank.course)
    db.session.commit()
    first, second = bank.module.questions
    attempt_url = bank.url.replace("/questions", "/quiz")
    login(client, cast.new_teacher)
    response = client.post(attempt_url + "/attempts")
    attempt_id = int(response.headers["Location"].split("/")[-1])
    client.post(f"{attempt_url}/attempts/{attempt_id}/submit",
                data={f"q{first.id}": "0", f"q{second.id}": "2"})   # first right, second wrong
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.score == 50 and attempt.right_ids == [first.id]

    login_en(client, cast.master)
    form = client.get(f"{bank.url}/{first.id}/edit").get_data(as_text=True)
    assert "第1题" in form and 'value="关爱学生"' in form
    response = client.post(f"{bank.url}/{first.id}/edit", data=question(
        prompt="改过的题目", correct=["3"]))
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.prompt == "改过的题目" and first.answer == [2]
    response = client.post(f"{bank.url}/{second.id}/delete")
    assert response.status_code == 302 and count_questions(bank.module) == 1

    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.score == 50 and attempt.right_ids == [first.id]
    login_en(client, cast.new_teacher)
    result = page_text(client.get(f"{attempt_url}/attempts/{attempt_id}"))
    assert "50 points" in result and "This question has been deleted." in result
    assert result.count(">Right<") == 1 and result.count(">Wrong<") == 1
    login(client, cast.new_teacher)
    assert "该题已删除" in page_text(client.get(f"{attempt_url}/attempts/{attempt_id}"))


def test_who_edits_a_studio_bank(client, cast, bank):
    qid = bank.module.questions[0].id
    for user, status in ((cast.master, 200), (cast.office, 200), (cast.admin, 200),
                         (cast.backbone, 403), (cast.new_teacher, 403), (cast.outsider, 403),
                         (cast.other_office, 403)):
        login(client, user)
        assert client.get(bank.url).status_code == status, user.username
        assert client.get(f"{bank.url}/{qid}/edit").status_code == status, user.username
        expected = 302 if status == 200 else status
        if expected == 302:
            continue
        assert client.post(bank.url, data=question()).status_code == status
        assert client.post(f"{bank.url}/{qid}/delete").status_code == status
    login(client, None)
    assert client.get(bank.url).status_code == 302
    assert count_questions(bank.module) == 2


def test_a_question_of_another_quiz_is_not_found(client, cast, bank):
    other = add_quiz(bank.course, questions=1)
    db.session.commit()
    login(client, cast.master)
    qid = other.questions[0].id
    assert client.get(f"{bank.url}/{qid}/edit").status_code == 404
    assert client.post(f"{bank.url}/{qid}/delete").status_code == 404
    assert count_questions(other) == 1


def test_the_office_edits_its_course_bank_not_through_a_studio(client, cast):
    course = make_course(cast.admin, title="新教师师德修养")
    module = add_quiz(course, questions=2)
    adopt(cast.studio, course, cast.master)
    db.session.commit()
    office_url = f"/admin/courses/{course.id}/modules/{module.id}/questions"
    studio_url = f"/studios/{cast.studio.id}/courses/{course.id}/modules/{module.id}/questions"
    login(client, cast.admin)
    assert client.get(office_url).status_code == 200
    assert client.post(office_url, data=question()).status_code == 302
    assert count_questions(module) == 3
    qid = module.questions[0].id
    assert client.post(f"{office_url}/{qid}/edit", data=question(prompt="新题干")).status_code == 302
    assert client.post(f"{office_url}/{qid}/delete").status_code == 302
    assert count_questions(module) == 2
    # the adopting studio's master reads the course but does not edit the office's bank
    login(client, cast.master)
    assert client.get(office_url).status_code == 403
    assert client.get(studio_url).status_code == 404
    # a city office may not edit the platform office's course
    login(client, cast.office)
    assert client.get(office_url).status_code == 403


def test_a_city_office_edits_its_own_course(client, cast):
    course = make_course(cast.office, region=cast.city, title="班级管理专题")
    module = add_quiz(course, questions=1)
    db.session.commit()
    url = f"/admin/courses/{course.id}/modules/{module.id}/questions"
    for user, status in ((cast.office, 200), (cast.admin, 200), (cast.other_office, 403)):
        login(client, user)
        assert client.get(url).status_code == status, user.username


def test_a_lecture_has_no_bank(client, cast, bank):
    from tests.course_factories import add_lecture
    lecture = add_lecture(bank.course, cast.master, real_video=False)
    db.session.commit()
    login(client, cast.master)
    url = bank.url.replace(f"/modules/{bank.module.id}/", f"/modules/{lecture.id}/")
    assert client.get(url).status_code == 404


# --- importing questions from a file ---------------------------------------------------------
CSV_HEADER = "题型,题干,选项A,选项B,选项C,选项D,答案,解析\n"
GOOD_ROWS = ("单选,班主任工作的核心是什么？,管理纪律,育人,考试,收费,B,班主任以育人为本。\n"
             "多选,下列属于师德规范的有,爱国守法,爱岗敬业,有偿补课,关爱学生,\"A,B,D\",\n")


def upload(client, url, data, name="questions.csv"):
    import io
    return client.post(url + "/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def xlsx_bytes(rows):
    import io

    from openpyxl import Workbook
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_import_a_csv(client, cast, bank, encoding):
    login(client, cast.master)
    response = upload(client, bank.url, (CSV_HEADER + GOOD_ROWS).encode(encoding))
    assert response.status_code == 302
    first, second = bank.module.questions[-2:]
    assert (first.kind, first.options[1], first.answer) == ("single", "育人", [1])
    assert first.explanation == "班主任以育人为本。"
    assert (second.kind, second.answer) == ("multiple", [0, 1, 3])


def test_import_an_xlsx_in_the_office_bank(client, cast):
    course = make_course(cast.admin, title="新教师师德修养")
    module = add_quiz(course, questions=0)
    db.session.commit()
    login(client, cast.admin)
    data = xlsx_bytes([["题干", "选项A", "选项B", "选项C", "答案"],
                       ["教师应当尊重学生人格吗？", "应当", "不必", "", "a"]])
    response = upload(client, f"/admin/courses/{course.id}/modules/{module.id}/questions",
                      data, "题库.xlsx")
    assert response.status_code == 302
    assert [(q.kind, q.options, q.answer) for q in module.questions] == [
        ("single", ["应当", "不必"], [0])]


@pytest.mark.parametrize("body,message", [
    (CSV_HEADER + "单选,题目,甲,乙,,,C,\n", "Row 2: A correct option must have a text."),
    (CSV_HEADER + "单选,题目,甲,乙,,,AB,\n", "Row 2: A single-choice question has exactly one"),
    (CSV_HEADER + "判断,题目,甲,乙,,,A,\n", "Row 2: the type must be"),
    (CSV_HEADER + "单选,,甲,乙,,,A,\n", "Row 2: Please enter the question."),
    (CSV_HEADER + "单选,题目,甲,,,,A,\n", "Row 2: A question needs at least two options."),
    (CSV_HEADER + "单选,题目,甲,乙,,,Z,\n", "Row 2: the answer must be option letters"),
    (CSV_HEADER + GOOD_ROWS + "单选,题目,甲,乙,,,,\n", "Row 4: Mark at least one correct"),
    ("题干,答案\n题目,A\n", "must name the columns"),
    (CSV_HEADER, "has no questions"),
])
def test_a_bad_row_imports_nothing(client, cast, bank, body, message):
    login_en(client, cast.master)
    response = upload(client, bank.url, body.encode("utf-8"))
    assert response.status_code == 400
    assert message in page_text(response)
    assert count_questions(bank.module) == 2


@pytest.mark.parametrize("data,name", [
    (b"", "empty.csv"), (b"PK\x03\x04not a zip at all", "broken.xlsx"),
    (b"\xff\xfe\x00\x00garbage\x00", "binary.csv"),
    (("题干,选项A,选项B,答案\n题\x00目,甲,乙,A\n").encode(), "nul.csv"),
    (b"x" * (2 * 1024 * 1024 + 10), "huge.csv"),
])
def test_hostile_files_are_refused(client, cast, bank, data, name):
    login_en(client, cast.master)
    response = upload(client, bank.url, data, name)
    assert response.status_code == 400
    assert 'data-testid="import-error"' in response.get_data(as_text=True)
    assert count_questions(bank.module) == 2


def test_only_editors_import(client, cast, bank):
    for user in (cast.backbone, cast.new_teacher, cast.outsider, cast.other_office):
        login(client, user)
        response = upload(client, bank.url, (CSV_HEADER + GOOD_ROWS).encode())
        assert response.status_code == 403
    assert count_questions(bank.module) == 2


def test_import_problems_in_chinese(client, cast, bank):
    login(client, cast.master)
    response = upload(client, bank.url, (CSV_HEADER + "单选,题目,甲,乙,,,Z,\n").encode("gb18030"))
    assert response.status_code == 400
    assert "第 2 行：答案须为选项字母" in page_text(response)
