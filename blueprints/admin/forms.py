from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import (BooleanField, DateField, IntegerField, PasswordField, SelectField,
                     StringField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from models import Studio
from studio.extensions import db
from studio.labels import STAGE_LABELS, STATUS_LABELS
from studio.inputs import parse_id
from studio.passwords import password_problem



class StudioForm(FlaskForm):
    name = StringField(_l("Studio name"), validators=[DataRequired(_l("Please enter the studio's name.")),
                                                      Length(max=128)])
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("Please enter the subject.")),
                                                     Length(max=64)])
    school_stage = SelectField(_l("School stage"), choices=list(STAGE_LABELS.items()))
    region_id = SelectField(_l("Region"), choices=[],
                            validators=[InputRequired(_l("Please choose the region."))])
    cycle_start = DateField(_l("Cycle starts"), validators=[Optional()])
    cycle_end = DateField(_l("Cycle ends"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))
    max_backbone = IntegerField(_l("Most backbone teachers"), default=10,
                                validators=[DataRequired(), NumberRange(1, 30)])
    min_new_teachers = IntegerField(_l("Fewest new teachers (below is a warning)"), default=50,
                                    validators=[InputRequired(), NumberRange(0, 300)])
    max_new_teachers = IntegerField(_l("Most new teachers"), default=100,
                                    validators=[DataRequired(), NumberRange(1, 300)])
    hours_target_new_teacher = IntegerField(_l("Study-hour target, new teachers"), default=50,
                                            validators=[DataRequired(), NumberRange(1, 500)])
    hours_target_backbone = IntegerField(_l("Study-hour target, backbone teachers"), default=60,
                                         validators=[DataRequired(), NumberRange(1, 500)])

    def __init__(self, *args, studio=None, region_choices=(), **kwargs):
        super().__init__(*args, obj=studio, **kwargs)
        self.studio = studio
        self.region_id.choices = list(region_choices)
        if studio is not None and studio.region_id is not None and not self.is_submitted():
            self.region_id.data = str(studio.region_id)

    def populate_obj(self, obj):
        super().populate_obj(obj)
        obj.region_id = parse_id(self.region_id.data)

    def validate_name(self, field):
        other = db.session.execute(select(Studio.id).where(Studio.name == field.data.strip())).first()
        if other and (self.studio is None or other[0] != self.studio.id):
            raise ValidationError(_l("A studio with this name already exists."))

    def validate_cycle_end(self, field):
        if field.data and self.cycle_start.data and field.data <= self.cycle_start.data:
            raise ValidationError(_l("The cycle must end after it starts."))

    def validate_max_new_teachers(self, field):
        if self.min_new_teachers.data is not None and field.data is not None \
                and field.data < self.min_new_teachers.data:
            raise ValidationError(_l("The most must not be below the fewest."))
        if self.studio is not None and field.data is not None \
                and field.data < self.studio.role_counts()["new_teacher"]:
            raise ValidationError(_l("The studio already has more new teachers than this."))

    def validate_max_backbone(self, field):
        if self.studio is not None and field.data is not None \
                and field.data < self.studio.role_counts()["backbone"]:
            raise ValidationError(_l("The studio already has more backbone teachers than this."))


class AppointMasterForm(FlaskForm):
    username = StringField(_l("Username of the master teacher"),
                           validators=[DataRequired(_l("Please enter a username.")), Length(max=64)])
    # Only asked when the studio already has a master (the page says who leaves).
    confirm = BooleanField(_l("Yes, replace the current master"))
    keep_old_master = BooleanField(
        _l("Keep the current master in the studio as a backbone teacher"))


class ImportForm(FlaskForm):
    file = FileField(_l("Member list (CSV or XLSX)"),
                     validators=[FileRequired(_l("Please choose a CSV or XLSX file."))])
    initial_password = PasswordField(_l("Initial password for new accounts"),
                                     validators=[DataRequired(_l("Please set an initial password."))])

    def validate_initial_password(self, field):
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


class InitialPasswordForm(FlaskForm):
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(_l("Please set an initial password."))])

    def validate_password(self, field):
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


LEVEL_CHOICES = [("province", _l("Province")), ("city", _l("City")),
                 ("county", _l("County or district"))]


class RegionForm(FlaskForm):
    name = StringField(_l("Region name"),
                       validators=[DataRequired(_l("Please enter the region's name.")),
                                   Length(max=64)])
    code = StringField(_l("Code (行政区划代码)"), validators=[Optional(), Length(max=12)])
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES)
    parent_id = SelectField(_l("Lies in"), choices=[], validate_choice=False)


class RenameRegionForm(FlaskForm):
    name = StringField(_l("Region name"),
                       validators=[DataRequired(_l("Please enter the region's name.")),
                                   Length(max=64)])
    code = StringField(_l("Code (行政区划代码)"), validators=[Optional(), Length(max=12)])


class MoveRegionForm(FlaskForm):
    parent_id = SelectField(_l("Move into"), choices=[], validate_choice=False)


class RegionImportForm(FlaskForm):
    file = FileField(_l("Regions (CSV)"), validators=[FileRequired(_l("Please choose a CSV file."))])


class OfficeForm(FlaskForm):
    """A new office account (教育局 / 项目办) scoped to a region."""
    name = StringField(_l("Office name"), validators=[DataRequired(_l("Please enter a name.")),
                                                      Length(max=64)])
    username = StringField(_l("Username"), validators=[DataRequired(_l("Please enter a username.")),
                                                       Length(min=3, max=64)])
    region_id = SelectField(_l("Region it oversees"), choices=[], validate_choice=False)
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(_l("Please set an initial password."))])

    def validate_username(self, field):
        from blueprints.admin.operations import USERNAME_RE
        if not USERNAME_RE.match(field.data.strip()):
            raise ValidationError(_l("The username may only hold 3–64 letters, digits, '_', "
                                     "'.' or '-'."))

    def validate_name(self, field):
        if any(ord(c) < 32 for c in field.data):
            raise ValidationError(_l("Please enter a name."))

    def validate_password(self, field):
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


class ScopeForm(FlaskForm):
    region_id = SelectField(_l("Region it oversees"), choices=[], validate_choice=False)
