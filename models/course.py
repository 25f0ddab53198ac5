"""Online course study (在线课程学习): courses, their modules and each learner's progress.

A course belongs either to a studio (``studio_id``: the master's own course) or to an office
(``studio_id`` NULL; ``region_id`` the office's region, NULL for the platform office). A
studio studies its own published courses and the office courses it has adopted
(``CourseAdoption``). A module is a lecture (a video with its duration), a reading (a PDF or
Markdown text with a minimum reading time) or a quiz (questions drawn from its bank); each
carries the study hours a learner earns by completing it.

Hours count only for study that was assigned: a learner's progress on a module is recorded
when a task of their studio asks them to study it (``Task.course_id``, all of the course's
modules or the ones chosen in ``task_modules``). A completed module credits its hours once
through the ledger (``credit_hours``, source ``course``, the ``ModuleProgress`` row as its
source row). ``available_in`` is the query twin of ``Course.can_view_in``;
``assigned_module_ids`` the one of ``CourseModule.is_assigned_to``.
"""
from sqlalchemy import and_, false, or_, select

from models.base import utcnow
from studio.extensions import db

COURSE_STATES = ("draft", "published", "archived")
MODULE_KINDS = ("lecture", "reading", "quiz")
QUESTION_KINDS = ("single", "multiple")

# The watch-time rules (the server's, whatever the player says): playback faster than this
# counts at this rate; a lecture is complete when this share of its duration was watched.
MAX_CREDITED_RATE = 1.5
COMPLETE_SHARE = 0.9
DEFAULT_PASS_MARK = 80
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_READING_SECONDS = 120

task_modules = db.Table(
    "task_modules",
    db.Column("task_id", db.Integer, db.ForeignKey("tasks.id", ondelete="CASCADE"),
              primary_key=True),
    db.Column("module_id", db.Integer, db.ForeignKey("course_modules.id", ondelete="CASCADE"),
              primary_key=True),
)


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = {"sqlite_autoincrement": True}

    id = db.Column(db.Integer, primary_key=True)
    # the studio's own course, or NULL for an office's course
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=True, index=True)
    # an office course's region (NULL: the platform office's, offered to every studio)
    region_id = db.Column(db.Integer, db.ForeignKey("regions.id"), nullable=True, index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    summary = db.Column(db.Text, nullable=False, default="")
    summary_html = db.Column(db.Text, nullable=False, default="")
    # 师德, 班级管理, 专业发展, 学科教学 ...: free text the library filters on
    category = db.Column(db.String(64), nullable=False, default="")
    state = db.Column(db.String(16), nullable=False, default="draft", index=True)
    published_at = db.Column(db.DateTime, nullable=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    studio = db.relationship("Studio")
    region = db.relationship("Region")
    created_by = db.relationship("User")
    modules = db.relationship("CourseModule", back_populates="course",
                              order_by="CourseModule.position, CourseModule.id",
                              cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Course {self.title}>"

    @property
    def is_office_course(self):
        return self.studio_id is None

    @property
    def hours(self):
        """The hours of all its modules."""
        return round(sum(float(m.hours or 0) for m in self.modules), 1)

    # --- authorization: the one place each rule lives ---------------------------------------
    def can_edit(self, user):
        """A studio course: its master (the overseeing office may step in). An office course:
        the office whose region holds the course's region (the platform office every one)."""
        if not getattr(user, "is_authenticated", False):
            return False
        if self.studio_id is not None:
            return self.studio.is_run_by(user)
        return self.office_may_edit(user)

    def office_may_edit(self, user):
        if not getattr(user, "is_admin", False):
            return False
        if user.region_id is None:
            return True
        return self.region is not None and user.region.contains(self.region)

    def offered_to(self, studio):
        """An office course is offered to the studios in its region and below (the platform
        office's to every studio)."""
        if self.studio_id is not None:
            return self.studio_id == studio.id
        return self.region is None or (studio.region_node is not None
                                       and self.region.contains(studio.region_node))

    def is_in(self, studio):
        """The course is part of ``studio``'s study: its own, or an adopted office course."""
        if self.studio_id is not None:
            return self.studio_id == studio.id
        return db.session.execute(select(CourseAdoption.course_id).where(
            CourseAdoption.studio_id == studio.id,
            CourseAdoption.course_id == self.id)).first() is not None

    def can_view_in(self, studio, user):
        """A published course of the studio (own or adopted): every member and the overseeing
        office. A draft: only who may edit it. (An office course is seen in a studio only while
        published: an archived one is edited in the office pages.)"""
        if not studio.can_view(user) or not self.is_in(studio):
            return False
        return self.state == "published" or (self.studio_id is not None and self.can_edit(user))

    def can_adopt(self, studio, user):
        """The master (or the overseeing office) adds a published office course offered to the
        studio to its study."""
        return (self.studio_id is None and self.state == "published"
                and studio.is_run_by(user) and self.offered_to(studio))

    @staticmethod
    def available_in(studio, user):
        """The query twin of ``can_view_in``: the courses ``user`` sees in ``studio``."""
        stmt = select(Course)
        if not studio.can_view(user):
            return stmt.where(false())
        adopted = select(CourseAdoption.course_id).where(CourseAdoption.studio_id == studio.id)
        stmt = stmt.where(or_(Course.studio_id == studio.id, Course.id.in_(adopted)))
        if studio.is_run_by(user):
            # drafts of the studio's own courses; an adopted office course is published
            return stmt.where(or_(Course.state == "published", Course.studio_id == studio.id))
        return stmt.where(Course.state == "published")

    # --- part A: authoring, adoption and the office library ---------------------------------
    @staticmethod
    def can_create_in(studio, user):
        """A studio's own course: its master (the overseeing office may step in)."""
        return studio.is_run_by(user)

    @staticmethod
    def can_create_office(user):
        """An office course: any office, for its own region (the platform office: for all)."""
        return bool(getattr(user, "is_authenticated", False)) and bool(user.is_admin)

    def can_unadopt(self, studio, user):
        """The master (or the overseeing office) takes an adopted office course back out."""
        return self.studio_id is None and studio.is_run_by(user) and self.is_in(studio)

    def office_may_read(self, user):
        """An office course in the office pages: who may edit it; once published, also the
        offices below its region (it is offered to their studios)."""
        if self.studio_id is not None or not getattr(user, "is_admin", False):
            return False
        if self.office_may_edit(user):
            return True
        return self.state == "published" and (
            self.region is None or (user.region is not None and self.region.contains(user.region)))

    @staticmethod
    def office_library(user):
        """The query twin of ``office_may_read``: the office courses ``user`` lists."""
        stmt = select(Course).where(Course.studio_id.is_(None))
        if not getattr(user, "is_admin", False):
            return stmt.where(false())
        if user.region_id is None:
            return stmt
        region = user.region
        above = [int(part) for part in region.path.strip("/").split("/") if part]
        return stmt.where(or_(
            Course.region_id.in_(region.subtree_ids()),
            and_(Course.state == "published",
                 or_(Course.region_id.is_(None), Course.region_id.in_(above)))))

    @staticmethod
    def offered_in(studio):
        """The query twin of ``offered_to`` for office courses: the published office courses
        of the platform and of the studio's region and the regions above it."""
        node = studio.region_node
        above = [int(part) for part in node.path.strip("/").split("/") if part] if node else []
        return select(Course).where(
            Course.studio_id.is_(None), Course.state == "published",
            or_(Course.region_id.is_(None), Course.region_id.in_(above)))


class CourseAdoption(db.Model):
    """A studio takes an office course into its study (选用)."""
    __tablename__ = "course_adoptions"

    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("courses.id"), primary_key=True, index=True)
    adopted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    adopted_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    studio = db.relationship("Studio")
    course = db.relationship("Course")


class CourseModule(db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (
        db.CheckConstraint("hours BETWEEN 0 AND 100", name="module_hours_range"),
        db.CheckConstraint("pass_mark BETWEEN 1 AND 100", name="module_pass_mark_range"),
        db.CheckConstraint("max_attempts BETWEEN 1 AND 20", name="module_attempts_range"),
        db.CheckConstraint("duration_seconds IS NULL OR duration_seconds BETWEEN 0 AND 86400",
                           name="module_duration_range"),
        {"sqlite_autoincrement": True},
    )

    id = db.Column(db.Integer, primary_key=True)
    course_id = db.Column(db.Integer, db.ForeignKey("courses.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    kind = db.Column(db.String(16), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    hours = db.Column(db.Numeric(4, 1, asdecimal=False), nullable=False, default=0)
    # lecture: the recording and its duration (measured by ffprobe when the file arrives)
    video_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=True)
    duration_seconds = db.Column(db.Float, nullable=True)
    # reading: a PDF, or a Markdown text; the time it must stay open before it can be finished
    document_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=True)
    body = db.Column(db.Text, nullable=False, default="")
    body_html = db.Column(db.Text, nullable=False, default="")
    min_seconds = db.Column(db.Integer, nullable=False, default=DEFAULT_READING_SECONDS)
    # quiz: how many questions an attempt draws (0: all), the pass mark (%), attempts allowed
    draw_count = db.Column(db.Integer, nullable=False, default=0)
    pass_mark = db.Column(db.Integer, nullable=False, default=DEFAULT_PASS_MARK)
    max_attempts = db.Column(db.Integer, nullable=False, default=DEFAULT_MAX_ATTEMPTS)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    course = db.relationship("Course", back_populates="modules")
    video = db.relationship("StoredFile", foreign_keys=[video_id])
    document = db.relationship("StoredFile", foreign_keys=[document_id])
    questions = db.relationship("QuizQuestion", back_populates="module",
                                order_by="QuizQuestion.position, QuizQuestion.id",
                                cascade="all, delete-orphan")

    def __repr__(self):
        return f"<CourseModule {self.kind} {self.title}>"

    def can_view_in(self, studio, user):
        return self.course.can_view_in(studio, user)

    def is_assigned_to(self, user, studio):
        """A task of ``studio`` asks ``user`` to study this module (the whole course, or this
        module among the chosen ones)."""
        return db.session.execute(
            assigned_module_ids(studio, user).where(CourseModule.id == self.id)).first() is not None

    def can_study(self, studio, user):
        """Progress is recorded (and hours credited) only for a member studying a published
        course of the studio that a task assigns to them. An office reads, it does not study."""
        return (self.course.state == "published" and studio.can_take_part(user)
                and self.course.is_in(studio) and self.is_assigned_to(user, studio))

    # --- part A: authoring and previews ----------------------------------------------------
    def can_preview(self, user):
        """An office course's module in the office pages (its video or document)."""
        return self.course.office_may_read(user)


def assigned_module_ids(studio, user):
    """A select of the ids of the modules that the tasks of ``studio`` assign to ``user``: the
    query twin of ``CourseModule.is_assigned_to``."""
    from models.task import Assignment, Task
    tasks = (select(Task.id, Task.course_id)
             .join(Assignment, Assignment.task_id == Task.id)
             .where(Task.studio_id == studio.id, Task.course_id.is_not(None),
                    Assignment.user_id == user.id)).subquery()
    chosen = select(task_modules.c.task_id).where(task_modules.c.task_id == tasks.c.id)
    whole_course = (select(CourseModule.id)
                    .join(tasks, tasks.c.course_id == CourseModule.course_id)
                    .where(~chosen.exists()))
    picked = (select(CourseModule.id)
              .join(task_modules, task_modules.c.module_id == CourseModule.id)
              .join(tasks, tasks.c.id == task_modules.c.task_id))
    return select(CourseModule.id).where(CourseModule.id.in_(whole_course.union(picked)))


class QuizQuestion(db.Model):
    """One question of a quiz's bank: single or multiple choice, options as a list of texts,
    the answer as the list of the correct options' indexes."""
    __tablename__ = "quiz_questions"

    id = db.Column(db.Integer, primary_key=True)
    module_id = db.Column(db.Integer, db.ForeignKey("course_modules.id"), nullable=False,
                          index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    kind = db.Column(db.String(16), nullable=False, default="single")
    prompt = db.Column(db.Text, nullable=False)
    options = db.Column(db.JSON, nullable=False)
    answer = db.Column(db.JSON, nullable=False)
    explanation = db.Column(db.Text, nullable=False, default="")

    module = db.relationship("CourseModule", back_populates="questions")


class ModuleProgress(db.Model):
    """One learner's progress on one module, wherever they study it (resume on any device).

    A lecture's watch time: ``covered`` holds the merged [start, end] second ranges credited
    as watched, ``covered_seconds`` their length; a viewing session (``watch_token``, one
    player at a time: a second tab takes over and the first one's reports are refused) sends
    numbered reports (``watch_seq``) whose credit the server bounds by the time that passed.
    ``position`` is where playback resumes. A reading: ``opened_at`` starts its minimum time.
    A quiz: completed by a passed ``QuizAttempt``."""
    __tablename__ = "module_progress"
    __table_args__ = (
        db.UniqueConstraint("module_id", "user_id", name="uq_module_progress_user"),
        {"sqlite_autoincrement": True},
    )

    id = db.Column(db.Integer, primary_key=True)
    module_id = db.Column(db.Integer, db.ForeignKey("course_modules.id"), nullable=False,
                          index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    # the studio the learner studied it in: its ledger gets the hours
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    position = db.Column(db.Float, nullable=False, default=0)
    covered = db.Column(db.JSON, nullable=False, default=list)
    covered_seconds = db.Column(db.Float, nullable=False, default=0)
    watch_token = db.Column(db.String(43), nullable=True)
    watch_seq = db.Column(db.Integer, nullable=False, default=0)
    watch_started_at = db.Column(db.DateTime, nullable=True)
    watch_credited = db.Column(db.Float, nullable=False, default=0)
    last_report_at = db.Column(db.DateTime, nullable=True)
    opened_at = db.Column(db.DateTime, nullable=True)
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    completed_at = db.Column(db.DateTime, nullable=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    module = db.relationship("CourseModule")
    user = db.relationship("User")
    studio = db.relationship("Studio")

    @property
    def is_complete(self):
        return self.completed_at is not None


class QuizAttempt(db.Model):
    """One attempt at a quiz: the questions drawn for it, the answers given, the score."""
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        db.UniqueConstraint("module_id", "user_id", "number", name="uq_quiz_attempt_number"),
        db.CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="quiz_score_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    module_id = db.Column(db.Integer, db.ForeignKey("course_modules.id"), nullable=False,
                          index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    question_ids = db.Column(db.JSON, nullable=False)
    answers = db.Column(db.JSON, nullable=True)           # {question id: [option indexes]}
    score = db.Column(db.Float, nullable=True)            # percent, when submitted
    passed = db.Column(db.Boolean, nullable=True)
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    submitted_at = db.Column(db.DateTime, nullable=True)

    module = db.relationship("CourseModule")
    user = db.relationship("User")

    # --- part C (quizzes): the questions graded right, and who reads an attempt ----------------
    # the ids of the drawn questions answered right, fixed when graded: editing or deleting a
    # question later changes neither the score nor which questions were right
    right_ids = db.Column(db.JSON, nullable=True)

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    def can_view(self, user):
        """An attempt is its learner's own: nobody else reads or submits it."""
        return bool(getattr(user, "is_authenticated", False)) and self.user_id == user.id
