from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from studio.inputs import parse_id


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    summary = TextAreaField(_l("Summary: the question studied, aims and methods (Markdown)"),
                            validators=[DataRequired(_l("Please write a summary.")),
                                        Length(max=20000)])
    # Choices are the studio's backbone teachers and master / its members (set by the route);
    # an id outside them is refused by the operation with a message.
    leader = SelectField(_l("Leader"), choices=[], validate_choice=False)
    members = SelectMultipleField(_l("Members"), choices=[], validate_choice=False)

    def project_fields(self):
        """The form's values; ids parsed once (None for anything not an id)."""
        return {"title": self.title.data.strip(), "summary": self.summary.data or "",
                "leader_id": parse_id(self.leader.data),
                "member_ids": [parse_id(v) for v in self.members.data or []]}


class ReportForm(FlaskForm):
    document = FileField(_l("Report document (docx, pdf or pptx)"))
    summary = TextAreaField(_l("Summary of the report (Markdown)"),
                            validators=[DataRequired(_l("Please write a summary of the report.")),
                                        Length(max=20000)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                    ("return", _l("Return for revision"))])
    reason = TextAreaField(_l("Comments and reasons (Markdown)"),
                           validators=[Optional(), Length(max=20000)])
