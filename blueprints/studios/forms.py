from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from studio.passwords import password_problem

USERNAME_RULE = Regexp(r"^[A-Za-z0-9_.\-]{3,64}$",
                       message=_l("A username has 3–64 letters, digits, '_', '.' or '-'."))


def role_choices():
    from blueprints.studios.operations import ROLE_LABELS
    return [(code, label) for code, label in ROLE_LABELS.items() if code != "master"]


class AddMemberForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Please enter a username.")),
                                                       USERNAME_RULE])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=role_choices, validate_choice=True)
    school = StringField(_l("School"), validators=[Optional(), Length(max=128)])
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("Phone"), validators=[Optional(), Regexp(r"^[0-9+\- ]{5,20}$",
                                                 message=_l("Please enter a valid phone number."))])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(_l("Please enter a valid e-mail address."))])
    mentor = SelectField(_l("Mentor (for a new teacher)"), choices=[], validate_choice=False)
    initial_password = PasswordField(_l("Initial password (for a new account)"))

    def validate_initial_password(self, field):
        if field.data:
            problem = password_problem(field.data, self.username.data or "")
            if problem:
                raise ValidationError(problem)


class RemoveMemberForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=255)])


class AssignMentorForm(FlaskForm):
    mentee_id = HiddenField(validators=[DataRequired()])
    mentor_id = SelectField(_l("Mentor"), choices=[], validate_choice=False,
                            validators=[DataRequired(_l("Please choose a mentor."))])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=255)])
