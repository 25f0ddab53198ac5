from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError

from blueprints.hours.operations import hours_amount
from studio.errors import RuleError


class HoursField(DecimalField):
    """An amount of study hours, parsed by ``operations.hours_amount``: NaN, sNaN, infinities
    and 1e999 are refused with a translated message, the rest is rounded half-up to 0.1.
    What was typed is shown again when the form comes back with an error."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", 1)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = hours_amount(valuelist[0])
        except RuleError as error:
            self.data = None
            raise ValueError(error.message) from None

    def pre_validate(self, form):
        if self.process_errors:  # not a number: no range check on top of that message
            raise StopValidation()


class AdjustHoursForm(FlaskForm):
    member_id = SelectField(_l("Member"), choices=[], validate_choice=False,
                            validators=[DataRequired(_l("Please choose a member."))])
    amount = HoursField(_l("Hours (negative to subtract)"),
                        validators=[InputRequired(_l("Please enter the hours."))])
    reason = StringField(_l("Reason (required)"), validators=[Length(max=500)])

    def validate_member_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Please choose a member of the studio."))
