"""The demo studio loaded by ``flask seed-demo``: realistic Chinese names and schools,
deterministic so every newcomer sees the same studio."""
import hashlib
import os
import random
import shutil
from datetime import date, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import MentorGroup, MentorGroupMember, Membership, Studio, User
from studio.extensions import db

DEMO_PASSWORD = "demo12345"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("思远 雨桐 子涵 浩然 欣怡 梓萱 俊杰 诗琪 宇航 佳怡 明轩 雅婷 志强 晓燕 建华 丽娟 文博 婉清 "
         "天宇 若曦 家豪 梦瑶 嘉怡 一鸣 书瑶 铭泽 静怡 博文 艺涵 晨曦 海燕 春梅 国庆 秀英 立新 红霞 "
         "永刚 慧敏 德华 淑芬 振宇 晓东 佩玲 雪梅 俊峰 玉兰 宏伟 彩霞 卫东 美玲").split()
SCHOOLS = ["郑州市第一中学", "郑州市第八中学", "郑州外国语学校", "郑州市第四十七中学", "郑州市实验中学",
           "河南省实验中学", "郑州市第二中学", "郑州市第五十七中学", "郑州枫杨外国语学校",
           "郑州市第七十三中学", "郑州市中原区伏牛路学校", "郑州市金水区实验中学", "中牟县第一初级中学",
           "新郑市第三中学", "荥阳市第五中学", "登封市嵩阳中学"]
SCHOOLS_YW = ["洛阳市西工区凯旋路小学", "洛阳市东方第二小学", "洛阳市实验小学", "洛阳市涧西区天津路小学"]


def _names(rng, n):
    seen, names = set(), []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _studio(spec, password_hash, rng, schools, prefix, backbones, per_mentor):
    studio = db.session.execute(select(Studio).where(Studio.name == spec["name"])).scalar_one_or_none()
    if studio is not None:
        return studio, False
    studio = Studio(**spec)
    db.session.add(studio)
    names = _names(rng, 1 + backbones + backbones * per_mentor)

    def person(username, name, role):
        user = User(username=username, name=name, password_hash=password_hash, is_demo=True,
                    school=rng.choice(schools), subject=spec["subject"],
                    phone="1" + "".join(rng.choice("3456789") for _ in range(2))
                    + "".join(rng.choice("0123456789") for _ in range(8)))
        db.session.add(user)
        db.session.add(Membership(studio=studio, user=user, role=role))
        return user

    person(f"{prefix}master", names[0], "master")
    number = 0
    for b in range(1, backbones + 1):
        mentor = person(f"{prefix}backbone{b:02d}", names[b], "backbone")
        group = MentorGroup(studio=studio, mentor=mentor)
        db.session.add(group)
        for _ in range(per_mentor):
            number += 1
            mentee = person(f"{prefix}teacher{number:03d}", names[backbones + number], "new_teacher")
            db.session.add(MentorGroupMember(group=group, mentee=mentee, reason="初始分组"))
    return studio, True


def seed_demo():
    """Create the demo studios once; a second run changes nothing. Returns what it did."""
    rng = random.Random(2021)
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    created = []
    if db.session.execute(select(User).where(User.username == "admin")).scalar_one_or_none() is None:
        db.session.add(User(username="admin", name="省项目办管理员", password_hash=password_hash,
                            is_admin=True, is_demo=True, school="河南省教育厅教师教育处"))
        created.append("admin")
    _, made = _studio(dict(name="初中数学名师网络工作室", subject="数学", school_stage="junior",
                           cycle_start=date(2026, 9, 1),
                           cycle_end=date(2029, 7, 31), status="active"),
                      password_hash, rng, SCHOOLS, "", backbones=10, per_mentor=8)
    if made:
        created.append("初中数学名师网络工作室")
    _, made = _studio(dict(name="小学语文名师网络工作室", subject="语文", school_stage="primary",
                           cycle_start=date(2026, 9, 1),
                           cycle_end=date(2029, 7, 31), status="preparing"),
                      password_hash, rng, SCHOOLS_YW, "yw_", backbones=2, per_mentor=3)
    if made:
        created.append("小学语文名师网络工作室")
    db.session.flush()
    math = db.session.execute(select(Studio).where(Studio.name == "初中数学名师网络工作室")).scalar_one()
    from studio.demo_regions import seed_regions
    if seed_regions(password_hash):
        created.append("regions and their offices")
    if seed_core_loop(math):
        created.append("tasks and lesson cases")
    from studio.demo_courses import seed_courses
    if seed_courses(math):
        created.append("online courses and course study")
    if seed_discussion(math):
        created.append("threads and live discussion")
    if seed_observations_and_plans(math):
        created.append("lesson observations and growth plans")
    if seed_research(math):
        created.append("research projects")
    if seed_activities(math):
        created.append("study activities")
    from studio.demo_assessment import seed_assessment
    if seed_assessment(math):
        created.append("annual assessment")
    from studio.demo_briefings import seed_briefings
    if seed_briefings(math):
        created.append("work briefings")
    from studio.demo_certification import seed_certification
    if seed_certification():
        created.append("certification")
    from studio.demo_showcase import seed_showcase
    if seed_showcase(math):
        created.append("showcase of excellent lesson cases")
    from studio.demo_dashboard import seed_dashboard
    if seed_dashboard(password_hash):
        created.append("studios for the office's dashboard")
    db.session.commit()
    return created


DEMO_LOGINS = [
    ("admin", "项目办管理员 / project office"),
    ("zz_office", "郑州市教育局 / city office, sees the studios of 郑州市"),
    ("jinshui_office", "金水区教育局 / county office, sees the studios of 金水区"),
    ("master", "名师 / master teacher, 初中数学名师网络工作室"),
    ("backbone01 … backbone10", "骨干教师 / backbone teachers"),
    ("teacher001 … teacher080", "新入职教师 / new teachers"),
    ("yw_master, yw_teacher001", "另一个工作室 / a second, smaller studio"),
    ("wl_master, xs_master, yy_master, hx_master, zz_master",
     "五个较小的工作室 / five smaller studios, for the office's dashboard"),
]


# --- the core loop: tasks, hours, lesson cases in every state ------------------------------
DEMO_VIDEO = os.path.join(os.path.dirname(__file__), "demo_assets", "classroom-demo.webm")

REFLECTION = """本节课以“行程问题”为载体，引导学生用一元一次方程解决实际问题。

**成功之处**：学生能借助线段图分析相遇问题中的等量关系。

**不足之处**：追及问题的讲解时间偏紧，部分学生列方程时仍有困难。下次将增加小组合作的时间。"""
DESIGN = """## 教学目标
1. 能借助线段图分析行程问题中的等量关系；
2. 会列一元一次方程解决相遇、追及问题。

## 学情分析
七年级学生已掌握一元一次方程的解法，但从实际问题中抽象等量关系的能力较弱。

## 教学过程
- 情境引入（5分钟）
- 例题探究（15分钟）
- 小组合作（12分钟）
- 课堂小结与作业（8分钟）"""


def demo_video(user):
    """The bundled one-minute classroom clip, stored like any upload (by its hash)."""
    from flask import current_app

    from models.case import StoredFile
    with open(DEMO_VIDEO, "rb") as handle:
        data = handle.read()
    sha = hashlib.sha256(data).hexdigest()
    stored = StoredFile(sha256=sha, size=len(data), mimetype="video/webm", uploaded_by_id=user.id,
                        original_name="七年级数学-行程问题-课堂实录.webm")
    path = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copyfile(DEMO_VIDEO, path)
    db.session.add(stored)
    return stored


def _user(username):
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def seed_core_loop(studio):
    """Tasks with hours and lesson cases in every state, once per studio."""
    from blueprints.cases import operations as cases
    from blueprints.hours import operations as hours
    from blueprints.tasks import operations as tasks
    from models.task import Task

    if db.session.execute(select(Task.id).where(Task.studio_id == studio.id)).first():
        return False
    today = date.today()
    master, mentor = _user("master"), _user("backbone01")
    plan = tasks.assign_task(studio, master, dict(
        title="制定个人三年成长规划", description="结合《新入职教师培训指南》，写出三年成长目标与措施。",
        focus="other", deliverable="growth_plan", hours=4, audience="studio", audience_value="",
        opens_on=today, due_on=today + timedelta(days=14)))
    lesson = tasks.assign_task(studio, master, dict(
        title="提交一份规范课教学课例", description="包括**教学设计**、**课堂教学实录**和**教学反思**三部分。",
        focus="lesson_design", deliverable="lesson_case", hours=10, audience="role",
        audience_value="new_teacher", opens_on=today, due_on=today + timedelta(days=30)))
    reading = tasks.assign_task(studio, mentor, dict(
        title="阅读《给教师的建议》并撰写读书笔记", description="每人不少于1500字。",
        focus="reflection", deliverable="reading_notes", hours=3, audience="group",
        audience_value=str(studio.group_of_mentor(mentor).id), opens_on=today,
        due_on=today + timedelta(days=7)))
    db.session.flush()
    reading.opens_on, reading.due_on = today - timedelta(days=21), today - timedelta(days=3)
    for assignment in plan.assignments[:30]:
        tasks.submit_assignment(assignment, assignment.user, "三年目标：站稳讲台、形成风格……")
        if assignment.user.username < "teacher020":
            tasks.complete_assignment(assignment, master, "规划清晰，措施具体。")
    for assignment in reading.assignments[:4]:
        tasks.submit_assignment(assignment, assignment.user, "读书笔记：苏霍姆林斯基谈……")
    hours.adjust_hours(studio, _user("teacher010"), 2, "参加市级教研活动（线下），补登学时", master)

    video = demo_video(mentor)
    db.session.flush()
    by_user = {a.user.username: a for a in lesson.assignments}
    plan_states = ["draft", "submitted", "in_review", "changes_requested", "resubmitted",
                   "approved", "recommended"]
    for number, state in enumerate(plan_states, start=1):
        author = _user(f"teacher{number:03d}")
        case = cases.create_case(studio, author, dict(
            kind="standard", title=f"一元一次方程的应用——行程问题（{author.name}）", subject="数学",
            grade="七年级", topic="行程问题"), by_user[author.username])
        cases.update_parts(case, author, {}, DESIGN, REFLECTION, None, video)
        if state == "draft":
            continue
        cases.submit_case(case, author)
        if state == "submitted":
            continue
        cases.open_for_review(case, mentor)
        cases.add_video_comment(case, mentor, 12.0, "teaching_delivery", "strength",
                                "情境引入自然，学生兴趣被调动起来了。")
        cases.add_video_comment(case, mentor, 31.5, "lesson_design", "suggestion",
                                "这里可以先让学生画线段图，再列方程。")
        if state == "in_review":
            continue
        rubric = {"learner_analysis_score": 4, "learner_analysis_comment": "学情把握准确。",
                  "lesson_design_score": 3, "lesson_design_comment": "追及问题的设计可再细化。",
                  "teaching_delivery_score": 4, "teaching_delivery_comment": "节奏较好。",
                  "reflection_score": 4, "reflection_comment": "反思具体。"}
        cases.review_case(case, mentor, rubric, "请补充追及问题的分层练习，再提交。", "request_changes")
        if state == "changes_requested":
            continue
        cases.update_parts(case, author, {}, DESIGN + "\n\n## 分层练习\n- A组：……\n- B组：……",
                           None, None, None)
        cases.submit_case(case, author, "已补充分层练习。")
        if state == "resubmitted":
            continue
        rubric.update(lesson_design_score=5, lesson_design_comment="分层练习设计合理。")
        cases.review_case(case, mentor, rubric, "修改到位，同意通过。", "approve")
        if state == "recommended":
            cases.recommend_case(case, master, "设计完整、反思深入，推荐为优秀课例。")
    excellent = cases.create_case(studio, mentor, dict(
        kind="excellent", title="函数的概念（优秀课例）", subject="数学", grade="八年级", topic="函数"))
    cases.update_parts(excellent, mentor, {}, DESIGN, REFLECTION, None, video)
    cases.submit_case(excellent, mentor)
    return True


def seed_discussion(studio):
    """Reflection threads and some live-room history, once per studio."""
    from blueprints.chat import operations as chat
    from blueprints.threads import operations as threads
    from models.thread import Thread

    if db.session.execute(select(Thread.id).where(Thread.studio_id == studio.id)).first():
        return False
    master, mentor = _user("master"), _user("backbone01")
    t1 = threads.start_thread(studio, _user("teacher003"), "第一次公开课后的反思",
                              "这次课最大的问题是**时间分配**：探究环节用了20分钟，练习没有做完。\n\n"
                              "请 @backbone01 老师帮我看看，怎样压缩导入环节？")
    threads.add_post(t1, mentor, "导入可以直接用学生熟悉的情境，3分钟以内。另外建议把分层作业放到课后。")
    threads.add_post(t1, _user("teacher005"), "我也遇到过类似的问题，后来用计时器提醒自己，效果不错。")
    t2 = threads.start_thread(studio, master, "本学期教研主题：作业设计与减负",
                              "各位老师：本学期围绕“双减”背景下的**分层作业设计**开展研讨。\n\n"
                              "1. 每位新入职教师设计一份单元作业；\n2. 骨干教师负责组内评议；\n"
                              "3. 第八周举行专题研讨。")
    threads.add_post(t2, _user("backbone02"), "收到。我们组计划先从“一次函数”单元做起。")
    db.session.flush()
    room = f"studio:{studio.id}"
    lines = [("master", "各位老师好，今晚八点在线研讨，请大家提前阅读研讨帖。"),
             ("backbone01", "好的，我们组已经准备了两个课例片段。"),
             ("teacher001", "请问需要提前上传教学设计吗？"),
             ("master", "需要，今天下班前上传到课例里即可。")]
    for number, (username, body) in enumerate(lines, start=1):
        chat.post_message(studio, room, _user(username), f"demo-{number}", body)
    return True


def seed_activities(studio):
    """A term of study activities (研训活动): past ones with check-ins, leave and a hand
    mark, an online seminar with its room, one on site today with check-in open, and coming
    ones with answers. Times are relative to the moment of seeding."""
    from blueprints.activities import operations as act
    from blueprints.chat import operations as chat
    from models.activity import Activity
    from studio.dates import studio_now

    # A studio seeded before activities existed has only its seminars, migrated to online
    # activities (migration 52e1761771b2): it still gets the term's other activities.
    if db.session.execute(select(Activity.id).where(Activity.studio_id == studio.id,
                                                    Activity.kind != "seminar")).first():
        return False
    migrated = db.session.execute(select(Activity.id).where(
        Activity.studio_id == studio.id, Activity.title == "专题研讨：分层作业设计")).first()
    master, mentor = _user("master"), _user("backbone01")
    now = studio_now(studio).replace(tzinfo=None, second=0, microsecond=0)
    teachers = [_user(f"teacher{n:03d}") for n in range(1, 81)]

    def plan(host, kind, title, start, hours_long, mode="on_site", place="郑州市第一中学报告厅",
             hours=2, audience="studio", value="", agenda=""):
        return act.schedule_activity(studio, host, dict(
            kind=kind, title=title, agenda=agenda, starts_at=start,
            ends_at=start + timedelta(hours=hours_long), mode=mode, place=place, hours=hours,
            audience=audience, audience_value=value))

    def attend(activity, people, marked=()):
        during = activity.starts_at + timedelta(minutes=5)   # checked in with that day's code
        for person in people:
            act.check_in(activity, person, act.current_code(activity, during)[0], now=during)
        for person, reason in marked:
            act.mark_attendance(activity, person, activity.host, reason)

    lecture = plan(master, "lecture", "专题讲座：新课标下的单元整体教学", now - timedelta(days=60), 2,
                   hours=3, agenda="## 议程\n1. 新课标解读（王老师）\n2. 单元整体教学案例\n3. 互动答疑")
    for p in lecture.participants[:3]:  # asked for leave before it, approved
        p.reply, p.reason, p.leave_decision = "leave", "学校期中考试监考", "approved"
    attend(lecture, [p.user for p in lecture.participants[3:80]],
           marked=[(lecture.participants[80].user, "手机没电，主持人现场核对签到")])
    group = studio.group_of_mentor(mentor)
    visit = plan(mentor, "observation", "课堂观摩：一次函数的图像", now - timedelta(days=40), 1.5,
                 place="郑州市第八中学初二(3)班", audience="group", value=str(group.id))
    attend(visit, [p.user for p in visit.participants[:-1]])
    if not migrated:
        seminar = plan(master, "seminar", "专题研讨：分层作业设计", now - timedelta(days=21), 2,
                       mode="online", place="", agenda="围绕单元作业的分层与评价展开讨论。")
        chat.post_message(studio, seminar.room, master, "demo-seminar-1", "研讨开始，请各组代表先发言。")
        chat.post_message(studio, seminar.room, mentor, "demo-seminar-2", "我们组设计了基础、提高、拓展三层作业。")
        # attendance by presence in its live room: 28 stayed (two in two tabs, one came late and
        # stayed long enough), three left early and are not credited; one was marked by hand
        from blueprints.activities import presence
        from models.activity import PresenceInterval
        start, end = seminar.starts_at, seminar.ends_at
        for n, p in enumerate(seminar.participants[:31]):
            stays = [(start - timedelta(minutes=3), end + timedelta(minutes=2))]
            if n < 2:
                stays.append((start + timedelta(minutes=20), start + timedelta(minutes=70)))
            elif n == 2:
                stays = [(start + timedelta(minutes=20), end)]
            elif n >= 28:
                stays = [(start, start + timedelta(minutes=40 + 10 * (n - 28)))]
            for k, (joined, left) in enumerate(stays):
                db.session.add(PresenceInterval(activity_id=seminar.id, user_id=p.user_id,
                                                sid=f"demo-{seminar.id}-{n}-{k}", joined_at=joined,
                                                left_at=left))
        db.session.flush()
        presence.evaluate_activity(seminar, end + timedelta(minutes=5))
        attend(seminar, [], marked=[(seminar.participants[31].user, "网络故障改用电话参会，主持人核对")])
        act.write_record(seminar, master, "## 研讨纪要\n\n各组代表交流了**基础、提高、拓展**三层作业的设计思路。\n\n"
                         "1. 基础层紧扣课标，题量控制在 15 分钟内；\n2. 拓展层鼓励开放性问题。\n\n"
                         "下一步：各组在一周内修改作业设计并上传。")
        add_photo(seminar, master, png_bytes(), "研讨现场.png")
    today = plan(master, "collective_planning", "集体备课：勾股定理（第一课时）",
                 now - timedelta(minutes=15), 2, place="郑州市第一中学三楼会议室",
                 agenda="各组带着初稿来，现场分工修改教学过程与作业设计。")
    for person in teachers[10:40]:
        act.check_in(today, person, act.current_code(today)[0])
    act.reply(today, teachers[41], "leave", "孩子生病，需要去医院")
    seed_shared_plan(today, master, mentor, teachers)
    reading = plan(master, "reading", "读书交流：《给教师的建议》", now + timedelta(days=14), 2,
                   place="郑州市第一中学图书馆", hours=2)
    for person in teachers[:20]:
        act.reply(reading, person, "attend")
    act.reply(reading, teachers[20], "leave", "当天参加区里的教学比赛")
    plan(mentor, "demonstration", "教学展示：平行四边形的判定", now + timedelta(days=28), 1,
         place="郑州市第八中学录播教室", audience="group", value=str(group.id))
    return True


def seed_shared_plan(activity, host, backbone, teachers):
    """The 集体备课's shared lesson plan: sections written by different members, 教学过程
    revised once by the host after the backbone's first draft; 板书设计 still open."""
    from blueprints.activities import planning_operations as planning

    plan = planning.ensure_plan(activity)
    writers = {"objectives": backbone, "learners": teachers[10], "key_points": backbone,
               "process": backbone, "board": teachers[11], "homework": teachers[12]}
    for name, person in writers.items():
        planning.assign_section(plan, plan.section(name), host, person)
    texts = {
        "objectives": "1. 经历勾股定理的探索过程，会用面积法证明勾股定理；\n"
                      "2. 能用勾股定理解决简单的实际问题；\n3. 了解勾股定理的文化价值。",
        "learners": "八年级学生已学过三角形、正方形面积与整式乘法，**动手拼图**兴趣高；"
                    "但用代数式表示面积、把几何关系代数化仍有困难。",
        "key_points": "- 重点：勾股定理的探索与应用\n- 难点：用面积法（赵爽弦图）证明勾股定理",
        "process": "一、情境导入：毕达哥拉斯地砖\n二、探究：方格纸上计算正方形面积\n"
                   "三、证明：拼图\n四、练习与小结",
        "homework": "- 基础：课本第 24 页练习 1、2\n- 拓展：查阅勾股定理的其他证法，写一段介绍",
    }
    for name, text in texts.items():
        planning.save_section(plan.section(name), writers[name], text, 0)
    planning.save_section(plan.section("process"), host,
                          "一、情境导入：毕达哥拉斯地砖（3 分钟）\n"
                          "二、探究：方格纸上计算正方形面积，小组猜想（12 分钟）\n"
                          "三、证明：赵爽弦图拼图，学生上台展示（15 分钟）\n"
                          "四、练习与小结：分层练习，学生说收获（10 分钟）", 1)


# --- lesson observations and three-year growth plans ----------------------------------------
OBSERVED_TOPICS = [("数学", "七年级", "有理数的加法"), ("数学", "七年级", "一元一次方程的应用"),
                   ("数学", "八年级", "勾股定理"), ("数学", "八年级", "一次函数的图像"),
                   ("数学", "九年级", "二次函数的性质"), ("数学", "九年级", "圆周角定理"),
                   ("物理", "八年级", "光的折射"), ("语文", "七年级", "《春》")]
OBSERVATION_NOTES = dict(
    learner_analysis="课前用小测了解学生对旧知的掌握，分层提问照顾到了学困生。",
    lesson_design="情境—探究—应用三个环节层层递进，例题选择贴近学生生活。",
    teaching_delivery="小组合作分工明确，教师巡视指导及时；板书条理清晰。",
    reflection="课后与授课教师交流：练习时间偏紧，可把部分练习移到课后分层完成。")
PLAN_SECTIONS = dict(
    situation="任教七年级数学，教龄一年。\n\n- 优势：熟悉教材，乐于学习新技术；\n"
              "- 不足：**学情分析**不够细致，课堂节奏把握不稳。",
    goal_year1="站稳讲台：上好每一节规范课，完成一份规范课教学课例。",
    goal_year2="形成特色：在作业设计与分层教学上有自己的做法，参与一项区级课题。",
    goal_year3="形成风格：上一节市级公开课，撰写一篇教学论文。",
    measures="1. 每学期听课不少于25节，写好听课记录；\n2. 每月读一本教育教学专著；\n"
             "3. 每学期打磨一节课例，请导师评课；\n4. 参加工作室全部研训活动。",
    outcomes="规范课教学课例1份、听课记录50节以上、读书笔记6篇、教学论文1篇。")


def seed_observations_and_plans(studio):
    """Observations of this term for most members, a growth plan for most (some revised a
    year later, with the mentor's comments and evidence), once per studio."""
    from blueprints.observations.operations import record_observation
    from blueprints.plans import operations as plans
    from models.notification import Notification
    from models.observation import Observation
    from models.plan import GrowthPlan
    from studio.dates import studio_today, term_bounds

    if db.session.execute(select(Observation.id).where(Observation.studio_id == studio.id)).first():
        return False
    rng = random.Random(9)
    today = studio_today(studio)
    first, _last, _kind = term_bounds(today)
    span = max((today - first).days, 0)
    master = _user("master")
    backbones = [_user(f"backbone{b:02d}") for b in range(1, 11)]
    teachers = [_user(f"teacher{n:03d}") for n in range(1, 81)]
    schools = SCHOOLS
    for number, member in enumerate(backbones + teachers):
        how_many = 0 if number % 9 == 8 else rng.randint(2, 26)
        for _ in range(how_many):
            subject, grade, topic = rng.choice(OBSERVED_TOPICS)
            record_observation(studio, member, dict(
                observed_on=first + timedelta(days=rng.randint(0, span)),
                school=rng.choice(schools), teacher=rng.choice(SURNAMES) + "老师",
                subject=subject, grade=grade, topic=topic,
                rating=rng.choice(("excellent", "good", "good", "fair")),
                overall="整体设计合理，学生参与度高。", **OBSERVATION_NOTES))
    last_year = datetime.utcnow() - timedelta(days=365)
    for number, member in enumerate([master] + backbones + teachers):
        if number % 5 == 4:
            continue                                    # about one in five has no plan yet
        version = plans.save_plan(studio, member, PLAN_SECTIONS, "")
        plan = db.session.get(GrowthPlan, version.plan_id)
        if number % 3 == 0:                            # written a year ago, revised this year
            version.created_at = plan.created_at = last_year
            plans.save_plan(studio, member, dict(
                PLAN_SECTIONS, goal_year1=PLAN_SECTIONS["goal_year1"] + "（已完成）",
                measures=PLAN_SECTIONS["measures"] + "\n5. 每月上一节组内研究课。"),
                "第二年修订：第一年目标已完成，增加研究课。")
        elif number % 3 == 1:                          # written last year, not revised yet
            version.created_at = plan.created_at = plan.revised_at = last_year
        reader = studio.mentor_of(member) or (master if member != master else None)
        if reader is not None and number % 2 == 0:
            plans.comment_plan(plan, reader, "目标清晰，措施具体。建议把听课记录与课例打磨结合起来。")
        mine = db.session.execute(select(Observation).where(
            Observation.studio_id == studio.id, Observation.author_id == member.id)
            .order_by(Observation.id).limit(2)).scalars().all()
        for observation in mine:
            plans.add_evidence(plan, member, "1", f"observation:{observation.id}")
    # the demo's bells should show what happens next, not the seeding itself
    db.session.execute(db.update(Notification).where(Notification.kind.like("plan_%"))
                       .values(read_at=datetime.utcnow()))
    return True


# --- research projects: one at 中期, its 开题 report approved ----------------------------------
def demo_pdf(user, name, lines):
    """A small one-page PDF, stored like any upload (by its hash)."""
    from flask import current_app

    from models.case import StoredFile
    text = "".join(f"BT /F1 14 Tf 72 {760 - 24 * i} Td ({line}) Tj ET\n"
                   for i, line in enumerate(lines)).encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    sha = hashlib.sha256(data).hexdigest()
    stored = StoredFile(sha256=sha, size=len(data), mimetype="application/pdf",
                        uploaded_by_id=user.id, original_name=name)
    path = os.path.join(current_app.config["UPLOAD_DIR"], stored.relative_path)
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    db.session.add(stored)
    return stored


def seed_research(studio):
    """One research project led by a backbone teacher, at the midterm stage with its opening
    report approved by the master, once per studio."""
    from blueprints.projects import operations as projects
    from models.project import ResearchProject

    if db.session.execute(select(ResearchProject.id)
                          .where(ResearchProject.studio_id == studio.id)).first():
        return False
    master, leader = _user("master"), _user("backbone01")
    members = [_user("backbone02")] + [_user(f"teacher{n:03d}") for n in range(1, 5)]
    project = projects.create_project(studio, master, dict(
        title="“双减”背景下初中数学分层作业设计的实践研究",
        summary="**研究问题**：如何在减少作业总量的同时，让不同层次的学生都得到有效练习。\n\n"
                "**研究目标**：形成七、八年级各一个单元的分层作业案例集和评价办法。\n\n"
                "**研究方法**：行动研究、问卷调查、课例分析。",
        leader_id=leader.id, member_ids=[m.id for m in members]))
    document = demo_pdf(leader, "分层作业设计-开题报告.pdf",
                        ["Kaiti baogao (opening report)", "Fenceng zuoye sheji shijian yanjiu",
                         "Zhengzhou, 2026"])
    projects.hand_in_report(project, leader, document,
                            "本报告说明了课题的研究背景、核心概念、研究目标与内容、研究方法和"
                            "三年的实施计划，附前测问卷。")
    projects.decide_report(project, master, "approve",
                           "选题切合“双减”要求，研究方法可行。中期请重点呈现两个单元的作业样例和学生反馈数据。")
    return True


def png_bytes(width=160, height=120, top=(46, 125, 50), bottom=(200, 230, 201)):
    """A small PNG made in code (the demo's photo of an activity): a vertical gradient."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = bytearray()
    for y in range(height):
        t = y / max(height - 1, 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom))
        rows += b"\x00" + pixel * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def add_photo(activity, user, data, name):
    """Store ``data`` as a photo of the activity's record (like an upload)."""
    import io

    from werkzeug.datastructures import FileStorage

    from models.activity import ActivityPhoto
    from studio import storage
    stored = storage.store_upload(FileStorage(io.BytesIO(data), filename=name), "image", user)
    db.session.flush()
    photo = ActivityPhoto(activity_id=activity.id, stored_file_id=stored.id,
                          uploaded_by_id=user.id)
    db.session.add(photo)
    db.session.flush()
    return photo
