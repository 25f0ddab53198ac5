from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FloatField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models.case import parts_of
from studio.labels import CASE_KIND_LABELS, DIMENSION_LABELS, VIDEO_COMMENT_KIND_LABELS


class CaseForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(CASE_KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=64)])
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=32)])
    topic = StringField(_l("Lesson topic"), validators=[Optional(), Length(max=200)])
    # The parts are named by the legends of the form (studio/labels.py: part_labels), which
    # change with the kind: a lesson's design and reflection, a report's document and summary.
    design_file = FileField(_l("Document (docx, pdf or pptx)"))
    design_text = TextAreaField(_l("…or write it here (Markdown)"),
                                validators=[Length(max=100000)])
    recording = FileField(_l("Classroom recording (mp4, webm or mov, up to 2 GB)"))
    reflection = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=100000)])
    assignment_id = HiddenField()

    def parts(self):
        """The parts the chosen kind needs (no recording for a report or a practice case)."""
        return parts_of(self.kind.data)

    def case_fields(self):
        return {"kind": self.kind.data, "title": self.title.data.strip(),
                "subject": self.subject.data or "", "grade": self.grade.data or "",
                "topic": self.topic.data or ""}


def _score():
    return IntegerField(validators=[InputRequired(_l("Please give a score from 1 to 5.")),
                                    NumberRange(1, 5, _l("Please give a score from 1 to 5."))])


class ReviewForm(FlaskForm):
    learner_analysis_score = _score()
    learner_analysis_comment = TextAreaField(validators=[Length(max=5000)])
    lesson_design_score = _score()
    lesson_design_comment = TextAreaField(validators=[Length(max=5000)])
    teaching_delivery_score = _score()
    teaching_delivery_comment = TextAreaField(validators=[Length(max=5000)])
    reflection_score = _score()
    reflection_comment = TextAreaField(validators=[Length(max=5000)])
    overall = TextAreaField(_l("Overall comment (Markdown)"), validators=[Length(max=20000)])
    verdict = SelectField(_l("Verdict"), choices=[("approve", _l("Approve")),
                                                  ("request_changes", _l("Request changes"))])

    def rubric(self):
        out = {}
        for dimension in DIMENSION_LABELS:
            out[f"{dimension}_score"] = getattr(self, f"{dimension}_score").data
            out[f"{dimension}_comment"] = getattr(self, f"{dimension}_comment").data or ""
        return out


class VideoCommentForm(FlaskForm):
    second = FloatField(_l("At second"), validators=[  # NumberRange refuses NaN and infinities
        Optional(), NumberRange(0, 6 * 3600, _l("The time in the video is not valid."))])
    dimension = SelectField(_l("Dimension"), choices=list(DIMENSION_LABELS.items()))
    kind = SelectField(_l("Kind"), choices=list(VIDEO_COMMENT_KIND_LABELS.items()))
    body = TextAreaField(_l("Comment"), validators=[DataRequired(_l("The comment is empty.")),
                                                    Length(max=2000)])
    parent_id = HiddenField()


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])
