"""Research-project operations: create and edit a project, hand in a stage report, decide on
it. Each checks its ``can_*`` predicate itself, moves the project only through
``ResearchProject.after`` (the life cycle on the model), adds an audit row and the
notifications, and never commits (the route does, once)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.notifications.operations import notify
from models.audit import record
from models.base import utcnow
from models.project import LEADER_ROLES, ProjectMember, ProjectReport, ResearchProject
from models.studio import Membership
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown


def _active_roles(studio, user_ids):
    """{user id: role} of the given users who are active members of ``studio``."""
    if not user_ids:
        return {}
    return dict(db.session.execute(
        select(Membership.user_id, Membership.role)
        .where(Membership.studio_id == studio.id, Membership.active.is_(True),
               Membership.user_id.in_(user_ids))).all())


def _team(studio, actor, fields, current_leader_id=None):
    """Check the leader and members chosen: the leader a backbone teacher or the master of
    the studio (only the master picks someone other than themselves or the current leader);
    the members active members of the studio. Returns (leader id, member ids)."""
    leader_id, member_ids = fields["leader_id"], fields["member_ids"]
    roles = _active_roles(studio, {i for i in [leader_id, *member_ids] if i is not None})
    if leader_id is None or roles.get(leader_id) not in LEADER_ROLES:
        raise RuleError(_l("The leader must be a backbone teacher or the master of the studio."),
                        field="leader")
    if actor.role_in(studio) != "master" and leader_id not in (actor.id, current_leader_id):
        raise RuleError(_l("Only the master chooses another leader."), field="leader")
    if any(i is None or i not in roles for i in member_ids):
        raise RuleError(_l("Project members must be members of the studio."), field="members")
    return leader_id, sorted(set(member_ids) - {leader_id})


def _set_text(project, fields):
    project.title = fields["title"]
    project.summary, project.summary_html = fields["summary"], render_markdown(fields["summary"])


def create_project(studio, actor, fields):
    if not ResearchProject.can_create(studio, actor):
        raise RuleError(_l("Only the master or a backbone teacher starts a research project."))
    leader_id, member_ids = _team(studio, actor, fields)
    project = ResearchProject(studio=studio, leader_id=leader_id, created_by_id=actor.id)
    _set_text(project, fields)
    project.memberships = [ProjectMember(user_id=i) for i in member_ids]
    db.session.add(project)
    db.session.flush()
    record("project.created", actor, studio, project, project.title)
    return project


def update_project(project, actor, fields):
    if not project.can_edit(actor):
        raise RuleError(_l("Only the leader and the master change a project, until it is "
                           "finished."))
    leader_id, member_ids = _team(project.studio, actor, fields, project.leader_id)
    _set_text(project, fields)
    project.leader_id = leader_id
    keep = {m.user_id: m for m in project.memberships}
    project.memberships = [keep.get(i) or ProjectMember(user_id=i) for i in member_ids]
    project.updated_at = utcnow()
    record("project.updated", actor, project.studio, project,
           f"leader={leader_id} members={','.join(map(str, member_ids))}")


def _move(project, action, actor):
    if not project.allowed(action):
        raise RuleError(_l("This step is not possible while the project is “%(state)s”.",
                           state=_state_label(project.state)))
    project.stage, project.state = project.after(action)
    project.updated_at = utcnow()


def _state_label(state):
    from studio.labels import PROJECT_STATE_LABELS
    return PROJECT_STATE_LABELS.get(state, state)


def hand_in_report(project, author, stored_file, summary):
    """The leader or a member hands in the current stage's report (a new version when the
    last one was returned); the master is told."""
    if not project.can_submit(author):
        raise RuleError(_l("Only the leader and members of the project hand in its report, "
                           "while no report waits for review."))
    if stored_file is None:
        raise RuleError(_l("Please choose the report document to upload."), field="document")
    if not (summary or "").strip():
        raise RuleError(_l("Please write a summary of the report."), field="summary")
    number = len(project.reports_of(project.stage)) + 1
    report = ProjectReport(project=project, stage=project.stage, number=number,
                           file=stored_file, author_id=author.id, summary=summary,
                           summary_html=render_markdown(summary))
    db.session.add(report)
    _move(project, "submit", author)
    record("project.report_submitted", author, project.studio, project,
           f"{report.stage} v{number}")
    master = project.studio.master
    notify([master] if master else [], "project_report_submitted", project, actor=author)
    return report


def decide_report(project, master, decision, reason):
    """The master approves the waiting report (the project moves to its next stage, or is
    finished after the conclusion) or returns it with reasons; the team is told."""
    if not project.can_review(master):
        raise RuleError(_l("Only the master decides on a report handed in."))
    if decision not in ("approve", "return"):
        raise RuleError(_l("Please choose approve or return for revision."), field="decision")
    reason = (reason or "").strip()
    if decision == "return" and not reason:
        raise RuleError(_l("Please give the reasons for returning the report."), field="reason")
    report = project.waiting_report
    report.decision, report.decided_by_id, report.decided_at = (
        "approved" if decision == "approve" else "returned", master.id, utcnow())
    report.reason, report.reason_html = reason, render_markdown(reason)
    _move(project, decision, master)
    record(f"project.report_{report.decision}", master, project.studio, project,
           f"{report.stage} v{report.number}: {reason}"[:2000])
    notify([project.leader, *project.members], f"project_report_{report.decision}", project,
           actor=master)
    return report
