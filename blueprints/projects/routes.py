from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from blueprints.projects import bp, operations
from blueprints.projects.forms import DecisionForm, ProjectForm, ReportForm
from models.project import STAGES, ProjectReport, ResearchProject
from models.studio import Roster
from studio import storage
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import all_labels
from studio.security import load_object, load_studio, require


@bp.route("/<int:studio_id>/projects")
@login_required
def index(studio_id):
    studio = load_studio(studio_id)
    projects = db.session.execute(
        ResearchProject.visible_to(studio, current_user)
        .options(selectinload(ResearchProject.memberships))
        .order_by(ResearchProject.updated_at.desc(), ResearchProject.id.desc())).scalars().all()
    return render_template("projects/index.html", studio=studio, projects=projects,
                           stages=STAGES,
                           can_create=ResearchProject.can_create(studio, current_user),
                           **all_labels())


def _project_form(studio, project=None):
    """The form with the studio's people as choices: every active member may be a project
    member; the leader is the master or a backbone teacher (a backbone teacher who is not
    the master picks themselves, or keeps the current leader)."""
    form = ProjectForm(obj=None)
    roster = Roster(studio)
    people = ([roster.master] if roster.master else []) + roster.backbones + roster.new_teachers
    leaders = ([roster.master] if roster.master else []) + roster.backbones
    if current_user.role_in(studio) != "master":
        keep = {current_user.id, getattr(project, "leader_id", None)}
        leaders = [u for u in leaders if u.id in keep]
    form.leader.choices = [(str(u.id), u.name) for u in leaders]
    form.members.choices = [(str(u.id), u.name) for u in people]
    if request.method == "GET":
        if project is None:
            form.leader.data = str(current_user.id)
        else:
            form.title.data, form.summary.data = project.title, project.summary
            form.leader.data = str(project.leader_id)
            form.members.data = [str(i) for i in project.member_ids]
    return form, roster


def _form_page(studio, form, roster, project=None):
    return render_template("projects/form.html", studio=studio, form=form, roster=roster,
                           project=project, chosen=set(form.members.data or []),
                           **all_labels()), (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/projects/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    studio = load_studio(studio_id)
    require(ResearchProject.can_create(studio, current_user))
    form, roster = _project_form(studio)
    if form.validate_on_submit():
        try:
            project = operations.create_project(studio, current_user, form.project_fields())
            db.session.commit()
            flash(_("The research project has been set up."), "success")
            return redirect(url_for("projects.show", studio_id=studio.id, project_id=project.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error.message))
    return _form_page(studio, form, roster)


@bp.route("/<int:studio_id>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(studio_id, project_id):
    studio = load_studio(studio_id)
    project = load_object(ResearchProject, project_id, "can_edit", studio_id=studio.id)
    form, roster = _project_form(studio, project)
    if form.validate_on_submit():
        try:
            operations.update_project(project, current_user, form.project_fields())
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("projects.show", studio_id=studio.id, project_id=project.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error.message))
    return _form_page(studio, form, roster, project)


@bp.route("/<int:studio_id>/projects/<int:project_id>")
@login_required
def show(studio_id, project_id):
    studio = load_studio(studio_id)
    project = load_object(ResearchProject, project_id, studio_id=studio.id)
    return _show_page(studio, project)


def _show_page(studio, project, report_form=None, decision_form=None, status=200):
    """The project page; a refused hand-in or decision comes back here with what was typed."""
    return render_template("projects/show.html", studio=studio, project=project, stages=STAGES,
                           report_form=report_form or ReportForm(),
                           decision_form=decision_form or DecisionForm(),
                           **all_labels()), status


@bp.route("/<int:studio_id>/projects/<int:project_id>/reports", methods=["POST"])
@login_required
def hand_in(studio_id, project_id):
    studio = load_studio(studio_id)
    project = load_object(ResearchProject, project_id, "can_submit", studio_id=studio.id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _refused_report(studio, project, form)
    stored = []
    try:
        upload = form.document.data
        if upload is not None and getattr(upload, "filename", ""):
            stored.append(storage.store_upload(upload, "document", current_user))
        operations.hand_in_report(project, current_user, stored[0] if stored else None,
                                  form.summary.data)
        db.session.commit()
    except RuleError as error:
        _discard(stored)
        getattr(form, error.field or "document").errors.append(str(error.message))
        return _refused_report(studio, project, form)
    except Exception:  # e.g. 413 for a file over the limit: nothing is kept either
        _discard(stored)
        raise
    flash(_("The report has been handed in to the master."), "success")
    url = url_for("projects.show", studio_id=studio.id, project_id=project.id)
    return {"redirect": url} if _from_script() else redirect(url)


def _from_script():
    """static/js/upload.js sends the form itself (progress bar) and reads JSON back."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _refused_report(studio, project, form):
    if _from_script():
        return {"errors": [str(e) for f in form for e in f.errors]
                or [_("Please check the form.")]}, 400
    return _show_page(studio, project, report_form=form, status=400)


def _discard(stored):
    """A refused hand-in writes nothing: no row, no file under UPLOAD_DIR."""
    db.session.rollback()
    storage.discard_unreferenced(stored)


@bp.route("/<int:studio_id>/projects/<int:project_id>/review", methods=["POST"])
@login_required
def review(studio_id, project_id):
    studio = load_studio(studio_id)
    project = load_object(ResearchProject, project_id, "can_review", studio_id=studio.id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            report = operations.decide_report(project, current_user, form.decision.data,
                                              form.reason.data)
            db.session.commit()
            flash(_("The report was approved.") if report.decision == "approved"
                  else _("The report was returned with your reasons."), "success")
            return redirect(url_for("projects.show", studio_id=studio.id, project_id=project.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "decision").errors.append(str(error.message))
    return _show_page(studio, project, decision_form=form, status=400)


@bp.route("/<int:studio_id>/projects/<int:project_id>/reports/<int:report_id>/file")
@login_required
def file(studio_id, project_id, report_id):
    """A report document, after the viewer may see the project; Range requests get 206."""
    studio = load_studio(studio_id)
    project = load_object(ResearchProject, project_id, studio_id=studio.id)
    report = load_object(ProjectReport, report_id, None, project_id=project.id)
    return storage.send_stored(report.file, download=request.args.get("download") == "1")
