from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from blueprints.hours.forms import HoursField
from studio.labels import AUDIENCE_LABELS, DELIVERABLE_LABELS, FOCUS_LABELS


class AudienceFields:
    """Who a task or an activity is for: the fields and their choices, shared by both forms
    (``blueprints.tasks.operations.audience_members`` turns them into members)."""
    audience = SelectField(_l("For"), choices=list(AUDIENCE_LABELS.items()))
    audience_value = SelectField(_l("Which role or group"), choices=[], validate_choice=False)
    members = SelectMultipleField(_l("Chosen members"), choices=[], validate_choice=False)

    def set_audience_choices(self, studio, user, roster):
        """A backbone teacher addresses their own mentees (their group or chosen ones); the
        master any role, group or member. ``picker`` lists the members one may choose in
        sections by mentor group (the operation checks the chosen ids again); ``twins`` are
        the names shared by two members, shown with their school."""
        from flask_babel import gettext as _

        from studio.listing import same_names
        groups = [(str(g.id), _("Group of %(name)s", name=g.mentor.name)) for g in roster.group_rows]
        if user.role_in(studio) == "backbone":
            self.audience.choices = [c for c in self.audience.choices if c[0] in ("group", "members")]
            own = [u for mentor, mentees in roster.groups if mentor.id == user.id for u in mentees]
            self.picker = [(_("My mentees"), own)]
            self.audience_value.choices = [(str(g.id), _("My mentees")) for g in roster.group_rows
                                           if g.mentor_id == user.id]
        else:
            self.picker = ([(_("Group of %(name)s", name=mentor.name), mentees)
                            for mentor, mentees in roster.groups if mentees]
                           + [(_("Backbone teachers"), roster.backbones),
                              (_("New teachers without a mentor"), roster.unassigned)])
            self.audience_value.choices = ([("new_teacher", _("New teachers")),
                                            ("backbone", _("Backbone teachers"))] + groups)
        self.picker = [(title, users) for title, users in self.picker if users]
        self.members.choices = [(str(u.id), u.name) for _title, users in self.picker for u in users]
        self.twins = same_names(roster.everyone)


class TaskForm(AudienceFields, FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Please enter a title.")),
                                                 Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=20000)])
    focus = SelectField(_l("Focus"), choices=list(FOCUS_LABELS.items()))
    deliverable = SelectField(_l("What is handed in"), choices=list(DELIVERABLE_LABELS.items()))
    hours = HoursField(_l("Study hours credited"), default=2,
                         validators=[InputRequired(_l("Please enter the study hours.")),
                                     NumberRange(0, 100, _l("Study hours are between 0 and 100."))])
    course = SelectField(_l("Course to study"), choices=[], validate_choice=False)
    modules = SelectMultipleField(_l("Modules to study"), choices=[], validate_choice=False)
    opens_on = DateField(_l("Opens on"),
                         validators=[DataRequired(_l("Please enter a valid date."))])
    due_on = DateField(_l("Due on"), validators=[DataRequired(_l("Please enter a valid due date."))])

    def data_for_task(self):
        return {"title": self.title.data.strip(), "description": self.description.data or "",
                "focus": self.focus.data, "deliverable": self.deliverable.data,
                "hours": self.hours.data, "opens_on": self.opens_on.data,
                "due_on": self.due_on.data, "audience": self.audience.data,
                "audience_value": self.audience_value.data or "",
                "course_id": self.course.data or None, "module_ids": self.modules.data or []}

    def set_course_choices(self, studio, user):
        """The published courses of the studio (own and adopted) the setter may assign, each
        with its modules (``course_picker``: [(course, modules)]) for the module checkboxes."""
        from models.course import Course
        from studio.extensions import db
        courses = db.session.execute(
            Course.available_in(studio, user).where(Course.state == "published")
            .options(db.selectinload(Course.modules)).order_by(Course.title, Course.id)
        ).scalars().all()
        self.course_picker = [(c, list(c.modules)) for c in courses if c.modules]
        self.course.choices = [("", _l("Choose a course"))] + [
            (str(c.id), c.title) for c, _modules in self.course_picker]
        self.modules.choices = [(str(m.id), m.title) for _c, ms in self.course_picker for m in ms]


class SubmitAssignmentForm(FlaskForm):
    note = TextAreaField(_l("What you hand in (Markdown)"),
                         validators=[DataRequired(_l("Please write what you hand in.")),
                                     Length(max=50000)])


class DecideAssignmentForm(FlaskForm):
    decision = SelectField(choices=[("complete", _l("Complete")), ("return", _l("Return"))])
    feedback = TextAreaField(_l("Feedback"), validators=[Optional(), Length(max=5000)])

