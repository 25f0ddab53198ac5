"""Lesson-case operations: the life cycle of DOMAIN.md, reviews and video comments.

Every transition goes through ``_move``, which checks the life cycle and records who, when
and why. The route commits once."""
import math
from flask_babel import lazy_gettext as _l

from blueprints.notifications.operations import notify
from blueprints.tasks.operations import complete_assignment, mark_submitted
from models.base import utcnow
from models.case import (DIMENSIONS, TRANSITIONS, VIDEO_COMMENT_KINDS, CaseTransition,
                         CaseVersion, LessonCase, Review, VideoComment)
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import part_labels
from studio.markup import render_markdown


def _move(case, action, actor, reason=""):
    if not case.allowed(action):
        raise RuleError(_l("This step is not possible while the case is “%(state)s”.",
                           state=state_label(case.state)))
    new_state = TRANSITIONS[case.state][action]
    db.session.add(CaseTransition(case_id=case.id, from_state=case.state, to_state=new_state,
                                  actor_id=actor.id, reason=reason))
    case.state = new_state
    case.updated_at = utcnow()


def state_label(state):
    from studio.labels import STATE_LABELS
    return STATE_LABELS.get(state, state)


def reviewer_for(studio, author):
    """The mentor reviews a new teacher's case; the master reviews a backbone's; a master's
    own practice case goes to the project office (any admin)."""
    role = author.role_in(studio)
    if role == "new_teacher":
        mentor = studio.mentor_of(author)
        if mentor is None:
            raise RuleError(_l("You have no mentor yet, so nobody can review the case. Please "
                               "ask the master to place you in a mentor group."))
        return mentor
    if role == "backbone":
        master = studio.master
        if master is None:
            raise RuleError(_l("The studio has no master teacher to review the case yet."))
        return master
    return None


def create_case(studio, author, fields, assignment=None):
    if not LessonCase.can_create(studio, author):
        raise RuleError(_l("Only members of the studio hand in lesson cases."))
    if fields["kind"] not in LessonCase.kinds_for(studio, author):
        raise RuleError(_l("This kind of case is not part of your required work."), field="kind")
    if assignment is not None and (assignment.user_id != author.id
                                   or assignment.task.studio_id != studio.id):
        raise RuleError(_l("This task is not yours."))
    case = LessonCase(studio=studio, author_id=author.id, assignment=assignment, **fields)
    db.session.add(case)
    db.session.flush()
    version = CaseVersion(case_id=case.id, number=1)
    db.session.add(version)
    case.versions.append(version)
    return case


def working_version(case):
    """The version the author edits: the latest if not yet submitted, else a new one that
    starts as a copy (so earlier versions and their reviews stay as they were)."""
    latest = case.latest
    if latest is not None and latest.submitted_at is None:
        return latest
    version = CaseVersion(case_id=case.id, number=(latest.number + 1 if latest else 1))
    if latest is not None:
        for name in ("design_file_id", "design_text", "design_html", "recording_file_id",
                     "reflection", "reflection_html"):
            setattr(version, name, getattr(latest, name))
    db.session.add(version)
    case.versions.append(version)
    return version


def update_parts(case, author, fields, design_text=None, reflection=None,
                 design_file=None, recording_file=None):
    if not case.can_edit(author):
        raise RuleError(_l("The case can only be changed while it is a draft or after changes "
                           "were requested."))
    for name, value in fields.items():
        setattr(case, name, value)
    version = working_version(case)
    if design_text is not None:
        version.design_text, version.design_html = design_text, render_markdown(design_text)
    if reflection is not None:
        version.reflection, version.reflection_html = reflection, render_markdown(reflection)
    if design_file is not None:
        version.design_file = design_file
    if not case.has_recording:         # a report or a practice case is a document
        version.recording_file = None
    elif recording_file is not None:
        version.recording_file = recording_file
    case.updated_at = utcnow()
    return version


def submit_case(case, author, reason=""):
    """Hand in (draft → submitted) or hand in again (changes_requested → resubmitted)."""
    if not case.can_submit(author):
        raise RuleError(_l("Only the author hands in the case, as a draft or after changes "
                           "were requested."))
    action = case.submit_action
    version = working_version(case)
    db.session.flush()
    missing = version.missing_parts()
    if missing:
        labels = part_labels(case.kind)
        raise RuleError(_l("The case is missing: %(parts)s.",
                           parts="、".join(str(labels[p]) for p in missing)))
    reviewer = reviewer_for(case.studio, case.author)
    case.reviewer_id = reviewer.id if reviewer else None
    version.submitted_at = case.submitted_at = utcnow()
    _move(case, action, author, reason)
    if case.assignment is not None and case.assignment.state in ("assigned", "returned"):
        mark_submitted(case.assignment)
    if reviewer is None:  # a master's practice case goes to the project office
        reviewers = case.studio.offices()
    else:
        reviewers = [reviewer]
    notify(reviewers, "case_submitted", case, actor=author)


def open_for_review(case, reviewer):
    """The reviewer opens a handed-in case: submitted/resubmitted → in_review."""
    if case.can_review(reviewer) and case.allowed("open_review"):
        _move(case, "open_review", reviewer)
        return True
    return False


def review_case(case, reviewer, rubric, overall, verdict):
    if not case.can_review(reviewer):
        raise RuleError(_l("Only the assigned reviewer may decide on this case, once it is "
                           "handed in."))
    if verdict not in ("approve", "request_changes"):
        raise RuleError(_l("Please choose approve or request changes."), field="verdict")
    open_for_review(case, reviewer)
    for dimension in DIMENSIONS:
        score = rubric.get(f"{dimension}_score")
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise RuleError(_l("Each dimension needs a score from 1 to 5."), field=f"{dimension}_score")
    if verdict == "request_changes" and not overall.strip():
        raise RuleError(_l("Please say what should change."), field="overall")
    review = Review(case_id=case.id, version_id=case.latest.id, reviewer_id=reviewer.id,
                    verdict=verdict, overall=overall, overall_html=render_markdown(overall),
                    **rubric)
    db.session.add(review)
    _move(case, verdict, reviewer, overall)
    if verdict == "approve":
        if case.assignment is not None and case.assignment.state != "completed":
            complete_assignment(case.assignment, reviewer)
        notify([case.author], "case_approved", case, actor=reviewer)
    else:
        notify([case.author], "changes_requested", case, actor=reviewer)
    return review


def recommend_case(case, master, reason):
    if not case.can_recommend(master):
        raise RuleError(_l("Only the master recommends an approved case as excellent."))
    _move(case, "recommend", master, reason)
    notify([case.author], "case_recommended", case, actor=master)


def add_video_comment(case, author, second, dimension, kind, body, parent=None):
    if not case.can_comment(author):
        raise RuleError(_l("You cannot comment on this case now."))
    body = (body or "").strip()
    if not body:
        raise RuleError(_l("The comment is empty."), field="body")
    if len(body) > 2000:
        raise RuleError(_l("A comment has at most 2000 characters."), field="body")
    version = case.latest_submitted or case.latest  # comments are on handed-in work
    if version is None or not case.has_recording or version.recording_file_id is None:
        raise RuleError(_l("This case has no classroom recording to comment on."))
    if parent is not None:
        if parent.case_id != case.id or parent.parent_id is not None:
            raise RuleError(_l("You can only reply to a comment of this case."), field="parent_id")
        second, dimension, kind, version_id = parent.second, parent.dimension, parent.kind, parent.version_id
    else:
        if dimension not in DIMENSIONS or kind not in VIDEO_COMMENT_KINDS:
            raise RuleError(_l("Please choose a dimension and a kind."), field="dimension")
        if second is None or not math.isfinite(second) or not 0 <= second <= 6 * 3600:
            raise RuleError(_l("The time in the video is not valid."), field="second")
        version_id = version.id
    comment = VideoComment(case_id=case.id, version_id=version_id, author_id=author.id,
                           parent_id=getattr(parent, "id", None), second=second,
                           dimension=dimension, kind=kind, body=body)
    db.session.add(comment)
    target = [case.author] if author.id != case.author_id else (
        [parent.author] if parent is not None else ([case.reviewer] if case.reviewer else []))
    notify(target, "video_comment", case, actor=author)
    return comment
