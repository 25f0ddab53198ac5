from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from studio.labels import GRADE_LABELS


class OpenRoundForm(FlaskForm):
    year = StringField(_l("Cycle year (starting 1 September)"))


class SelfEvaluationForm(FlaskForm):
    self_evaluation = TextAreaField(_l("Self-evaluation"))


class GradeForm(FlaskForm):
    grade = SelectField(_l("Assessment grade"), choices=[("", "—")] + list(GRADE_LABELS.items()),
                        validate_choice=False)
    reason = TextAreaField(_l("Reasons"))


class PublishForm(FlaskForm):
    pass


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("Reasons for the removal"))
