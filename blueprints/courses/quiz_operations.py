"""Quizzes: drawing an attempt, grading it, and editing a quiz's question bank.

An attempt draws ``draw_count`` questions (0: all) at random from the bank, in a random
order, and keeps their ids; a learner has one unfinished attempt at a time (starting again
resumes it), ``max_attempts`` in all, none after passing. Grading: a question is right only
when the chosen options are exactly its answer; the score is right / asked × 100; a passed
attempt completes the module through ``operations.complete_module`` (its hours, once).
"""
import random
import re

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from blueprints.courses.operations import complete_module, progress_for, progress_of
from models.audit import record
from models.base import utcnow
from models.course import QuizAttempt, QuizQuestion
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_count, parse_id

ANSWER_FIELD = re.compile(r"q([0-9]{1,10})")


# --- the learner's side ----------------------------------------------------------------------
def attempts_of(module, user):
    """The learner's attempts at ``module``, oldest first."""
    return db.session.execute(select(QuizAttempt).where(
        QuizAttempt.module_id == module.id, QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.number)).scalars().all()


class QuizStanding:
    """Where a learner stands on a quiz: attempts, passed, attempts left, answers revealed."""

    def __init__(self, module, user):
        self.module = module
        self.attempts = attempts_of(module, user) if user.is_authenticated else []
        self.passed = any(a.passed for a in self.attempts)
        self.unfinished = next((a for a in self.attempts if not a.is_submitted), None)
        self.used = len(self.attempts)
        self.left = max(module.max_attempts - self.used, 0)
        submitted = sum(1 for a in self.attempts if a.is_submitted)
        # the answers and explanations: only once no attempt can follow
        self.reveal = self.passed or submitted >= module.max_attempts
        progress = progress_of(module, user) if user.is_authenticated else None
        self.credited = progress is not None and progress.is_complete
        self.may_start = not self.passed and (self.unfinished is not None or self.left > 0)


def start_attempt(module, user, studio):
    """The learner's unfinished attempt, or a new one drawn from the bank. Refused when the
    quiz is not theirs to study, passed, out of attempts or without questions."""
    if not module.can_study(studio, user):
        raise RuleError(_("This quiz is not assigned to you: a task of the studio must ask you "
                          "to study it before you can take it."))
    standing = QuizStanding(module, user)
    if standing.unfinished is not None:
        return standing.unfinished
    if standing.passed:
        raise RuleError(_("You have passed this quiz already."))
    if standing.left <= 0:
        raise RuleError(_("You have used all %(n)s attempts at this quiz.",
                          n=module.max_attempts))
    bank = [q.id for q in module.questions]
    if not bank:
        raise RuleError(_("This quiz has no questions yet. Please try again later."))
    count = len(bank) if not module.draw_count else min(module.draw_count, len(bank))
    drawn = random.SystemRandom().sample(bank, count)   # a random order as well
    attempt = QuizAttempt(module_id=module.id, user_id=user.id, studio_id=studio.id,
                          number=standing.used + 1, question_ids=drawn, started_at=utcnow())
    try:
        with db.session.begin_nested():   # two tabs starting at once: one attempt
            db.session.add(attempt)
    except IntegrityError:
        raise RuleError(_("An attempt was just started in another window. Please reload."))
    progress_for(module, user, studio)
    record("quiz_started", actor=user, studio=studio, target=attempt, detail=module.title)
    return attempt


def drawn_questions(attempt):
    """The attempt's questions in the drawn order; None for a question deleted since."""
    ids = list(attempt.question_ids or [])
    found = {q.id: q for q in db.session.execute(
        select(QuizQuestion).where(QuizQuestion.id.in_(ids))).scalars()} if ids else {}
    return [(qid, found.get(qid)) for qid in ids]


def parse_answers(attempt, form):
    """{question id: sorted option indexes} from the submitted form (fields ``q<id>``).
    Anything naming a question not drawn, an option the question lacks, a non-integer or a
    second option of a single-choice question is refused and nothing is saved."""
    questions = {qid: q for qid, q in drawn_questions(attempt) if q is not None}
    answers = {}
    for key, values in form.lists():
        if key == "csrf_token":
            continue
        match = ANSWER_FIELD.fullmatch(key)
        qid = parse_id(match.group(1)) if match else None
        if qid is None or qid not in questions:
            raise RuleError(_("The answers name a question that is not part of this attempt."),
                            field="answers")
        question = questions[qid]
        chosen = set()
        for value in values:
            index = parse_count(value, 0, len(question.options) - 1)
            if index is None:
                raise RuleError(_("An answer names an option that the question does not have."),
                                field="answers")
            chosen.add(index)
        if question.kind == "single" and len(chosen) > 1:
            raise RuleError(_("A single-choice question takes one answer."), field="answers")
        answers[qid] = sorted(chosen)
    return answers


def submit_attempt(attempt, user, studio, form):
    """Grade the learner's attempt from ``form``; a pass completes the module. An
    unanswered question counts as wrong; a question deleted since the draw is not counted."""
    module = attempt.module
    if attempt.is_submitted:
        raise RuleError(_("This attempt has been handed in already; its score stands."))
    if not module.can_study(studio, user):
        raise RuleError(_("This quiz is no longer assigned to you, so it cannot be graded."))
    answers = parse_answers(attempt, form)
    asked = [q for _qid, q in drawn_questions(attempt) if q is not None]
    right = [q.id for q in asked if answers.get(q.id) == sorted(set(q.answer or []))]
    score = round(len(right) / len(asked) * 100, 1) if asked else 0.0
    # graded once: of two hand-ins at the same moment, only the first finds it unsubmitted
    graded = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                  QuizAttempt.submitted_at.is_(None))
        .values(answers={str(qid): chosen for qid, chosen in answers.items()},
                right_ids=right, score=score, submitted_at=utcnow(),
                passed=bool(asked) and score >= module.pass_mark)
        .execution_options(synchronize_session=False))
    if graded.rowcount != 1:
        raise RuleError(_("This attempt has been handed in already; its score stands."))
    db.session.refresh(attempt)
    record("quiz_submitted", actor=user, studio=studio, target=attempt,
           detail=f"{module.title}: {attempt.score:g}")
    if attempt.passed:
        complete_module(progress_for(module, user, studio), studio)
    return attempt


# --- the question bank -----------------------------------------------------------------------
def _next_position(module):
    last = db.session.execute(select(func.max(QuizQuestion.position)).where(
        QuizQuestion.module_id == module.id)).scalar()
    return 0 if last is None else last + 1


def add_question(module, user, data):
    """Add a question (``data`` from ``QuestionForm.cleaned``) at the end of the bank."""
    question = QuizQuestion(module_id=module.id, position=_next_position(module), **data)
    db.session.add(question)
    db.session.flush()
    record("question_added", actor=user, studio=module.course.studio, target=question,
           detail=module.title)
    return question


def update_question(question, user, data):
    """Change a question; graded attempts keep their score and their right answers."""
    for name, value in data.items():
        setattr(question, name, value)
    record("question_changed", actor=user, studio=question.module.course.studio,
           target=question, detail=question.module.title)
    return question


def delete_question(question, user):
    """Delete a question: later attempts no longer draw it; graded ones show it as deleted."""
    module = question.module
    record("question_deleted", actor=user, studio=module.course.studio, target=question,
           detail=question.prompt[:200])
    module.questions.remove(question)
    db.session.delete(question)
