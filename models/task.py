"""Tasks (任务) and one Assignment per assignee."""
from datetime import date

from sqlalchemy import exists, false, or_, select

from models.base import utcnow
from studio.extensions import db

FOCUSES = ("learner_analysis", "lesson_design", "teaching_delivery", "reflection", "other")
DELIVERABLES = ("lesson_case", "reflection", "reading_notes", "growth_plan", "report", "course",
                "other")
AUDIENCES = ("studio", "role", "group", "members")
ASSIGNMENT_STATES = ("assigned", "submitted", "returned", "completed")


MAX_TASK_HOURS = 999.9   # the database's bound; the form and assign_task allow up to 100


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        # a range test, not ``hours = hours``: PostgreSQL's NUMERIC keeps 'NaN' and NaN = NaN
        db.CheckConstraint(f"hours BETWEEN 0 AND {MAX_TASK_HOURS}", name="hours_finite_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    description_html = db.Column(db.Text, nullable=False, default="")
    focus = db.Column(db.String(32), nullable=False, default="other")
    deliverable = db.Column(db.String(32), nullable=False, default="other")
    hours = db.Column(db.Numeric(6, 1, asdecimal=False), nullable=False, default=0)
    audience = db.Column(db.String(16), nullable=False, default="members")
    audience_value = db.Column(db.String(64), nullable=False, default="")
    opens_on = db.Column(db.Date, nullable=False, default=date.today)
    due_on = db.Column(db.Date, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # a course task (deliverable "course"): the course to study, all of its modules unless
    # some are chosen (``modules``); completed when the assignee has completed them, whose
    # hours the modules credit (the task itself credits none)
    course_id = db.Column(db.Integer, db.ForeignKey("courses.id"), nullable=True, index=True)

    studio = db.relationship("Studio")
    created_by = db.relationship("User", lazy="joined")
    course = db.relationship("Course")
    modules = db.relationship("CourseModule", secondary="task_modules",
                              order_by="CourseModule.position, CourseModule.id")
    assignments = db.relationship("Assignment", back_populates="task", lazy="select",
                                  cascade="all, delete-orphan")

    def can_view(self, user):
        """The setter, the master and the admin; the task's assignees; and the mentors of its
        assignees, who follow their mentees' tasks. Other members do not see it."""
        if not self.studio.can_view(user):
            return False
        if self.can_manage(user) or any(a.user_id == user.id for a in self.assignments):
            return True
        return self.is_followed_by(user)

    def is_followed_by(self, user):
        """A mentor follows the tasks set for their current mentees."""
        mentees = self.studio.current_mentee_ids(user)
        return db.session.execute(select(exists().where(
            Assignment.task_id == self.id, Assignment.user_id.in_(mentees)))).scalar()

    def can_follow_progress(self, user):
        """Who sees the hand-ins grouped by mentor group: managers and following mentors."""
        return self.can_manage(user) or self.is_followed_by(user)

    @classmethod
    def visible_to(cls, studio, user):
        """The query twin of ``can_view``: the tasks of a studio the user may see."""
        stmt = select(cls).where(cls.studio_id == studio.id)
        if not studio.can_view(user):
            return stmt.where(false())
        if studio.is_run_by(user):
            return stmt
        assigned = select(Assignment.task_id).where(Assignment.user_id == user.id)
        followed = select(Assignment.task_id).where(
            Assignment.user_id.in_(studio.current_mentee_ids(user)))
        return stmt.where(or_(cls.created_by_id == user.id, cls.id.in_(assigned),
                              cls.id.in_(followed)))

    def can_manage(self, user):
        """The setter, the studio's master and the admin follow up a task."""
        return self.studio.can_view(user) and (
            user.id == self.created_by_id or self.studio.is_run_by(user))

    # --- course tasks (issue 11, part D) -----------------------------------------------------
    @property
    def is_course_task(self):
        """A course task: studying a course's modules completes it, nothing is handed in."""
        return self.deliverable == "course" and self.course_id is not None


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (db.UniqueConstraint("task_id", "user_id", name="uq_assignment_task_user"),)

    id = db.Column(db.Integer, primary_key=True)
    task_id = db.Column(db.Integer, db.ForeignKey("tasks.id"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    state = db.Column(db.String(16), nullable=False, default="assigned")
    note = db.Column(db.Text, nullable=False, default="")
    note_html = db.Column(db.Text, nullable=False, default="")
    feedback = db.Column(db.Text, nullable=False, default="")
    submitted_at = db.Column(db.DateTime, nullable=True)
    completed_at = db.Column(db.DateTime, nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    task = db.relationship("Task", back_populates="assignments", lazy="joined")
    user = db.relationship("User", lazy="joined")

    def display_state(self, today=None):
        """The state a person sees: 'overdue' is computed from the due date."""
        if today is None:
            from studio.dates import studio_today
            today = studio_today(self.task.studio)
        if self.state in ("assigned", "returned") and self.task.due_on < today:
            return "overdue"
        return self.state

    def can_submit(self, user):
        """A hand-in by the assignee; a course task has none (its modules complete it)."""
        return self.is_todo_for(user) and not self.task.is_course_task

    def is_mentored_by(self, user):
        """``user`` is the assignee's current mentor (the mentee has not left the group)."""
        studio = self.task.studio
        if not studio.can_take_part(user):
            return False
        return studio.is_current_mentor(user, self.user_id)

    def _decider(self, user):
        """Whoever decides this hand-in when it is time: the setter, the master or the admin
        (``Task.can_manage``), or the assignee's current mentor."""
        return self.task.can_manage(user) or self.is_mentored_by(user)

    def can_decide_by_hand(self, user):
        """The decide buttons on a hand-in: a lesson-case task is decided by its case's
        review instead."""
        return self.task.deliverable != "lesson_case" and self.can_decide(user)

    def can_decide(self, user):
        """Who completes or returns it now. A handed-in task: its setter, the master, the
        admin or the assignee's current mentor. A lesson-case task is decided by its case's
        review: only the reviewer who may decide on an approved case for this assignment
        completes it."""
        if self.state == "completed":
            return False
        if self.task.deliverable == "lesson_case":
            from models.case import LessonCase
            cases = db.session.execute(db.select(LessonCase).where(
                LessonCase.assignment_id == self.id,
                LessonCase.state.in_(("approved", "recommended")))).scalars()
            return any(case.is_reviewer(user) for case in cases)
        return self.state == "submitted" and self._decider(user)

    def refusal(self, check, user):
        """Why a decider may not decide now (a 409 for ``load_object``); None for anyone else."""
        if check not in ("can_decide", "can_decide_by_hand") or not self._decider(user):
            return None
        from flask_babel import lazy_gettext as _l
        if self.state == "completed":
            return _l("This task is already completed; its hours were credited once.")
        if self.task.deliverable == "lesson_case":
            return _l("This task is completed when its lesson case is approved.")
        if self.task.is_course_task:
            return _l("A course task is completed by itself when its modules are completed.")
        return _l("Only a handed-in task can be completed or returned.")

    # --- course tasks (issue 11, part D) -----------------------------------------------------
    def is_todo_for(self, user):
        """Still waiting for ``user``, its assignee: to hand in, or (a course task) to study
        until its modules are completed. Overdue ones stay to-dos (``display_state``)."""
        return user.id == self.user_id and self.state in ("assigned", "returned")
