from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from blueprints.hours.forms import HoursField
from studio.labels import AUDIENCE_LABELS, DELIVERABLE_LABELS, FOCUS_LABELS


class TaskForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=20000)])
    focus = SelectField(_l("Focus"), choices=list(FOCUS_LABELS.items()))
    deliverable = SelectField(_l("What is handed in"), choices=list(DELIVERABLE_LABELS.items()))
    hours = HoursField(_l("Study hours credited"), default=2,
                         validators=[InputRequired(_l("Please enter the study hours.")),
                                     NumberRange(0, 100, _l("Study hours are between 0 and 100."))])
    opens_on = DateField(_l("Opens on"),
                         validators=[DataRequired(_l("Please enter a valid date."))])
    due_on = DateField(_l("Due on"), validators=[DataRequired(_l("Please enter a valid due date."))])
    audience = SelectField(_l("For"), choices=list(AUDIENCE_LABELS.items()))
    audience_value = SelectField(_l("Which role or group"), choices=[], validate_choice=False)
    members = SelectMultipleField(_l("Chosen members"), choices=[], validate_choice=False)

    def data_for_task(self):
        return {"title": self.title.data.strip(), "description": self.description.data or "",
                "focus": self.focus.data, "deliverable": self.deliverable.data,
                "hours": self.hours.data, "opens_on": self.opens_on.data,
                "due_on": self.due_on.data, "audience": self.audience.data,
                "audience_value": self.audience_value.data or ""}


class SubmitAssignmentForm(FlaskForm):
    note = TextAreaField(_l("What you hand in (Markdown)"),
                         validators=[DataRequired(_l("Please write what you hand in.")),
                                     Length(max=50000)])


class DecideAssignmentForm(FlaskForm):
    decision = SelectField(choices=[("complete", _l("Complete")), ("return", _l("Return"))])
    feedback = TextAreaField(_l("Feedback"), validators=[Optional(), Length(max=5000)])

