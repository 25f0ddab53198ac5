"""Course authoring forms (part A): a course, and a module of each kind."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FloatField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from blueprints.hours.forms import HoursField
from studio.inputs import parse_count

MIN_HOURS, MAX_HOURS = 0.5, 20
MAX_DURATION = 24 * 3600


class CourseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    # one of the usual categories (suggested by a datalist) or any other
    category = StringField(_l("Category"), validators=[Optional(), Length(max=64)])
    summary = TextAreaField(_l("Summary (Markdown)"), validators=[Length(max=20000)])

    def fields(self):
        return {"title": self.title.data.strip(), "category": (self.category.data or "").strip(),
                "summary": self.summary.data or ""}


class CountField(IntegerField):
    """A whole number read by ``inputs.parse_count`` (ASCII digits only, bounded); anything
    else (NaN, 1e999, -1, ²) gets the field's translated message."""

    def __init__(self, label=None, validators=None, low=0, high=1000, message=None, **kwargs):
        self.low, self.high, self.message = low, high, message
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist or [""])[0].strip()
        if not text:
            self.data = None
            return
        self.data = parse_count(text, self.low, self.high)
        if self.data is None:
            raise ValueError(self.message)


def _count(label, low, high, message, default=None):
    return CountField(label, validators=[InputRequired(message), NumberRange(low, high, message)],
                      low=low, high=high, message=message, default=default)


HOURS_MESSAGE = _l("Please enter hours from 0.5 to 20.")


class ModuleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    hours = HoursField(_l("Study hours"), validators=[
        InputRequired(_l("Please enter the hours.")),
        NumberRange(MIN_HOURS, MAX_HOURS, HOURS_MESSAGE)])
    kind = HiddenField()

    def fields(self):
        return {"title": self.title.data.strip(), "hours": float(self.hours.data)}


class LectureForm(ModuleForm):
    video = FileField(_l("Lecture video (mp4, webm or mov)"))
    # used when the server cannot measure the video (no ffprobe); static/js prefills it
    duration = FloatField(_l("Duration in seconds"), validators=[
        Optional(), NumberRange(1, MAX_DURATION,
                                _l("Please enter a duration from 1 second to 24 hours."))])


class ReadingForm(ModuleForm):
    document = FileField(_l("PDF document"))
    body = TextAreaField(_l("…or the text (Markdown)"), validators=[Length(max=200000)])
    minutes = _count(_l("Minimum reading time (minutes)"), 1, 240,
                     _l("Please enter a reading time from 1 to 240 minutes."), default=2)

    def fields(self):
        return {**super().fields(), "body": self.body.data or "",
                "min_seconds": self.minutes.data * 60}


class QuizForm(ModuleForm):
    draw_count = _count(_l("Questions per attempt (0: all)"), 0, 500,
                        _l("Please enter a number of questions from 0 to 500."), default=0)
    pass_mark = _count(_l("Pass mark (%)"), 1, 100,
                       _l("Please enter a pass mark from 1 to 100."), default=80)
    max_attempts = _count(_l("Attempts allowed"), 1, 20,
                          _l("Please enter a number of attempts from 1 to 20."), default=3)

    def fields(self):
        return {**super().fields(), "draw_count": self.draw_count.data,
                "pass_mark": self.pass_mark.data, "max_attempts": self.max_attempts.data}


MODULE_FORMS = {"lecture": LectureForm, "reading": ReadingForm, "quiz": QuizForm}


class ActionForm(FlaskForm):
    """A button's form (publish, archive, remove, adopt...): the CSRF token alone."""
