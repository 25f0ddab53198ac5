"""Quizzes (issue 11, part C): drawing an attempt, grading it, the hours of a pass (once), the
attempt limit, answers hidden until the last attempt or a pass, forged hand-ins."""
import types

import pytest
from sqlalchemy import func, select

from models import HourEntry
from models.course import ModuleProgress, QuizAttempt, QuizQuestion
from studio.extensions import db
from tests.conftest import login, login_en, page_text
from tests.course_factories import add_quiz, assign_course, make_course


@pytest.fixture
def quiz(cast):
    """The studio's course with a 5-question quiz (1 h, pass mark 80, 2 attempts) assigned to
    the new teacher by a course task."""
    course = make_course(cast.master, studio=cast.studio)
    module = add_quiz(course, hours=1, questions=5, max_attempts=2)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    db.session.commit()
    return types.SimpleNamespace(course=course, module=module, studio=cast.studio)


def quiz_url(q, tail=""):
    return f"/studios/{q.studio.id}/courses/{q.course.id}/modules/{q.module.id}/quiz{tail}"


def start(client, q):
    response = client.post(quiz_url(q, "/attempts"))
    assert response.status_code == 302, page_text(response)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def answers_for(attempt_id, right=True, wrong_count=0):
    """The form of a hand-in: the right answers, the first ``wrong_count`` questions wrong."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    data = {}
    for n, qid in enumerate(attempt.question_ids):
        question = db.session.get(QuizQuestion, qid)
        chosen = question.answer if right and n >= wrong_count else [2]
        data[f"q{qid}"] = [str(i) for i in chosen]
    return data


def hours_of(user):
    return db.session.execute(select(func.coalesce(func.sum(HourEntry.amount), 0)).where(
        HourEntry.user_id == user.id, HourEntry.source == "course")).scalar()


def submit(client, q, attempt_id, data):
    return client.post(quiz_url(q, f"/attempts/{attempt_id}/submit"), data=data)


def test_pass_credits_hours_once_and_shows_the_score(client, cast, quiz):
    login_en(client, cast.new_teacher)
    page = page_text(client.get(quiz_url(quiz)))
    assert "Pass mark: 80 points" in page and "Attempts: 0 of 2 used" in page
    assert "Not credited yet" in page
    attempt_id = start(client, quiz)
    response = submit(client, quiz, attempt_id, answers_for(attempt_id))
    assert response.status_code == 302
    result = page_text(client.get(response.headers["Location"]))
    assert "100 points" in result and "Passed" in result
    assert "1.0 study hours credited" in result or "1 study hours credited" in result
    assert hours_of(cast.new_teacher) == 1
    progress = db.session.execute(select(ModuleProgress).where(
        ModuleProgress.module_id == quiz.module.id)).scalar_one()
    assert progress.completed_at is not None
    # a passed quiz: no new attempt, no second credit, the answers are shown
    response = client.post(quiz_url(quiz, "/attempts"))
    assert response.status_code == 409 and "passed this quiz already" in page_text(response)
    assert submit(client, quiz, attempt_id, answers_for(attempt_id)).status_code == 409
    assert hours_of(cast.new_teacher) == 1
    assert "Correct answer" in result and "关爱学生是教师的天职" in result
    assert "Credited" in page_text(client.get(quiz_url(quiz)))


def test_fail_then_pass_on_the_second_attempt(client, cast, quiz):
    login_en(client, cast.new_teacher)
    first = start(client, quiz)
    response = submit(client, quiz, first, answers_for(first, wrong_count=2))   # 3 of 5: 60
    assert response.status_code == 302
    result = page_text(client.get(response.headers["Location"]))
    assert "60 points" in result and "Not passed" in result
    assert "3 of 5 right" in result
    assert result.count("Wrong") == 2 and result.count("Right") >= 3
    # answers hidden while an attempt is left
    assert "Correct answer" not in result and "关爱学生是教师的天职" not in result
    assert "shown once you pass" in result
    assert hours_of(cast.new_teacher) == 0
    second = start(client, quiz)
    assert second != first
    assert db.session.get(QuizAttempt, second).number == 2
    submit(client, quiz, second, answers_for(second, wrong_count=1))         # 4 of 5: 80 = pass
    attempt = db.session.get(QuizAttempt, second)
    assert attempt.score == 80 and attempt.passed
    assert hours_of(cast.new_teacher) == 1


def test_retries_up_to_the_limit_then_refused_and_answers_shown(client, cast, quiz):
    login_en(client, cast.new_teacher)
    for n in (1, 2):
        attempt_id = start(client, quiz)
        submit(client, quiz, attempt_id, {})   # nothing answered: every question wrong
        assert db.session.get(QuizAttempt, attempt_id).score == 0
    response = client.post(quiz_url(quiz, "/attempts"))
    assert response.status_code == 409 and "used all 2 attempts" in page_text(response)
    assert db.session.execute(select(func.count(QuizAttempt.id))).scalar() == 2
    page = page_text(client.get(quiz_url(quiz)))
    assert "used all 2 attempts" in page and 'data-testid="start-attempt"' not in page
    result = page_text(client.get(quiz_url(quiz, f"/attempts/{attempt_id}")))
    assert "Correct answer" in result and "关爱学生是教师的天职" in result   # the last attempt used
    assert "Not answered" in result
    assert hours_of(cast.new_teacher) == 0


def test_the_draw_count_order_and_resume(client, cast):
    course = make_course(cast.master, studio=cast.studio)
    module = add_quiz(course, questions=10, draw_count=4, max_attempts=5)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    db.session.commit()
    q = types.SimpleNamespace(course=course, module=module, studio=cast.studio)
    login(client, cast.new_teacher)
    first = start(client, q)
    assert start(client, q) == first            # an unfinished attempt is resumed
    drawn = db.session.get(QuizAttempt, first).question_ids
    bank = {question.id for question in module.questions}
    assert len(drawn) == 4 and len(set(drawn)) == 4 and set(drawn) <= bank
    page = client.get(quiz_url(q, f"/attempts/{first}")).get_data(as_text=True)
    assert page.count('data-testid="question"') == 4
    positions = [page.index(f'name="q{qid}"') for qid in drawn]
    assert positions == sorted(positions)       # shown in the stored (drawn) order
    orders = set()
    for _n in range(4):
        submit(client, q, first, {})
        first = start(client, q)
        orders.add(tuple(db.session.get(QuizAttempt, first).question_ids))
    assert len(orders) > 1                      # drawn at random each time


def test_a_draw_bigger_than_the_bank_takes_all(client, cast):
    course = make_course(cast.master, studio=cast.studio)
    module = add_quiz(course, questions=3, draw_count=10)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    db.session.commit()
    q = types.SimpleNamespace(course=course, module=module, studio=cast.studio)
    login(client, cast.new_teacher)
    assert len(db.session.get(QuizAttempt, start(client, q)).question_ids) == 3


@pytest.mark.parametrize("forge", ["other_question", "bad_option", "negative", "text", "float",
                                   "huge", "two_for_single", "stray_field", "unicode_digit"])
def test_forged_hand_ins_change_nothing(client, cast, quiz, forge):
    login_en(client, cast.new_teacher)
    attempt_id = start(client, quiz)
    data = answers_for(attempt_id)
    qid = db.session.get(QuizAttempt, attempt_id).question_ids[0]
    other = add_quiz(quiz.course, questions=1).questions[0].id
    db.session.commit()
    single = next(k for k, v in data.items() if len(v) == 1)
    forged = {"other_question": {f"q{other}": "0"}, "bad_option": {f"q{qid}": "7"},
              "negative": {f"q{qid}": "-1"}, "text": {f"q{qid}": "A"},
              "float": {f"q{qid}": "0.0"}, "huge": {f"q{qid}": "9" * 40},
              "two_for_single": {single: ["0", "1"]}, "stray_field": {"score": "100"},
              "unicode_digit": {f"q{qid}": "٠"}}[forge]
    response = submit(client, quiz, attempt_id, {**data, **forged})
    assert response.status_code == 400, response.status_code
    assert "<h1" in page_text(response)
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.submitted_at is None and attempt.score is None and attempt.answers is None
    assert hours_of(cast.new_teacher) == 0


def test_nul_byte_is_refused(client, cast, quiz):
    login_en(client, cast.new_teacher)
    attempt_id = start(client, quiz)
    qid = db.session.get(QuizAttempt, attempt_id).question_ids[0]
    response = submit(client, quiz, attempt_id, {f"q{qid}": "0\x00"})
    assert response.status_code == 400 and "NUL" in page_text(response)
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None


def test_another_users_attempt_cannot_be_read_or_submitted(client, cast, quiz):
    assign_course(cast.studio, cast.master, [cast.backbone], quiz.course)
    db.session.commit()
    login(client, cast.new_teacher)
    attempt_id = start(client, quiz)
    for user in (cast.backbone, cast.master):
        login(client, user)
        assert client.get(quiz_url(quiz, f"/attempts/{attempt_id}")).status_code == 403
        assert submit(client, quiz, attempt_id, answers_for(attempt_id)).status_code == 403
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None
    # the backbone, assigned too, gets an attempt of their own
    login(client, cast.backbone)
    assert start(client, quiz) != attempt_id


def test_who_may_take_the_quiz(client, cast, quiz):
    """Not assigned: the page says so and starting is refused; the office reads only; another
    studio's member or office never sees it."""
    login_en(client, cast.backbone)
    page = page_text(client.get(quiz_url(quiz)))
    assert "not assigned to you" in page and 'data-testid="start-attempt"' not in page
    response = client.post(quiz_url(quiz, "/attempts"))
    assert response.status_code == 409 and "not assigned to you" in page_text(response)
    login_en(client, cast.office)
    page = page_text(client.get(quiz_url(quiz)))
    assert "only the studio members it is assigned to take it" in page
    assert "Edit the question bank" in page      # the overseeing office may edit the course
    assert client.post(quiz_url(quiz, "/attempts")).status_code == 403
    for user in (cast.outsider, cast.other_office):
        login(client, user)
        assert client.get(quiz_url(quiz)).status_code == 403
        assert client.post(quiz_url(quiz, "/attempts")).status_code == 403
    login(client, None)
    assert client.get(quiz_url(quiz)).status_code == 302
    assert db.session.execute(select(func.count(QuizAttempt.id))).scalar() == 0


def test_edit_link_only_for_editors(client, cast, quiz):
    login_en(client, cast.master)
    assert "Edit the question bank" in page_text(client.get(quiz_url(quiz)))
    login_en(client, cast.new_teacher)
    assert "Edit the question bank" not in page_text(client.get(quiz_url(quiz)))


def test_a_draft_course_quiz_cannot_be_started(client, cast, quiz):
    quiz.course.state = "draft"
    db.session.commit()
    login(client, cast.new_teacher)
    assert client.get(quiz_url(quiz)).status_code == 403
    assert client.post(quiz_url(quiz, "/attempts")).status_code == 403


def test_a_lecture_is_not_a_quiz(client, cast, quiz):
    from tests.course_factories import add_lecture
    lecture = add_lecture(quiz.course, cast.master, real_video=False)
    db.session.commit()
    login(client, cast.new_teacher)
    url = f"/studios/{quiz.studio.id}/courses/{quiz.course.id}/modules/{lecture.id}/quiz"
    assert client.get(url).status_code == 404
    assert client.post(url + "/attempts").status_code == 404


def test_an_empty_bank_is_refused_with_a_message(client, cast):
    course = make_course(cast.master, studio=cast.studio)
    module = add_quiz(course, questions=0)
    assign_course(cast.studio, cast.master, [cast.new_teacher], course)
    db.session.commit()
    login_en(client, cast.new_teacher)
    q = types.SimpleNamespace(course=course, module=module, studio=cast.studio)
    response = client.post(quiz_url(q, "/attempts"))
    assert response.status_code == 409 and "no questions yet" in page_text(response)


def test_a_pass_completes_the_course_task(client, cast, quiz):
    from models import Assignment
    login(client, cast.new_teacher)
    attempt_id = start(client, quiz)
    submit(client, quiz, attempt_id, answers_for(attempt_id))
    assignment = db.session.execute(select(Assignment).where(
        Assignment.user_id == cast.new_teacher.id)).scalar_one()
    assert assignment.state == "completed"


def test_the_quiz_page_in_chinese(client, cast, quiz):
    login(client, cast.new_teacher)
    page = page_text(client.get(quiz_url(quiz)))
    assert "及格" in page and "开始" in page


def test_an_attempt_is_not_graded_once_the_task_is_gone(client, cast, quiz):
    from models import Task
    login_en(client, cast.new_teacher)
    attempt_id = start(client, quiz)
    db.session.delete(db.session.execute(select(Task)).scalar_one())
    db.session.commit()
    response = submit(client, quiz, attempt_id, answers_for(attempt_id))
    assert response.status_code == 409 and "no longer assigned" in page_text(response)
    assert db.session.get(QuizAttempt, attempt_id).submitted_at is None
    assert hours_of(cast.new_teacher) == 0


def test_a_hand_in_that_lost_the_race_changes_nothing(client, cast, quiz):
    """Two hand-ins at once: the second finds the attempt graded by the first (simulated by
    grading it behind the session's back) and is refused."""
    from sqlalchemy import update
    login_en(client, cast.new_teacher)
    attempt_id = start(client, quiz)
    data = answers_for(attempt_id)
    from blueprints.courses import quiz_operations
    real = quiz_operations.parse_answers

    def graded_meanwhile(attempt, form):
        answers = real(attempt, form)
        db.session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id).values(
            submitted_at=attempt.started_at, score=0, passed=False, answers={}, right_ids=[]))
        return answers

    quiz_operations.parse_answers = graded_meanwhile
    try:
        response = submit(client, quiz, attempt_id, data)
    finally:
        quiz_operations.parse_answers = real
    assert response.status_code == 409
    assert hours_of(cast.new_teacher) == 0
