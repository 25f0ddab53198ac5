"""Demo certification (挂牌认定): the programme both demo studios follow; the maths studio
certified in its second round after the first was returned with reasons, the 语文 studio
with its first application returned. Called from ``studio.demo.seed_demo``; once only."""
from datetime import timedelta

from sqlalchemy import select

from models.base import utcnow
from models.region import Programme
from models.studio import Studio
from models.user import User
from studio.dates import studio_today
from studio.extensions import db

PROGRAMME = "河南省中小学名师网络工作室建设项目（2026–2029）"
REPORT_1 = """## 一、建设概况
工作室现有名师1人、骨干教师10人、新入职教师80人，按“任务驱动、师带徒”方式开展研修。

## 二、主要成效
- 新入职教师完成规范课教学课例，骨干教师完成优秀课例；
- 围绕“双减”开展分层作业设计课题研究。

## 三、存在不足
部分新入职教师学时尚未达标，将在下一阶段加强督促。"""
REPORT_2 = REPORT_1 + """

## 四、整改情况（第二轮补充）
- 补充了各成员学时统计表和研训活动签到记录；
- 补齐了骨干教师的自我专业发展报告。"""
RETURNED_MATHS = ("自评报告缺少学时统计和研训活动的签到记录，骨干教师的自我专业发展报告尚未收齐。"
                  "请补充佐证材料后重新申请。")
CERTIFIED_MATHS = "经审核，工作室三年建设任务基本完成，成效显著；部分指标以线下材料佐证，同意认定。"
RETURNED_YW = ("工作室成员尚未配齐，新入职教师的规范课教学课例尚未提交，研训活动次数不足。"
               "请按项目要求完成建设任务后再申请。")
REPORT_YW = """## 建设概况
工作室已组建，骨干教师2人、新入职教师6人，已开展两次集体备课活动。

## 下一步计划
按项目要求补充成员，完成规范课教学课例。"""


def _studio(name):
    return db.session.execute(select(Studio).where(Studio.name == name)).scalar_one_or_none()


def _user(username):
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def _dated(application, applied_days_ago, decided_days_ago):
    """Spread the demo rounds over the past weeks, as they would have happened."""
    now = utcnow()
    application.applied_at = now - timedelta(days=applied_days_ago)
    if application.decided_at is not None:
        application.decided_at = now - timedelta(days=decided_days_ago)
        if application.certified_on is not None:   # the certificate carries the decision's day
            application.certified_on = studio_today(application.studio) - timedelta(
                days=decided_days_ago)


def seed_certification():
    """Returns True when it created the demo data, False when it was there already."""
    from blueprints.certification import operations as certification

    maths, yw = _studio("初中数学名师网络工作室"), _studio("小学语文名师网络工作室")
    admin = _user("admin")
    if db.session.execute(select(Programme.id).where(Programme.name == PROGRAMME)).first() \
            or None in (maths, yw, admin):
        return False
    programme = Programme(name=PROGRAMME, **Programme.DEFAULTS)
    db.session.add(programme)
    db.session.flush()
    maths.programme_id = yw.programme_id = programme.id
    first = certification.apply_for_certification(maths, maths.master, REPORT_1)
    certification.return_application(first, admin, RETURNED_MATHS)
    second = certification.apply_for_certification(maths, maths.master, REPORT_2)
    certification.certify_studio(second, admin, CERTIFIED_MATHS, confirm_unmet=True)
    _dated(first, 40, 33)
    _dated(second, 20, 6)
    returned = certification.apply_for_certification(yw, yw.master, REPORT_YW)
    certification.return_application(returned, admin, RETURNED_YW)
    _dated(returned, 12, 9)
    return True
