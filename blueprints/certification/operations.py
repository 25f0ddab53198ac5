"""Certification (挂牌认定) and programme operations: apply, return, certify; create and edit a
programme, assign studios to it. Each checks its predicate, writes an audit row and the
notifications, and never commits (the route does, once)."""
import string

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from blueprints.certification import readiness
from blueprints.notifications.operations import notify
from models.audit import record
from models.base import utcnow
from models.certification import Certification
from models.region import Programme
from models.studio import Studio
from studio.dates import studio_today
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown

PLACEHOLDERS = ("master", "region", "subject")
NUMBER_ATTEMPTS = 5


# --- the application life cycle -------------------------------------------------------------
def rounds_of(studio):
    """Every round of the studio, newest first, with who applied and who decided."""
    return db.session.execute(
        select(Certification).where(Certification.studio_id == studio.id)
        .options(joinedload(Certification.applied_by), joinedload(Certification.decided_by))
        .order_by(Certification.round_no.desc())).scalars().all()


def can_apply(studio, user, rounds):
    """The master applies while no round waits and the studio is not certified."""
    if not getattr(user, "is_authenticated", False) or user.role_in(studio) != "master":
        return False
    return not any(r.state in ("submitted", "certified") for r in rounds)


def apply_for_certification(studio, actor, report):
    rounds = rounds_of(studio)
    if not can_apply(studio, actor, rounds):
        raise RuleError(_l("An application is already waiting for the office, or the studio "
                           "is certified; there is nothing to apply for now."))
    application = Certification(
        studio_id=studio.id, round_no=max((r.round_no for r in rounds), default=0) + 1,
        state="submitted", report=report, report_html=render_markdown(report),
        readiness=readiness.snapshot(readiness.checklist(studio)), applied_by_id=actor.id)
    _flush_once(application, _l("An application was just handed in; reload the page."))
    record("certification.applied", actor, studio, application, f"round {application.round_no}")
    notify(studio.offices(), "certification_applied", application, actor)
    return application


def _flush_once(application, message):
    """Add the round; a second hand-in at the same moment meets the unique round number."""
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:
        raise RuleError(message) from None


def _decide(application, actor, state, reason, **fields):
    """Move a waiting round to ``state``, once: a second decision at the same moment finds
    the round no longer waiting and is refused."""
    if not application.can_decide(actor):
        raise RuleError(_l("This application has already been decided."))
    done = db.session.execute(
        update(Certification).where(Certification.id == application.id,
                                    Certification.state == "submitted")
        .values(state=state, reason=reason, decided_by_id=actor.id, decided_at=utcnow(),
                **fields).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise RuleError(_l("This application has already been decided."))
    db.session.refresh(application)


def return_application(application, actor, reason):
    if not reason.strip():
        raise RuleError(_l("Please give the reasons for returning the application."),
                        field="reason")
    _decide(application, actor, "returned", reason.strip())
    record("certification.returned", actor, application.studio, application, reason[:500])
    notify(_master(application.studio), "certification_returned", application, actor)


def certify_studio(application, actor, reason="", confirm_unmet=False):
    """Certify: the certified name from the programme's template, the next number, today's
    date in the studio's time zone. With an item of the live checklist not met the office
    must confirm and say why."""
    studio = application.studio
    unmet = not readiness.is_ready(readiness.checklist(studio))
    if unmet and not (confirm_unmet and reason.strip()):
        raise RuleError(_l("Some items of the checklist are not met. To certify anyway, tick "
                           "the confirmation and give your reason."), field="reason")
    rules, today = studio.rules, studio_today(studio)
    name = certified_name(rules.certified_name_template, studio)
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with db.session.begin_nested():
                _decide(application, actor, "certified", reason.strip(), certified_name=name,
                        certified_on=today,
                        certificate_number=next_number(rules.certificate_prefix, today.year))
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise RuleError(_l("Another certification took the number at the same "
                                   "moment; please try again.")) from None
    studio.status = "certified"
    record("certification.certified", actor, studio, application, application.certificate_number)
    notify(_master(studio), "certification_certified", application, actor)


def _master(studio):
    master = studio.master
    return [master] if master is not None else []


def next_number(prefix, year):
    """prefix + year + a 3-digit sequence (豫名师2026001): one more than the highest so far;
    the unique constraint refuses a number taken at the same moment (the caller retries)."""
    stem = f"{prefix}{year}"
    taken = db.session.execute(
        select(Certification.certificate_number)
        .where(Certification.certificate_number.startswith(stem, autoescape=True),
               func.length(Certification.certificate_number) == len(stem) + 3)).scalars()
    highest = max((int(n[len(stem):]) for n in taken if n[len(stem):].isdigit()), default=0)
    return f"{stem}{highest + 1:03d}"


# --- the certified name ------------------------------------------------------------------------
def template_problem(template):
    """Why a certified-name template cannot be used (None when it can): only {master},
    {region} and {subject}, braces paired."""
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)
                  if name is not None]
    except ValueError:
        return _l("A brace is not closed: write placeholders as {master}, {region} or {subject}.")
    for name, spec, conv in fields:
        if name not in PLACEHOLDERS or spec or conv:
            return _l("Unknown placeholder {%(name)s}: use {master}, {region} or {subject}.",
                      name=name[:40])
    return None


def certified_name(template, studio):
    master = studio.master
    return template.format(master=master.name if master else "",
                           region=studio.region_name or "", subject=studio.subject)[:128]


# --- programmes ------------------------------------------------------------------------------
PROGRAMME_FIELDS = ("name", "certified_name_template", "certificate_prefix", "excellent_cap",
                    "briefings_required", "activities_per_year", "standard_case_share",
                    "hours_share", "review_coverage_share", "review_days")


def save_programme(programme, actor, fields):
    """Create (``programme`` None) or edit a programme of the actor's office."""
    problem = template_problem(fields["certified_name_template"])
    if problem:
        raise RuleError(problem, field="certified_name_template")
    taken = db.session.execute(select(Programme.id).where(Programme.name == fields["name"])).first()
    if taken and (programme is None or taken[0] != programme.id):
        raise RuleError(_l("A programme with this name already exists."), field="name")
    created = programme is None
    if created:
        programme = Programme(region_id=actor.region_id)
        db.session.add(programme)
    for key in PROGRAMME_FIELDS:
        setattr(programme, key, fields[key])
    db.session.flush()
    record("programme.created" if created else "programme.edited", actor, None, programme,
           programme.name)
    return programme


def assign_studios(programme, actor, studio_ids):
    """The studios of the actor's scope in the programme are exactly ``studio_ids`` (those
    outside the scope are left alone)."""
    scope = db.session.execute(select(Studio).where(Studio.overseen_by(actor))).scalars().all()
    wanted = set(studio_ids)
    for studio in scope:
        if studio.id in wanted:
            studio.programme_id = programme.id
        elif studio.programme_id == programme.id:
            studio.programme_id = None
    record("programme.studios", actor, None, programme,
           ",".join(str(i) for i in sorted(wanted))[:500])
