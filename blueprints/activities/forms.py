from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from blueprints.hours.forms import HoursField
from blueprints.tasks.forms import AudienceFields
from studio.labels import ACTIVITY_KIND_LABELS, ACTIVITY_MODE_LABELS

WHEN = "%Y-%m-%dT%H:%M"

class ActivityForm(AudienceFields, FlaskForm):
    kind = SelectField(_l("Kind of activity"), choices=list(ACTIVITY_KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    agenda = TextAreaField(_l("Agenda (Markdown)"), validators=[Length(max=20000)])
    starts_at = DateTimeLocalField(_l("Starts at"), format=WHEN, validators=[
        DataRequired(_l("Please enter when the activity starts."))])
    ends_at = DateTimeLocalField(_l("Ends at"), format=WHEN, validators=[
        DataRequired(_l("Please enter when the activity ends."))])
    mode = SelectField(_l("On site or online"), choices=list(ACTIVITY_MODE_LABELS.items()))
    place = StringField(_l("Place (on site)"), validators=[Optional(), Length(max=200)])
    hours = HoursField(_l("Study hours credited"), default=2,
                       validators=[InputRequired(_l("Please enter the study hours.")),
                                   NumberRange(0, 100, _l("Study hours are between 0 and 100."))])
    presence_share = IntegerField(
        _l("Online: share of the duration in the live room for attendance (%)"), default=80,
        validators=[Optional(), NumberRange(1, 100, _l("Please enter a share between 1 and 100."))])

    def data_for_activity(self):
        return {"kind": self.kind.data, "title": self.title.data.strip(),
                "agenda": self.agenda.data or "", "starts_at": self.starts_at.data,
                "ends_at": self.ends_at.data, "mode": self.mode.data,
                "place": (self.place.data or "").strip(), "hours": self.hours.data,
                "presence_share": 80 if self.presence_share.data is None else self.presence_share.data,
                "audience": self.audience.data, "audience_value": self.audience_value.data or ""}

class ReplyForm(FlaskForm):
    reply = SelectField(_l("Your answer"), choices=[("attend", _l("I will attend")),
                                                    ("leave", _l("I ask for leave"))])
    reason = StringField(_l("Reason for leave"), validators=[Length(max=500)])

class DecideLeaveForm(FlaskForm):
    decision = SelectField(choices=[("approved", _l("Approve")), ("refused", _l("Refuse"))])

class CheckInForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[Length(max=20)])
    token = HiddenField()

class MarkAttendanceForm(FlaskForm):
    user_id = SelectField(_l("Member"), choices=[], validate_choice=False,
                          validators=[DataRequired(_l("Please choose a member."))])
    reason = StringField(_l("Reason (required)"), validators=[Length(max=500)])

class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (required)"), validators=[Length(max=500)])

class NoFieldsForm(FlaskForm):
    """Only the CSRF token (check out)."""


class SectionForm(FlaskForm):
    """A section of the shared lesson plan; ``started_from`` is the version the editor
    began with (the version check)."""
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(
        max=50000, message=_l("A section has at most %(max)d characters."))])
    started_from = HiddenField()


class AssignSectionForm(FlaskForm):
    assignee_id = SelectField(_l("Assigned to"), choices=[], validate_choice=False)


class RecordForm(FlaskForm):
    body = TextAreaField(_l("Record of the activity (Markdown)"), validators=[Length(max=20000)])
    photo = FileField(_l("Add a photo (JPEG, PNG or WebP)"))


class PresenceShareForm(FlaskForm):
    presence_share = IntegerField(
        _l("Share of the duration in the live room for attendance (%)"),
        validators=[InputRequired(_l("Please enter a share between 1 and 100.")),
                    NumberRange(1, 100, _l("Please enter a share between 1 and 100."))])
