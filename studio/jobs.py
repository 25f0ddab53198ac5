"""The product's one background job queue.

A job is a row of ``models/job.py`` (what the user sees) plus a call of ``run(job_id)``
somewhere else than the request that asked for it:

* with ``REDIS_URL`` set, on RQ: ``enqueue`` puts ``studio.jobs.perform`` on the queue named
  by ``JOBS_QUEUE`` (by default one derived from the database URL, so two deployments sharing
  one Redis never take each other's work) and ``flask --app wsgi jobs-worker`` runs it;
* without it (``make run``, the embedded default), in a background thread of the web process
  with its own app context, so the request returns at once.

Each kind of job registers its function with ``@handler(kind)``; the function gets the job
and a ``Progress`` and returns the ``StoredFile`` it made, or None. A function that raises
leaves the job ``failed`` with a message for the person who started it: the message of a
``RuleError`` as it is, any other error as a short translated sentence (the traceback goes to
the log). ``run`` skips a job that is no longer queued, so a job delivered twice (a worker
that died and was restarted, RQ retries) does its work once.
"""
import hashlib
import logging
import os
import threading

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from models.base import utcnow
from models.job import Job
from studio.errors import RuleError
from studio.extensions import db

log = logging.getLogger(__name__)
HANDLERS = {}
_threads = []   # in-process jobs started by this process (tests wait for them)


def handler(kind):
    """Register ``function(job, progress)`` as the work of jobs of ``kind``."""
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def create(kind, user, studio=None, **options):
    """A new queued job row (added and flushed, not committed: commit, then ``enqueue``)."""
    job = Job(kind=kind, studio=studio, requested_by_id=user.id, state="queued",
              options=options or None)
    db.session.add(job)
    db.session.flush()
    return job


def queue_name(app):
    name = app.config.get("JOBS_QUEUE")
    if name:
        return name
    digest = hashlib.sha256(app.config["SQLALCHEMY_DATABASE_URI"].encode()).hexdigest()[:12]
    return f"mentor-studio-jobs-{digest}"


def rq_queue(app=None):
    """The RQ queue of this deployment (only when ``REDIS_URL`` is set)."""
    from redis import Redis
    from rq import Queue

    app = app or current_app
    return Queue(queue_name(app), connection=Redis.from_url(app.config["REDIS_URL"]),
                 default_timeout=app.config["JOB_TIMEOUT"])


def enqueue(kind, job_id):
    """Start job ``job_id`` (committed before this call) on RQ, or in a thread."""
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        rq_queue(app).enqueue_call("studio.jobs.perform", args=(kind, job_id),
                                   job_id=f"{queue_name(app)}-{job_id}",
                                   result_ttl=3600, failure_ttl=7 * 24 * 3600)
        return None
    thread = threading.Thread(target=_in_process, args=(app, kind, job_id),
                              name=f"job-{job_id}", daemon=True)
    thread.start()
    _threads.append(thread)
    if app.config.get("JOBS_WAIT"):
        thread.join()
    return thread


def wait_all(timeout=60):
    """Wait for the in-process jobs this process started (tests, the demo command)."""
    while _threads:
        _threads.pop().join(timeout)


_worker_pid = None   # the pid of ``flask jobs-worker``; its jobs run in forked children


def perform(kind, job_id):
    """The RQ entry point: the worker (``flask jobs-worker``) has pushed the app context.
    In the child RQ forks for each job, the database connections inherited from the worker
    are left to it (SQLAlchemy's advice for forks) and the child opens its own."""
    if _worker_pid is not None and os.getpid() != _worker_pid:
        db.engine.dispose(close=False)
    run(kind, job_id)
    db.session.remove()


def _in_process(app, kind, job_id):
    with app.app_context():
        try:
            run(kind, job_id)
        finally:
            db.session.remove()


def run(kind, job_id):
    """Do the work of one job and record how it went."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != "queued":
        return
    job.state, job.started_at, job.progress = "running", utcnow(), 0
    db.session.commit()
    try:
        result = HANDLERS[kind](job, Progress(job_id))
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - every failure is shown to the user
        db.session.rollback()
        _fail(job_id, error)
        return
    _set(job_id, state="done", progress=100, finished_at=utcnow(), message="",
         result_file_id=result.id if result is not None else None)


def _fail(job_id, error):
    if isinstance(error, RuleError):
        message = str(error.message)
    else:
        log.exception("job %s failed", job_id)
        message = _("The work stopped because of an error on the server (%(error)s). Please "
                    "try again; if it fails again, tell the platform's administrator.",
                    error=type(error).__name__)
    _set(job_id, state="failed", finished_at=utcnow(), message=message[:1000])


def _set(job_id, **values):
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


class Progress:
    """What a running job reports: a percentage and a short message, committed at once (call
    it between pieces of work, never while a query's rows are still being read)."""

    def __init__(self, job_id):
        self.job_id = job_id

    def __call__(self, percent, message=""):
        _set(self.job_id, progress=max(0, min(99, int(percent))), message=str(message)[:1000])


def run_worker(app, burst=False):
    """``flask jobs-worker``: an RQ worker on this deployment's queue, inside the app
    context (the jobs use the database like a request does)."""
    from rq import Worker

    global _worker_pid
    _worker_pid = os.getpid()
    queue = rq_queue(app)
    with app.app_context():
        worker = Worker([queue], connection=queue.connection)
        return worker.work(burst=burst)
