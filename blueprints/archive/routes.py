"""The training archive (培训档案): the master or the overseeing office exports a studio's
records as one ZIP, built in the background; the page shows past exports and polls the
running one (static/js/archive.js)."""
from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.archive import bp, operations
from blueprints.archive.forms import ArchiveForm
from models.job import Job
from studio import jobs, storage
from studio.extensions import db
from studio.labels import JOB_STATE_LABELS, all_labels
from studio.security import load_object, load_studio


def _page(studio, form, status=200):
    exports = db.session.scalars(
        Job.visible_to(studio, current_user, operations.KIND).limit(20)).all()
    return render_template("archive/exports.html", studio=studio, form=form, exports=exports,
                           **all_labels()), status


@bp.route("/<int:studio_id>/archive", methods=["GET", "POST"])
@login_required
def index(studio_id):
    """Past exports with their state; a post starts a new one (the work is a job)."""
    studio = load_studio(studio_id, "can_export_archive")
    form = ArchiveForm()
    if not form.validate_on_submit():
        return _page(studio, form, 400 if form.is_submitted() else 200)
    job = operations.start_export(studio, current_user, form.recordings.data)
    db.session.commit()
    jobs.enqueue(operations.KIND, job.id)
    flash(_("The archive is being built. You can leave this page: it will be listed here "
            "with a download link when it is ready."), "success")
    return redirect(url_for("archive.index", studio_id=studio.id))


@bp.route("/<int:studio_id>/archive/<int:job_id>/status")
@login_required
def status(studio_id, job_id):
    """The job's state for the page's polling script."""
    job = load_object(Job, job_id, studio_id=studio_id, kind=operations.KIND)
    return jsonify(id=job.id, state=job.state, state_label=str(JOB_STATE_LABELS[job.state]),
                   progress=job.progress, message=job.message,
                   download=(url_for("archive.download", studio_id=studio_id, job_id=job.id)
                             if job.state == "done" else None))


@bp.route("/<int:studio_id>/archive/<int:job_id>/download")
@login_required
def download(studio_id, job_id):
    job = load_object(Job, job_id, studio_id=studio_id, kind=operations.KIND)
    if not job.can_download(current_user):
        abort(404)
    return storage.send_stored(job.result_file, download=True)
