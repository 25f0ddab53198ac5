"""Demo work briefings (工作简报) of the maths studio: 第1期 and 第2期 written by hand,
第3期 drafted from the studio's data (activities with their photos, hours, cases, posts),
and a draft of the next issue. Idempotent: a studio with briefings is left as it is."""
from datetime import timedelta

from sqlalchemy import select

from studio.extensions import db

ISSUE_1 = """## 一、工作室启动

9月6日，工作室召开启动会，王名师解读了三年建设方案，10名骨干教师与80名新入职教师结成师徒对子。

## 二、制度建设

- 每月至少开展一次研训活动，实行签到制；
- 新入职教师每学期听课不少于25节；
- 课例实行“骨干初审、名师终审”。

## 三、下一步工作

各师徒小组完成三年成长规划的撰写，骨干教师完成首轮课例指导。"""

ISSUE_2 = """## 一、集体备课

10月，工作室以“勾股定理”为主题开展集体备课，各组分工撰写教学目标、教学过程与作业设计。

## 二、课例研磨

新入职教师提交规范课教学课例 12 个，骨干教师已完成初审 9 个，平均审阅用时 4 天。

> 磨课让我明白，一节好课的关键在于学情分析。 —— 新入职教师代表

## 三、课题研究

“初中数学单元整体教学的实践研究”完成开题论证。"""


def seed_briefings(studio):
    from blueprints.briefings import operations
    from models.briefing import Briefing
    from models.thread import Post, Thread
    from studio.dates import studio_today

    if db.session.execute(select(Briefing.id).where(Briefing.studio_id == studio.id)).first():
        return False
    master, today = studio.master, studio_today(studio)
    for title, body, months in (("工作室启动暨师徒结对", ISSUE_1, 3), ("集体备课与课例研磨", ISSUE_2, 2)):
        start = today - timedelta(days=30 * months)
        briefing = operations.create_briefing(studio, master, title, body, start,
                                              start + timedelta(days=29))
        operations.publish_briefing(briefing, master)
    posts = db.session.execute(
        select(Post.id).join(Thread, Thread.id == Post.thread_id)
        .where(Thread.studio_id == studio.id, Post.deleted_at.is_(None))
        .order_by(Post.id).limit(2)).scalars().all()
    drafted = operations.draft_from_data(studio, master, today - timedelta(days=30), today,
                                         posts)
    drafted.title = "本月研训活动与课例成果"
    operations.publish_briefing(drafted, master)
    operations.create_briefing(studio, master, "下期预告：期末课例展示",
                               "## 一、期末课例展示\n\n（待补充）", today, today + timedelta(days=30))
    return True
