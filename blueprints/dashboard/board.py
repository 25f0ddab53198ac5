"""The dashboard as the page, its charts and its export read it: the filters (GET parameters),
one row of figures per studio, the summary cards and the chart series. All of it comes from
``figures`` in a fixed number of statements."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.dashboard import figures
from models import Programme, Region, Studio
from models.studio import SCHOOL_STAGES, STATUSES
from studio.extensions import db
from studio.inputs import parse_id


@dataclass
class Filters:
    region: Region = None
    subject: str = ""
    stage: str = ""
    status: str = ""
    errors: list = field(default_factory=list)

    def params(self):
        """The GET parameters that reproduce these filters (for the export link)."""
        values = dict(region=self.region.id if self.region else "", subject=self.subject,
                      stage=self.stage, status=self.status)
        return {k: v for k, v in values.items() if v}


def regions_in_scope(user):
    """The regions the office may filter by: its own region and those below (every region for
    the platform office), in tree order."""
    query = select(Region).order_by(Region.path)
    if user.region_id is not None:
        query = query.where(Region.id.in_(user.region.subtree_ids()))
    return db.session.execute(query).scalars().all()


def subjects_in_scope(user):
    return db.session.execute(select(Studio.subject).where(Studio.overseen_by(user))
                              .distinct().order_by(Studio.subject)).scalars().all()


def parse_filters(args, regions, subjects):
    """Filters from the query string; a value that is not on offer is dropped with a message
    (the page answers 400 and shows the studios without that filter)."""
    flt = Filters()
    raw_region = args.get("region", "")
    if raw_region:
        wanted = parse_id(raw_region)
        flt.region = next((r for r in regions if r.id == wanted), None)
        if flt.region is None:
            flt.errors.append(_("That region is not one you oversee."))
    for name, allowed in (("subject", subjects), ("stage", SCHOOL_STAGES), ("status", STATUSES)):
        value = args.get(name, "")
        if value and value not in allowed:
            flt.errors.append(_("There is no such choice for this filter."))
        elif value:
            setattr(flt, name, value)
    return flt


def scope_of(user, flt):
    """A select of the ids of the studios shown."""
    query = select(Studio.id).where(Studio.overseen_by(user))
    if flt.region is not None:
        query = query.where(Studio.region_id.in_(flt.region.subtree_ids()))
    for column, value in ((Studio.subject, flt.subject), (Studio.school_stage, flt.stage),
                          (Studio.status, flt.status)):
        if value:
            query = query.where(column == value)
    return query


@dataclass
class Row:
    studio: Studio
    members: dict          # role: active members
    reached: dict          # role: members whose hours reach the target
    cases: dict            # state: lesson cases
    median_hours: float    # review turnaround median (None: nothing reviewed)
    activities: int
    briefings: int
    certification: str     # none / submitted / returned / certified
    readiness: tuple = None  # (items met, items) or None when not computed

    @property
    def rules(self):
        return self.studio.programme or _DEFAULTS

    def share(self, role):
        """Percent of the role's active members whose hours reach the target (None: none)."""
        n = self.members.get(role, 0)
        return round(100 * self.reached.get(role, 0) / n) if n else None

    @property
    def new_teachers_short(self):
        return self.members.get("new_teacher", 0) < self.studio.min_new_teachers


_DEFAULTS = Programme.defaults()


def load_studios(scope):
    return db.session.execute(
        select(Studio).where(Studio.id.in_(scope))
        .options(joinedload(Studio.region_node), joinedload(Studio.programme))
        .order_by(Studio.name)).unique().scalars().all()


def build_rows(scope, now=None):
    """One ``Row`` per studio in ``scope``: eight statements, whatever their number."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    studios = load_studios(scope)
    people = figures.members_and_hours(scope)
    cases = figures.cases_by_state(scope)
    waits = figures.turnaround_seconds(scope)
    held = figures.activities_held(scope, studios, now)
    briefs = figures.briefings_published(scope)
    certs = figures.certification_states(scope)
    ready = figures.readiness(studios)
    rows = []
    for s in studios:
        counts = people.get(s.id, {})
        rows.append(Row(
            studio=s, members={r: counts.get(r, (0, 0))[0] for r in figures.ROLES},
            reached={r: counts.get(r, (0, 0))[1] for r in figures.ROLES},
            cases=cases.get(s.id, {}), median_hours=figures.median_hours(waits.get(s.id)),
            activities=held.get(s.id, 0), briefings=briefs.get(s.id, 0),
            certification=certs.get(s.id, "none"),
            readiness=ready.get(s.id) if ready is not None else None))
    return rows, ready is not None, waits
