from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from studio.passwords import password_problem


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Please enter your username.")),
                                                       Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password."))])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Please enter your current password."))])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(_l("Please enter a new password."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Please enter the new password again.")),
        EqualTo("new_password", _l("The two new passwords do not match.")),
    ])

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if not self.user.check_password(field.data):
            raise ValidationError(_l("The current password is not correct."))

    def validate_new_password(self, field):
        problem = password_problem(field.data, self.user.username)
        if problem:
            raise ValidationError(problem)
        if self.user.check_password(field.data):
            raise ValidationError(_l("The new password must differ from the current one."))


class LanguageForm(FlaskForm):
    locale = StringField(validators=[DataRequired()])
    next = HiddenField()
