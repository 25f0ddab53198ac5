"""Demo data of the annual assessment (年度考核): a published round of the maths studio.

The round is cycle year 2026 (1 September 2026 – 31 August 2027): the maths studio's cycle
starts on 2026-09-01, so 2025 would assess nothing, and the demo's tasks, cases, activities
and observations all fall in 2026. It is published early so the demo shows every step: the
self-evaluations, the mentors' proposals, the master's grades (优秀, 合格, 基本合格 and one
不合格 whom the master may then remove) and the members' notifications."""
from sqlalchemy import select

from models.assessment import AssessmentRound
from models.base import utcnow
from models.user import User
from studio.extensions import db

YEAR = 2026
EXCELLENT = {"backbone01", "teacher001", "teacher002"}
BASIC = {"teacher079"}
UNQUALIFIED = {"teacher080"}
REASONS = {
    "excellent": "全年任务全部按时完成，课例被推荐为优秀，示范作用明显。",
    "qualified": "按要求完成学时和任务，积极参加研训活动。",
    "basically_qualified": "学时基本达标，但听课记录不足，下一年度需加强。",
    "unqualified": "学时和任务完成情况均未达到要求，多次无故缺席研训活动。",
}
SELF = ("本年度我按计划参加了工作室的研训活动，完成了规范课教学课例，坚持听课并撰写反思。"
        "不足之处是学情分析还不够细致，下一年度将重点改进。")


def _grade(username):
    if username in EXCELLENT:
        return "excellent"
    if username in BASIC:
        return "basically_qualified"
    return "unqualified" if username in UNQUALIFIED else "qualified"


def seed_assessment(studio):
    """Open, fill and publish the 2026 round once; a second run changes nothing."""
    from blueprints.assessment import operations
    if db.session.execute(select(AssessmentRound.id).where(
            AssessmentRound.studio_id == studio.id, AssessmentRound.year == YEAR)).first():
        return False
    master = db.session.execute(select(User).where(User.username == "master")).scalar_one()
    round_ = operations.open_round(studio, master, YEAR)
    db.session.flush()
    for number, row in enumerate(round_.assessments):
        if number % 3 != 2:       # most members wrote one; some did not
            operations.write_self_evaluation(row, row.user, SELF)
        grade = _grade(row.user.username)
        mentor = studio.mentor_of(row.user) if row.role == "new_teacher" else None
        if mentor is not None:
            operations.propose_grade(row, mentor, grade, REASONS[grade])
        operations.decide_grade(row, master, grade, REASONS[grade])
    operations.publish_round(round_, master, utcnow())
    return True
