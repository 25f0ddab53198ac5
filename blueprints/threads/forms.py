from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ThreadForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    body = TextAreaField(_l("Your post (Markdown; type @ and a name to mention a member)"),
                         validators=[DataRequired(_l("The post is empty.")), Length(max=50000)])
    subject_type = HiddenField()
    subject_id = HiddenField()


class PostForm(FlaskForm):
    body = TextAreaField(_l("Reply (Markdown; type @ and a name to mention a member)"),
                         validators=[DataRequired(_l("The post is empty.")), Length(max=50000)])
    quoted_post_id = HiddenField()


class DeletePostForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
