"""Starting a training archive (培训档案) export; the work itself is a background job."""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from blueprints.archive import build, sections
from models.base import utcnow
from models.job import ACTIVE_STATES, Job
from studio import jobs
from studio.errors import RuleError
from studio.extensions import db

KIND = "archive"


def running_export(studio):
    """The studio's archive export that is queued or being built, if any. One that has been
    at it longer than ``JOB_TIMEOUT`` was interrupted (a restart, a worker that died): it is
    marked failed so that it does not block the studio for ever."""
    active = db.session.scalars(select(Job).where(
        Job.studio_id == studio.id, Job.kind == KIND, Job.state.in_(ACTIVE_STATES))).all()
    limit = utcnow() - timedelta(seconds=current_app.config["JOB_TIMEOUT"])
    for job in active:
        if job.created_at < limit:
            job.state, job.finished_at = "failed", utcnow()
            job.message = _("The work was interrupted before it finished. Please start it again.")
    return next((job for job in active if job.state in ACTIVE_STATES), None)


def start_export(studio, user, recordings=False):
    """A queued archive job (commit, then ``jobs.enqueue(KIND, job.id)``). One export of a
    studio at a time."""
    if running_export(studio) is not None:
        raise RuleError(_("An archive of this studio is being built already. Please wait "
                          "until it is ready before starting another one."))
    return jobs.create(KIND, user, studio, recordings=bool(recordings))


@jobs.handler(KIND)
def build_export(job, progress):
    """The job's work: the whole archive, part by part."""
    return build.build_archive(job, progress, sections.all_sections())
