"""年度考核表: a round as XLSX, one row per member with every figure, the proposed and the
final grade and their reasons. Written through the hours register's writer (text cells that
look like formulas stay text); control characters Excel cannot hold are dropped."""
import re

from flask_babel import gettext as _

from blueprints.hours.export import send_table
from studio.labels import GRADE_LABELS, ROLE_LABELS

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value):
    return ILLEGAL.sub("", value) if isinstance(value, str) else value


def header():
    return [_("No."), _("Name"), _("School"), _("Role"), _("Study hours"), _("Hours target"),
            _("Tasks completed"), _("Tasks set"), _("Cases approved"),
            _("Cases recommended as excellent"), _("Reviews given"), _("Reviews within 7 days"),
            _("Activities held"), _("Activities attended"), _("Leave excused"),
            _("Observations"), _("Observation target"), _("Growth plan revised"),
            _("Self-evaluation"), _("Proposed grade"), _("Reasons of the proposal"),
            _("Assessment grade"), _("Reasons of the grade")]


def _label(labels, key):
    return str(labels[key]) if key in labels else ""


def row(number, assessment, f):
    return [number, assessment.user.name, assessment.user.school or "",
            _label(ROLE_LABELS, assessment.role), f.get("hours"), f.get("hours_target"),
            f.get("tasks_done"), f.get("tasks_set"), f.get("cases_approved"),
            f.get("cases_recommended"), f.get("reviews"), f.get("reviews_on_time"),
            f.get("activities_held"), f.get("activities_attended"), f.get("activities_excused"),
            f.get("observations"), f.get("observation_target"),
            _("Yes") if f.get("plan_revised") else _("No"), assessment.self_evaluation,
            _label(GRADE_LABELS, assessment.proposed_grade), assessment.proposal_reason,
            _label(GRADE_LABELS, assessment.grade), assessment.grade_reason]


def send_round(round_, assessments, figures):
    rows = [[_text(v) for v in row(n, a, figures.get(a.user_id, {}))]
            for n, a in enumerate(assessments, 1)]
    title = _("Annual assessment %(title)s", title=round_.title)
    return send_table("xlsx", f"{round_.studio.name}-{title}", title, header(), rows)
