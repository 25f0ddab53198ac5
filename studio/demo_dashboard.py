"""Demo data for the office's dashboard: five smaller studios in other subjects, stages and
cities, each at its own point of the programme, so the charts compare something. Called from
``seed_demo``; a studio already there is left as it is, so a second run changes nothing."""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from models import (Activity, Briefing, CaseTransition, CaseVersion, Certification, LessonCase,
                    Membership, Review, User)
from studio.extensions import db

# name, subject, stage, region (its code in studio/demo_regions.py), status, prefix, backbones, mentees each, how far along (0–1)
STUDIOS = [
    ("高中物理名师网络工作室", "物理", "senior", "410200", "active", "wl_", 3, 4, 0.9),
    ("小学数学名师网络工作室", "数学", "primary", "410700", "active", "xs_", 2, 5, 0.6),
    ("初中英语名师网络工作室", "英语", "junior", "410100", "active", "yy_", 3, 3, 0.4),
    ("高中化学名师网络工作室", "化学", "senior", "411300", "preparing", "hx_", 1, 3, 0.1),
    ("中职计算机名师网络工作室", "计算机应用", "vocational", "411000", "active", "zz_", 2, 4, 0.7),
]
SCHOOLS = ["开封市高级中学", "新乡市第一中学", "郑州市第九中学", "南阳市第一中学", "许昌职业技术学院附属中专"]
# applications to the office (the certification helper's demo has a certified and a returned one)
APPLICATIONS = {
    "高中物理名师网络工作室": ("submitted", ""),
    "中职计算机名师网络工作室": ("returned", "新入职教师学时达标率不足90%，请补充研训活动记录后重新申请。"),
}
REPORT = "## 项目实施绩效自评报告\n\n工作室按计划开展研训活动，完成课例研磨与学时登记。"
TOPICS = ["牛顿第二定律", "分数的初步认识", "Unit 3 My Weekend", "化学反应速率", "网页布局基础"]


def seed_dashboard(password_hash):
    """The five studios with their figures; True when something was created."""
    from studio.demo import _studio
    from studio.demo_regions import demo_regions
    rng = random.Random(2610)
    regions, _ = demo_regions()
    made_any = False
    for spec, topic, school in zip(STUDIOS, TOPICS, SCHOOLS):
        name, subject, stage, region, status, prefix, backbones, per_mentor, progress = spec
        studio, made = _studio(dict(name=name, subject=subject, school_stage=stage,
                                    region_node=regions[region],
                                    status=status, cycle_start=date(2026, 9, 1),
                                    cycle_end=date(2029, 7, 31)),
                               password_hash, rng, [school], prefix, backbones, per_mentor)
        if made:
            db.session.flush()
            _fill(studio, prefix, progress, topic, rng)
            made_any = True
    return made_any


def _people(studio):
    rows = db.session.execute(select(User, Membership.role).join(
        Membership, Membership.user_id == User.id).where(Membership.studio_id == studio.id)
        .order_by(User.username)).all()
    by_role = {"master": [], "backbone": [], "new_teacher": []}
    for user, role in rows:
        by_role[role].append(user)
    return by_role


def _fill(studio, prefix, progress, topic, rng):
    people = _people(studio)
    master = people["master"][0]
    _hours(studio, people, master, progress, rng)
    _cases(studio, people, master, progress, topic, rng)
    today = date.today()
    for n in range(max(1, round(6 * progress))):
        start = datetime.combine(today - timedelta(days=7 + 11 * n), time(7, 0))
        db.session.add(Activity(studio=studio, host_id=master.id, kind="seminar",
                                title=f"专题研讨（第{n + 1}次）：{topic}", starts_at=start,
                                ends_at=start + timedelta(hours=2), hours=2))
    if studio.name in APPLICATIONS:
        _apply(studio, master, *APPLICATIONS[studio.name])
    for n in range(1, round(4 * progress) + 1):
        db.session.add(Briefing(studio_id=studio.id, number=n, title=f"{studio.name}工作简报第{n}期",
                                body="本期简报汇总了工作室近期的研训活动与课例研磨情况。",
                                body_html="<p>本期简报汇总了工作室近期的研训活动与课例研磨情况。</p>",
                                state="published", author_id=master.id,
                                published_at=datetime.combine(today - timedelta(days=30 * n),
                                                              time(9, 0))))


def _apply(studio, master, state, reason):
    from studio.markup import render_markdown
    office = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
    db.session.add(Certification(
        studio_id=studio.id, round_no=1, state=state, report=REPORT,
        report_html=render_markdown(REPORT), applied_by_id=master.id, reason=reason,
        applied_at=datetime.combine(date.today() - timedelta(days=12), time(9)),
        decided_by_id=office.id if state != "submitted" else None,
        decided_at=datetime.combine(date.today() - timedelta(days=5), time(10))
        if state != "submitted" else None))


def _hours(studio, people, master, progress, rng):
    from blueprints.hours.operations import credit_hours
    for role, target in (("backbone", studio.hours_target_backbone),
                         ("new_teacher", studio.hours_target_new_teacher)):
        for user in people[role]:
            # about ``progress`` of the members have reached their target
            share = rng.uniform(1.0, 1.2) if rng.random() < progress else rng.uniform(0.3, 0.95)
            amount = round(target * share, 1)
            if amount > 0:
                credit_hours(user, amount, "manual", master, studio=studio,
                             reason="线下集中研修学时认定（演示数据）")


def _cases(studio, people, master, progress, topic, rng):
    """A standard case for most new teachers, further along the more the studio is; the first
    review comes some hours to a few days after the submission."""
    states = ["submitted", "in_review", "changes_requested", "approved", "approved", "recommended"]
    mentors = people["backbone"] or [master]
    for number, author in enumerate(people["new_teacher"]):
        if rng.random() > 0.3 + 0.7 * progress:
            continue
        state = states[min(len(states) - 1, int(rng.random() * progress * len(states) + 0.5))]
        reviewer = mentors[number % len(mentors)]
        submitted = datetime.combine(date.today() - timedelta(days=rng.randint(5, 60)), time(8))
        case = LessonCase(studio=studio, author_id=author.id, reviewer_id=reviewer.id,
                          kind="standard", title=f"{topic}（{author.name}）", subject=studio.subject,
                          topic=topic, state=state, submitted_at=submitted)
        db.session.add(case)
        db.session.flush()
        version = CaseVersion(case_id=case.id, number=1, submitted_at=submitted,
                              reflection="课后反思：学生参与度较高，时间分配还需改进。",
                              reflection_html="<p>课后反思：学生参与度较高，时间分配还需改进。</p>")
        db.session.add(version)
        db.session.flush()
        db.session.add(CaseTransition(case_id=case.id, from_state="draft", to_state="submitted",
                                      actor_id=author.id, created_at=submitted))
        if state not in ("submitted", "in_review"):
            _review(case, version, reviewer, state, submitted, rng)


def _review(case, version, reviewer, state, submitted, rng):
    at = submitted + timedelta(hours=rng.choice((3, 8, 20, 30, 50, 76, 120, 200)))
    verdict = "request_changes" if state == "changes_requested" else "approve"
    db.session.add(Review(case_id=case.id, version_id=version.id, reviewer_id=reviewer.id,
                          verdict=verdict, overall="结构完整，建议进一步关注学生的课堂生成。",
                          overall_html="<p>结构完整，建议进一步关注学生的课堂生成。</p>",
                          learner_analysis_score=4, lesson_design_score=4,
                          teaching_delivery_score=rng.choice((3, 4, 5)), reflection_score=4,
                          created_at=at))
    db.session.add(CaseTransition(case_id=case.id, from_state="submitted",
                                  to_state="changes_requested" if verdict != "approve" else
                                  "approved", actor_id=reviewer.id, created_at=at))
    if state == "recommended":
        db.session.add(CaseTransition(case_id=case.id, from_state="approved",
                                      to_state="recommended",
                                      actor_id=case.studio.master.id, reason="推荐为优秀课例",
                                      created_at=at + timedelta(days=1)))
