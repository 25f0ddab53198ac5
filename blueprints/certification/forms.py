from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from studio.inputs import parse_id


class ApplyForm(FlaskForm):
    report = TextAreaField(
        _l("Self-evaluation report on the programme's implementation (Markdown)"),
        validators=[DataRequired(_l("Please write the self-evaluation report.")),
                    Length(max=50000, message=_l("The report is too long (at most 50,000 "
                                                 "characters)."))])


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reasons for the decision"),
                           validators=[Optional(), Length(max=20000)])
    confirm_unmet = BooleanField(_l("I certify although some items are not met"))


def _share(label):
    return IntegerField(label, validators=[InputRequired(_l("Please enter a percentage.")),
                                           NumberRange(0, 100)])


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Programme name"), validators=[
        DataRequired(_l("Please enter the programme's name.")), Length(max=128)])
    certified_name_template = StringField(
        _l("Certified name template"), default="河南省{master}名师工作室",
        validators=[DataRequired(_l("Please enter the certified name template.")),
                    Length(max=128)])
    certificate_prefix = StringField(_l("Certificate number prefix"), default="豫名师",
                                     validators=[DataRequired(_l("Please enter a prefix.")),
                                                 Length(max=24)])
    excellent_cap = IntegerField(_l("Most graded excellent in an assessment round (percent; empty: no cap)"),
                                 validators=[Optional(), NumberRange(0, 100)])
    briefings_required = IntegerField(_l("Work briefings required"), default=3,
                                      validators=[InputRequired(), NumberRange(0, 100)])
    activities_per_year = IntegerField(_l("Study activities a year"), default=4,
                                       validators=[InputRequired(), NumberRange(0, 365)])
    standard_case_share = _share(_l("New teachers with an approved standard case (percent)"))
    hours_share = _share(_l("Members who reached their study hours (percent)"))
    review_coverage_share = _share(_l("Cases reviewed within the review period (percent)"))
    review_days = IntegerField(_l("Review period (days)"), default=7,
                               validators=[InputRequired(), NumberRange(1, 90)])

    def fields(self):
        from blueprints.certification.operations import PROGRAMME_FIELDS
        values = {key: getattr(self, key).data for key in PROGRAMME_FIELDS}
        for key in ("name", "certified_name_template", "certificate_prefix"):
            values[key] = values[key].strip()
        return values


class StudiosForm(FlaskForm):
    studios = SelectMultipleField(_l("Studios in this programme"), choices=[],
                                  validate_choice=False)

    def studio_ids(self):
        return {i for i in (parse_id(v) for v in self.studios.data or []) if i is not None}
