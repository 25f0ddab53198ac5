from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from studio.inputs import parse_id

DATE_MESSAGE = _l("Please enter a date such as 2026-10-15.")
# dates the database and the calendar both hold (year 1 or 9999 are typed by mistake)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class PeriodDateField(DateField):
    """A date typed as YYYY-MM-DD within sensible years; anything else gets a message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None
        if self.data is not None and not EARLIEST <= self.data <= LATEST:
            self.data = None
            raise ValueError(DATE_MESSAGE)


class BriefingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    period_start = PeriodDateField(_l("Period from"), validators=[Optional()])
    period_end = PeriodDateField(_l("Period to"), validators=[Optional()])
    body = TextAreaField(_l("Text of the briefing (Markdown)"),
                         validators=[Optional(), Length(max=50000)])


class FromDataForm(FlaskForm):
    period_start = PeriodDateField(_l("Period from"), validators=[InputRequired(DATE_MESSAGE)])
    period_end = PeriodDateField(_l("Period to"), validators=[InputRequired(DATE_MESSAGE)])
    posts = SelectMultipleField(_l("Posts to quote"), choices=[], validate_choice=False)
    briefing = StringField(validators=[Optional()])
    confirm = BooleanField(_l("Replace the text of this draft"))

    def post_ids(self):
        return [parse_id(v) for v in self.posts.data or []]


class ImageForm(FlaskForm):
    image = FileField(_l("Picture (JPEG, PNG or WebP)"))
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=100)])


class ActionForm(FlaskForm):
    pass
