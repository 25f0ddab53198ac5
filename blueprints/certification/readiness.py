"""The certification readiness checklist (DOMAIN.md "Certification readiness"), computed live.

``checklists(studios)`` reads the real tables for any number of studios in a constant number
of grouped statements (eight, whatever the number of studios), so an office dashboard can call
it for a thousand studios at once. Thresholds come from each studio's programme (or the
defaults). The required work is stored as lesson cases: kind ``standard`` (new teacher),
``excellent`` and ``report`` (the backbone's self professional-development report) and
``practice`` (the master); a piece counts once approved (or recommended).
"""
from collections import defaultdict, namedtuple
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from blueprints.assessment.figures import year_days
from blueprints.assessment.operations import default_year
from models.activity import Activity
from models.assessment import AssessmentRound
from models.base import utcnow
from models.briefing import Briefing
from models.case import FINISHED, CaseVersion, LessonCase, Review
from models.hours import HourEntry
from models.region import Programme
from models.studio import Membership
from studio.dates import utc_bounds
from studio.extensions import db

Item = namedtuple("Item", "key label figure threshold ok evidence")

LABELS = {
    "standard_cases": _l("New teachers with an approved standard lesson case"),
    "backbone_work": _l("Backbone teachers with an excellent case and a development report"),
    "practice_case": _l("The master's studio practice case"),
    "hours": _l("Members who reached their study hours (50 / 60)"),
    "activities": _l("Study activities held this cycle year"),
    "briefings": _l("Work briefings published"),
    "review_coverage": _l("Submitted cases reviewed within the review period"),
    "assessment": _l("Annual assessment round completed"),
}
KEYS = tuple(LABELS)


def _share(n, d):
    return f"{n} / {d} ({round(100 * n / d) if d else 0}%)"


def _meets_share(n, d, percent):
    return d > 0 and n * 100 >= percent * d


def _link(endpoint, **values):
    """The evidence page's path (also outside a request: the demo seeds snapshots), or None
    where that page is not built in this deployment."""
    try:
        return current_app.url_map.bind("").build(endpoint, values)
    except BuildError:
        return None


class _Data:
    """Everything the checklist reads, for all the studios at once (one statement each)."""

    def __init__(self, studios):
        ids = [s.id for s in studios]
        # the cycle year of the annual assessment (1 September – 31 August, cut to the cycle)
        self.cycle = {s.id: year_days(s, default_year(s)) for s in studios}
        self.rules = _rules(studios)
        self.members = defaultdict(list)
        for studio_id, user_id, role in db.session.execute(
                select(Membership.studio_id, Membership.user_id, Membership.role)
                .where(Membership.studio_id.in_(ids), Membership.active.is_(True))):
            self.members[studio_id].append((user_id, role))
        self.finished = set(db.session.execute(
            select(LessonCase.studio_id, LessonCase.author_id, LessonCase.kind)
            .where(LessonCase.studio_id.in_(ids), LessonCase.state.in_(FINISHED))).all())
        self.hours = {(s, u): total for s, u, total in db.session.execute(
            select(HourEntry.studio_id, HourEntry.user_id, func.sum(HourEntry.amount))
            .where(HourEntry.studio_id.in_(ids))
            .group_by(HourEntry.studio_id, HourEntry.user_id))}
        self.activities = self._activities(studios, ids)
        self.briefings = Briefing.published_counts(ids)
        self.reviews = self._reviews(ids)
        self.rounds = {(s, y): state for s, y, state in db.session.execute(
            select(AssessmentRound.studio_id, AssessmentRound.year, AssessmentRound.state)
            .where(AssessmentRound.studio_id.in_(ids)))}

    def _activities(self, studios, ids):
        """{studio id: activities held (ended) in its current cycle year}."""
        bounds = {s.id: utc_bounds(*self.cycle[s.id], s) for s in studios}
        earliest = min((b[0] for b in bounds.values()), default=utcnow())
        counts = defaultdict(int)
        for studio_id, starts_at in db.session.execute(
                select(Activity.studio_id, Activity.starts_at)
                .where(Activity.studio_id.in_(ids), Activity.ends_at < utcnow(),
                       Activity.starts_at >= earliest)):
            start, end = bounds[studio_id]
            counts[studio_id] += start <= starts_at < end
        return counts

    def _reviews(self, ids):
        """{studio id: (versions reviewed in time, versions due)}: every handed-in version
        whose review period has passed or that has a review, and whether its first review
        came within the period."""
        first = (select(Review.version_id, func.min(Review.created_at).label("at"))
                 .group_by(Review.version_id).subquery())
        rows = db.session.execute(
            select(LessonCase.studio_id, CaseVersion.submitted_at, first.c.at)
            .join(CaseVersion, CaseVersion.case_id == LessonCase.id)
            .outerjoin(first, first.c.version_id == CaseVersion.id)
            .where(LessonCase.studio_id.in_(ids), CaseVersion.submitted_at.is_not(None)))
        now, result = utcnow(), defaultdict(lambda: [0, 0])
        for studio_id, submitted_at, reviewed_at in rows:
            deadline = submitted_at + timedelta(days=self.rules[studio_id].review_days)
            if reviewed_at is None and deadline > now:
                continue          # not yet due: neither counted for nor against
            result[studio_id][1] += 1
            result[studio_id][0] += reviewed_at is not None and reviewed_at <= deadline
        return result


def _rules(studios):
    """{studio id: its programme (or the defaults)}, the programmes read in one statement."""
    wanted = {s.programme_id for s in studios if s.programme_id is not None}
    programmes = {p.id: p for p in db.session.execute(
        select(Programme).where(Programme.id.in_(wanted))).scalars()} if wanted else {}
    defaults = Programme.defaults()
    return {s.id: programmes.get(s.programme_id, defaults) for s in studios}


def checklists(studios):
    """{studio id: [Item, ...]} in the order of ``KEYS``."""
    studios = list(studios)
    if not studios:
        return {}
    data = _Data(studios)
    return {s.id: [fn(s, data, data.rules[s.id]) for fn in ITEMS] for s in studios}


def checklist(studio):
    return checklists([studio])[studio.id]


def is_ready(items):
    return all(item.ok for item in items)


def _ids(data, studio, role):
    return [u for u, r in data.members[studio.id] if r == role]


def _standard_cases(studio, data, rules):
    teachers = _ids(data, studio, "new_teacher")
    done = sum((studio.id, u, "standard") in data.finished for u in teachers)
    return Item("standard_cases", LABELS["standard_cases"], _share(done, len(teachers)),
                f"≥ {rules.standard_case_share}%",
                _meets_share(done, len(teachers), rules.standard_case_share),
                _link("cases.index", studio_id=studio.id, state="approved"))


def _backbone_work(studio, data, rules):
    backbones = _ids(data, studio, "backbone")
    done = sum((studio.id, u, "excellent") in data.finished
               and (studio.id, u, "report") in data.finished for u in backbones)
    return Item("backbone_work", LABELS["backbone_work"], f"{done} / {len(backbones)}",
                "100%", bool(backbones) and done == len(backbones),
                _link("cases.progress", studio_id=studio.id))


def _practice_case(studio, data, rules):
    masters = _ids(data, studio, "master")
    done = sum((studio.id, u, "practice") in data.finished for u in masters)
    return Item("practice_case", LABELS["practice_case"], f"{done} / {len(masters)}", "1",
                bool(masters) and done == len(masters),
                _link("cases.index", studio_id=studio.id, state="approved"))


def _hours(studio, data, rules):
    people = [(u, r) for u, r in data.members[studio.id] if studio.hours_target(r) is not None]
    reached = sum(data.hours.get((studio.id, u), 0) >= studio.hours_target(r) for u, r in people)
    return Item("hours", LABELS["hours"], _share(reached, len(people)), f"≥ {rules.hours_share}%",
                _meets_share(reached, len(people), rules.hours_share),
                _link("hours.index", studio_id=studio.id))


def _activities(studio, data, rules):
    held = data.activities.get(studio.id, 0)
    first, last = data.cycle[studio.id]
    return Item("activities", LABELS["activities"], f"{held} ({first.year}–{last.year})",
                f"≥ {rules.activities_per_year}", held >= rules.activities_per_year,
                _link("activities.index", studio_id=studio.id))


def _briefings(studio, data, rules):
    published = data.briefings.get(studio.id, 0)
    return Item("briefings", LABELS["briefings"], str(published), f"≥ {rules.briefings_required}",
                published >= rules.briefings_required,
                _link("briefings.index", studio_id=studio.id))


def _review_coverage(studio, data, rules):
    in_time, due = data.reviews.get(studio.id, (0, 0))
    return Item("review_coverage", LABELS["review_coverage"], _share(in_time, due),
                _l("≥ %(share)s%% within %(days)s days", share=rules.review_coverage_share,
                   days=rules.review_days),
                _meets_share(in_time, due, rules.review_coverage_share),
                _link("cases.index", studio_id=studio.id))


def _assessment(studio, data, rules):
    year = data.cycle[studio.id][0].year
    state = data.rounds.get((studio.id, year))
    figure = {None: _l("%(year)s: no round opened", year=year),
              "open": _l("%(year)s: round open", year=year)}.get(
                  state, _l("%(year)s: results published", year=year))
    return Item("assessment", LABELS["assessment"], figure, _l("Results published"),
                state == "published", _link("assessment.index", studio_id=studio.id))


ITEMS = (_standard_cases, _backbone_work, _practice_case, _hours, _activities, _briefings,
         _review_coverage, _assessment)


def snapshot(items):
    """The checklist as stored with an application (strings, in the applicant's language)."""
    return [{"key": i.key, "figure": str(i.figure), "threshold": str(i.threshold), "ok": i.ok}
            for i in items]
