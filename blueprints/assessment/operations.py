"""The annual assessment (年度考核): open a round, self-evaluate, propose, decide, publish;
dynamic management (动态管理): remove (淘汰) a member graded 不合格 in a published round.

Operations change data and write the audit row; routes commit once."""
import math

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.assessment.figures import figures_for
from blueprints.notifications.operations import notify
from models.assessment import GRADES, AnnualAssessment, AssessmentRound
from models.audit import record
from models.base import utcnow
from models.studio import Roster
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db

TEXT_MAX = 5000
REASON_MAX = 2000
EARLIEST_YEAR = 2000


def clean_text(value, limit, field):
    """Stripped text without NUL bytes; too long is refused with a clear message."""
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise RuleError(_l("Please keep this to %(n)d characters.", n=limit), field=field)
    return text


def check_year(studio, year):
    this_year = studio_today(studio).year
    if not isinstance(year, int) or not EARLIEST_YEAR <= year <= this_year + 1:
        raise RuleError(_l("Please choose a cycle year from %(a)d to %(b)d.", a=EARLIEST_YEAR,
                           b=this_year + 1), field="year")


def default_year(studio):
    """The cycle year a round opened today would most likely assess: the one that began on
    the last 1 September."""
    today = studio_today(studio)
    return today.year if today.month >= 9 else today.year - 1


def open_round(studio, user, year):
    """The master opens the round for cycle year ``year``: one row per current member
    (backbone and new teachers)."""
    if not AssessmentRound.can_open(studio, user):
        raise RuleError(_l("Only the master opens an annual assessment."))
    check_year(studio, year)
    if db.session.execute(select(AssessmentRound.id).where(
            AssessmentRound.studio_id == studio.id, AssessmentRound.year == year)).first():
        raise RuleError(_l("The assessment of %(year)d has already been opened.", year=year),
                        field="year")
    round_ = AssessmentRound(studio=studio, year=year, opened_by=user)
    db.session.add(round_)
    roster = Roster(studio)
    db.session.add_all(AnnualAssessment(round=round_, user=member, role=roster.role_of[member.id])
                       for member in roster.backbones + roster.new_teachers)
    record("assessment_opened", actor=user, studio=studio, target=round_, detail=str(year))
    return round_


def write_self_evaluation(assessment, user, text):
    if not assessment.can_self_evaluate(user):
        raise RuleError(_l("Only the member writes their self-evaluation, until the grade is "
                           "decided."))
    text = clean_text(text, TEXT_MAX, "self_evaluation")
    if not text:
        raise RuleError(_l("Please write your self-evaluation."), field="self_evaluation")
    assessment.self_evaluation, assessment.self_evaluated_at = text, utcnow()
    record("self_evaluation_written", actor=user, studio=assessment.studio, target=assessment)


def _grade_and_reason(grade, reason):
    if grade not in GRADES:
        raise RuleError(_l("Please choose a grade."), field="grade")
    reason = clean_text(reason, REASON_MAX, "reason")
    if not reason:
        raise RuleError(_l("Please give the reasons for the grade."), field="reason")
    return reason


def propose_grade(assessment, user, grade, reason):
    """The mentor proposes a grade for a mentee, with reasons."""
    if not assessment.can_propose(user):
        raise RuleError(_l("Only the mentor proposes a grade for their mentee."))
    assessment.proposal_reason = _grade_and_reason(grade, reason)
    assessment.proposed_grade, assessment.proposed_by = grade, user
    assessment.proposed_at = utcnow()
    record("grade_proposed", actor=user, studio=assessment.studio, target=assessment,
           detail=grade)


def excellent_count(round_, besides=None):
    stmt = select(func.count()).select_from(AnnualAssessment).where(
        AnnualAssessment.round_id == round_.id, AnnualAssessment.grade == "excellent")
    if besides is not None:
        stmt = stmt.where(AnnualAssessment.id != besides.id)
    return db.session.execute(stmt).scalar_one()


def excellent_limit(round_, members):
    """The most 优秀 the programme allows in a round of ``members`` (None: no cap)."""
    cap = round_.studio.rules.excellent_cap
    return None if cap is None else math.floor(members * cap / 100)


def member_count(round_):
    return db.session.execute(select(func.count()).select_from(AnnualAssessment).where(
        AnnualAssessment.round_id == round_.id)).scalar_one()


def decide_grade(assessment, user, grade, reason):
    """The master decides the grade with reasons; 优秀 beyond the programme's cap is refused."""
    round_ = assessment.round
    if not assessment.can_decide(user):
        raise RuleError(_l("Only the master decides grades, while the round is open."))
    reason = _grade_and_reason(grade, reason)
    limit = excellent_limit(round_, member_count(round_))
    if grade == "excellent" and limit is not None and excellent_count(round_, assessment) >= limit:
        raise RuleError(_l("The programme allows at most %(m)d grades of Excellent in this "
                           "round; %(m)d are already given.", m=limit), field="grade")
    assessment.grade, assessment.grade_reason = grade, reason
    assessment.decided_by, assessment.decided_at = user, utcnow()
    record("grade_decided", actor=user, studio=round_.studio, target=assessment, detail=grade)


def publish_round(round_, user, now):
    """Freeze every member's figures, publish, notify each member of their result."""
    if not round_.can_publish(user):
        raise RuleError(_l("Only the master publishes the results of an open round."))
    rows = round_.assessments
    if any(row.grade is None for row in rows):
        raise RuleError(_l("Every member needs a grade before the results are published."))
    figures = figures_for(round_.studio, round_.year, {r.user_id: r.role for r in rows}, now)
    for row in rows:
        row.figures = figures[row.user_id]
    round_.state, round_.published_at = "published", utcnow()
    for row in rows:
        notify([row.user], "assessment_published", row, actor=user)
    record("assessment_published", actor=user, studio=round_.studio, target=round_,
           detail=str(round_.year))


def dismiss_member(assessment, user, reason):
    """淘汰: end the membership of a member graded 不合格 in a published round, with reasons;
    their work and hours are kept. Recorded in the member history."""
    from blueprints.studios.operations import remove_member
    if not assessment.can_dismiss(user):
        raise RuleError(_l("Only a member graded Unqualified in a published round may be "
                           "removed, by the master."))
    reason = clean_text(reason, 255, "reason")
    if not reason:
        raise RuleError(_l("Please give the reasons for the removal."), field="reason")
    studio = assessment.studio
    why = f"{assessment.round.year}年度考核不合格淘汰：{reason}"[:255]
    remove_member(studio, assessment.user, user, why)
    record("member_dismissed", actor=user, studio=studio, target=assessment.user,
           detail=reason)


def waiting_for(studio, user):
    """我的待办 of the annual assessment: (rows whose self-evaluation ``user`` should write,
    mentees' rows waiting for their proposal, rows waiting for the master's grade), from the
    open rounds, in one statement (plus the mentee ids, read once per request)."""
    from models.assessment import standing
    _office, role = standing(studio, user)
    if role is None:
        return [], [], []
    stmt = (select(AnnualAssessment).join(AssessmentRound)
            .where(AssessmentRound.studio_id == studio.id, AssessmentRound.state == "open")
            .order_by(AssessmentRound.year, AnnualAssessment.id))
    if role != "master":
        stmt = stmt.where((AnnualAssessment.user_id == user.id) | (
            AnnualAssessment.user_id.in_(studio.current_mentee_ids(user))))
    rows = db.session.execute(stmt.options(db.contains_eager(AnnualAssessment.round))
                              ).scalars().all()
    write = [a for a in rows if a.self_evaluated_at is None and a.can_self_evaluate(user)]
    propose = [a for a in rows if a.proposed_grade is None and a.can_propose(user)]
    decide = [a for a in rows if a.grade is None and role == "master"]
    return write, propose, decide
