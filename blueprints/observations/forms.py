from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from blueprints.hours.forms import HoursField
from models.observation import NOTE_FIELDS
from studio.inputs import parse_count
from studio.labels import OBSERVATION_RATING_LABELS

NOTE_MAX = 5000


DATE_MESSAGE = _l("Please enter the date of the lesson, such as 2026-10-15.")


class LessonDateField(DateField):
    """A date typed as YYYY-MM-DD; anything else gets a translated message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None


def _note():
    return TextAreaField(validators=[Optional(), Length(max=NOTE_MAX)])


class ObservationForm(FlaskForm):
    observed_on = LessonDateField(_l("Date of the lesson"), validators=[InputRequired(DATE_MESSAGE)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=128)])
    teacher = StringField(_l("Teacher"), validators=[
        DataRequired(_l("Please enter who taught the lesson.")), Length(max=64)])
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=64)])
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=32)])
    topic = StringField(_l("Lesson topic"), validators=[
        DataRequired(_l("Please enter the topic of the lesson.")), Length(max=200)])
    # the notes are labelled by the rubric dimensions (studio/labels.py: DIMENSION_LABELS)
    learner_analysis = _note()
    lesson_design = _note()
    teaching_delivery = _note()
    reflection = _note()
    rating = SelectField(_l("Overall evaluation"), choices=list(OBSERVATION_RATING_LABELS.items()))
    overall = TextAreaField(_l("Overall comment"), validators=[Optional(), Length(max=NOTE_MAX)])
    case_id = HiddenField()

    def fields(self):
        data = {name: (getattr(self, name).data or "").strip()
                for name in ("school", "teacher", "subject", "grade", "topic", "overall",
                             *NOTE_FIELDS)}
        data.update(observed_on=self.observed_on.data, rating=self.rating.data)
        return data


TARGET_MESSAGE = _l("Please enter a number from 0 to 500.")


class TargetField(IntegerField):
    """A whole number of observations, 0-500, read by ``inputs.parse_count`` (ASCII digits
    only); anything else gets a translated message."""

    def process_formdata(self, valuelist):
        self.data = parse_count((valuelist or [""])[0].strip(), 0, 500)
        if self.data is None:
            raise ValueError(TARGET_MESSAGE)


def _target(label):
    return TargetField(label, validators=[InputRequired(TARGET_MESSAGE),
                                          NumberRange(0, 500, TARGET_MESSAGE)])


class ObservationRulesForm(FlaskForm):
    observation_target_backbone = _target(_l("Backbone teachers: observations per term"))
    observation_target_new_teacher = _target(_l("New teachers: observations per term"))
    observation_hours = HoursField(_l("Study hours per observation (0: none)"), validators=[
        InputRequired(_l("Please enter the hours.")),
        NumberRange(0, 99.9, _l("Please enter hours from 0 to 99.9."))])


class DeleteForm(FlaskForm):
    pass
