from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models.plan import SECTIONS

SECTION_MAX = 20000


def _section():
    return TextAreaField(validators=[Optional(), Length(max=SECTION_MAX)])


class PlanForm(FlaskForm):
    """The template: 现状分析, three yearly goals, 行动措施, 预期成果 (labels in
    studio/labels.py: PLAN_SECTION_LABELS)."""
    situation = _section()
    goal_year1 = _section()
    goal_year2 = _section()
    goal_year3 = _section()
    measures = _section()
    outcomes = _section()
    note = StringField(_l("What changed in this revision (optional)"),
                       validators=[Optional(), Length(max=500)])

    def sections(self):
        return {name: getattr(self, name).data or "" for name in SECTIONS}


class PlanCommentForm(FlaskForm):
    body = TextAreaField(_l("Comment (Markdown)"), validators=[
        DataRequired(_l("The comment is empty.")), Length(max=10000)])


class EvidenceForm(FlaskForm):
    goal = SelectField(_l("Goal"), choices=[("1", _l("Goal for year 1")),
                                            ("2", _l("Goal for year 2")),
                                            ("3", _l("Goal for year 3"))])
    item = SelectField(_l("Evidence"), choices=[], validate_choice=False,
                       validators=[DataRequired(_l("Please choose a piece of evidence."))])


class RemoveForm(FlaskForm):
    pass
