"""Demo data for course study (在线课程学习, issue 11): the platform office's 师德 course,
adopted by the maths studio, and the master's own unit-design course, each with a lecture (the
bundled 20-second clip), a reading and a quiz; course tasks for the new teachers and the
backbone teachers; and progress made through the real operations: about 30% of the new
teachers completed the 师德 course (its hours are in the ledger), about 40% are partway (part
of the lecture watched, the position kept for resuming, a failed quiz attempt for a few), the
rest have not started. Idempotent: once the 师德 course exists nothing is added."""
import hashlib
import os
import shutil
from datetime import timedelta

from sqlalchemy import select

from models.base import utcnow
from studio.extensions import db

LECTURE = os.path.join(os.path.dirname(__file__), "demo_assets", "lecture-demo.webm")
LECTURE_SECONDS = 20.008
ETHICS = "新教师师德修养"
UNIT = "初中数学单元整体教学设计"
ETHICS_READING = """## 《中小学教师职业道德规范》要点

1. **爱国守法**：热爱祖国，热爱人民，拥护中国共产党领导。
2. **爱岗敬业**：忠诚于人民教育事业，志存高远，勤恳敬业。
3. **关爱学生**：关心爱护全体学生，尊重学生人格，平等公正对待学生。
4. **教书育人**：遵循教育规律，实施素质教育，循循善诱，诲人不倦。
5. **为人师表**：坚守高尚情操，知荣明耻，严于律己，以身作则。
6. **终身学习**：崇尚科学精神，树立终身学习理念。

> 阅读后请思考：在你的第一学期里，哪一条最难做到？为什么？"""
ETHICS_QUESTIONS = [
    ("single", "《中小学教师职业道德规范》共有几条？", ["四条", "六条", "八条", "十条"], [1]),
    ("single", "教师职业道德的核心是：", ["爱岗敬业", "关爱学生", "终身学习", "为人师表"], [1]),
    ("multiple", "以下哪些做法符合“关爱学生”？",
     ["尊重学生人格", "平等公正对待学生", "讽刺挖苦学困生", "关注学生安全"], [0, 1, 3]),
    ("single", "教师对学生实施体罚或变相体罚：", ["情节轻微可以", "经家长同意可以", "一律禁止", "视情况而定"], [2]),
    ("multiple", "“为人师表”要求教师：", ["衣着得体、语言规范", "拒绝有偿家教", "作风正派、廉洁奉公", "只关注教学成绩"],
     [0, 1, 2]),
    ("single", "“终身学习”倡导教师：", ["只学本学科知识", "拓宽知识视野，更新知识结构", "工作后不必再学习", "只参加必修培训"], [1]),
    ("single", "发现学生遭受家庭暴力，教师应当：", ["不予理会", "及时向学校报告", "自行处理", "公开批评家长"], [1]),
    ("multiple", "以下属于“教书育人”要求的是：", ["遵循教育规律", "因材施教", "以分数作为评价学生的唯一标准", "培养学生良好品行"],
     [0, 1, 3]),
]
UNIT_QUESTIONS = [
    ("single", "单元整体教学设计的起点是：", ["教材的单元内容与课程标准", "教辅资料", "考试真题", "上一届的课件"], [0]),
    ("multiple", "单元目标应当：", ["可观察、可评价", "与课时目标层层对应", "越多越好", "指向核心素养"], [0, 1, 3]),
    ("single", "“大概念”在单元设计中的作用是：", ["统领单元内容", "替代课时教学", "只用于复习课", "增加作业量"], [0]),
    ("single", "单元作业设计应当：", ["分层、有梯度", "题量越大越好", "全部来自教辅", "只布置书面作业"], [0]),
    ("multiple", "单元评价可以包括：", ["课堂观察", "表现性任务", "单元测验", "只看期末成绩"], [0, 1, 2]),
]


def _user(username):
    from models import User
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def lecture_video(user, name):
    """The bundled 20-second lecture clip, stored like any upload (by its hash)."""
    from flask import current_app

    from models.case import StoredFile
    with open(LECTURE, "rb") as handle:
        data = handle.read()
    stored = StoredFile(sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                        mimetype="video/webm", uploaded_by_id=user.id, original_name=name)
    path = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copyfile(LECTURE, path)
    db.session.add(stored)
    db.session.flush()
    return stored


def _course(author, studio, title, category, summary, modules):
    """A published course with its modules: (kind, title, hours, extra fields, questions)."""
    from models.course import Course, CourseModule, QuizQuestion
    from studio.markup import render_markdown
    course = Course(studio_id=getattr(studio, "id", None), created_by_id=author.id, title=title,
                    category=category, summary=summary, summary_html=render_markdown(summary),
                    state="published", published_at=utcnow())
    db.session.add(course)
    for position, (kind, name, hours, fields, questions) in enumerate(modules):
        module = CourseModule(course=course, kind=kind, title=name, hours=hours,
                              position=position, **fields)
        db.session.add(module)
        for number, (qkind, prompt, options, answer) in enumerate(questions):
            module.questions.append(QuizQuestion(position=number, kind=qkind, prompt=prompt,
                                                 options=options, answer=answer))
    db.session.flush()
    return course


def seed_courses(studio):
    from blueprints.tasks import operations as tasks
    from models.course import Course, CourseAdoption
    from studio.demo import demo_pdf
    from studio.markup import render_markdown

    if db.session.execute(select(Course.id).where(Course.title == ETHICS)).first():
        return False
    admin, master = _user("admin"), _user("master")
    lecture = dict(duration_seconds=LECTURE_SECONDS)
    ethics = _course(admin, None, ETHICS, "师德", "省项目办统一开设的新入职教师师德修养课程。", [
        ("lecture", "师德规范解读", 1, dict(lecture, video_id=lecture_video(
            admin, "师德规范解读.webm").id), []),
        ("reading", "《中小学教师职业道德规范》导读", 0.5,
         dict(body=ETHICS_READING, body_html=render_markdown(ETHICS_READING), min_seconds=60), []),
        ("quiz", "师德规范测验", 0.5, dict(draw_count=5, pass_mark=80, max_attempts=3),
         ETHICS_QUESTIONS)])
    db.session.add(CourseAdoption(studio_id=studio.id, course_id=ethics.id,
                                  adopted_by_id=master.id))
    pdf = demo_pdf(master, "单元整体教学设计模板.pdf",
                   ["Unit design template", "1. Unit goals", "2. Key questions", "3. Assessment"])
    db.session.flush()
    unit = _course(master, studio, UNIT, "学科教学", "工作室自建课程：以“一元一次方程”单元为例，学习单元整体教学设计。", [
        ("lecture", "单元整体教学设计概述", 1, dict(lecture, video_id=lecture_video(
            master, "单元整体教学设计概述.webm").id), []),
        ("reading", "单元整体教学设计模板（PDF）", 0.5, dict(document_id=pdf.id, min_seconds=60), []),
        ("quiz", "单元设计小测", 0.5, dict(draw_count=0, pass_mark=80, max_attempts=3),
         UNIT_QUESTIONS)])
    from studio.dates import studio_today
    day = studio_today(studio)

    def assign(title, course, audience_value, due_in, module_ids=()):
        return tasks.assign_task(studio, master, dict(
            title=title, description="按时完成课程学习，学时由各模块记入学时登记。", focus="other",
            deliverable="course", hours=0, audience="role", audience_value=audience_value,
            opens_on=day, due_on=day + timedelta(days=due_in), course_id=course.id,
            module_ids=list(module_ids)))
    ethics_task = assign("学习《新教师师德修养》", ethics, "new_teacher", 5)
    assign("学习《初中数学单元整体教学设计》", unit, "new_teacher", 30)
    assign("骨干教师：单元整体教学设计（讲座与模板）", unit, "backbone", 14,
           [m.id for m in unit.modules if m.kind != "quiz"])
    teachers = sorted((a.user for a in ethics_task.assignments), key=lambda u: u.username)
    done, partway = teachers[:len(teachers) * 3 // 10], teachers[len(teachers) * 3 // 10:
                                                                  len(teachers) * 7 // 10]
    for user in done:
        for module in ethics.modules:
            _finish(module, user, studio)
    for number, user in enumerate(partway):
        _partway(ethics.modules, user, studio, watched=4.0 + (number % 8) * 1.5,
                 failed_quiz=number % 5 == 0)
    for user in done[:8]:
        _finish(unit.modules[0], user, studio)
    for backbone in (_user("backbone01"), _user("backbone02")):
        for module in unit.modules[:2]:
            _finish(module, backbone, studio)
    return True


def _finish(module, user, studio):
    """Study ``module`` to the end and complete it through ``complete_module`` (its hours to
    the ledger once, the course tasks it finishes completed)."""
    from blueprints.courses.operations import complete_module, progress_for
    progress = progress_for(module, user, studio)
    if module.kind == "lecture":
        progress.covered, progress.covered_seconds = [[0.0, module.duration_seconds]], \
            module.duration_seconds
        progress.position, progress.last_report_at = module.duration_seconds, utcnow()
    elif module.kind == "reading":
        progress.opened_at = utcnow() - timedelta(seconds=module.min_seconds + 30)
    else:
        _attempt(module, user, studio, passed=True)
    complete_module(progress, studio)


def _partway(modules, user, studio, watched, failed_quiz):
    """Part of the lecture watched (resumes at ``watched`` seconds), the reading opened; a
    failed quiz attempt for a few."""
    from blueprints.courses.operations import progress_for
    lecture, reading, quiz = modules
    progress = progress_for(lecture, user, studio)
    progress.covered, progress.covered_seconds = [[0.0, watched]], watched
    progress.position, progress.last_report_at = watched, utcnow()
    progress_for(reading, user, studio).opened_at = utcnow()
    if failed_quiz:
        progress_for(quiz, user, studio)
        _attempt(quiz, user, studio, passed=False)


def _attempt(quiz, user, studio, passed):
    """An attempt through the quiz's own operations (drawn, handed in, graded): every answer
    right when ``passed``, else only the first two, so it fails the 80% mark."""
    from werkzeug.datastructures import MultiDict

    from blueprints.courses.quiz_operations import drawn_questions, start_attempt, submit_attempt
    attempt = start_attempt(quiz, user, studio)
    answers = MultiDict()
    for i, (qid, question) in enumerate(drawn_questions(attempt)):
        chosen = question.answer if passed or i < 2 else [len(question.options) - 1]
        for index in chosen:
            answers.add(f"q{qid}", str(index))
    return submit_attempt(attempt, user, studio, answers)
