"""The summary cards and the chart series of the dashboard, from its rows (no queries here).

Each chart is a plain dict that ``static/js/dashboard.js`` draws with ECharts: ``kind`` (bar,
stack or pie), ``categories`` (studio names), ``series`` ([{name, data}]) and ``unit``. The
labels are translated here, so the charts speak the page's language."""
from flask_babel import gettext as _

from blueprints.dashboard import figures
from studio.labels import CERTIFICATION_PROGRESS_LABELS, ROLE_LABELS, STATE_LABELS


def _sum(rows, attr, role):
    return sum(getattr(r, attr).get(role, 0) for r in rows)


def summary(rows, waits):
    """The figures of the cards above the charts."""
    learners = ("backbone", "new_teacher")
    members = sum(_sum(rows, "members", role) for role in learners)
    reached = sum(_sum(rows, "reached", role) for role in learners)
    every_wait = [s for seconds in waits.values() for s in seconds]
    cases = sum(sum(r.cases.values()) for r in rows)
    return dict(
        studios=len(rows),
        members={role: _sum(rows, "members", role) for role in figures.ROLES},
        hours_share=round(100 * reached / members) if members else None,
        cases=cases,
        approved=sum(r.cases.get("approved", 0) + r.cases.get("recommended", 0) for r in rows),
        median_hours=figures.median_hours(every_wait),
        activities=sum(r.activities for r in rows),
        activities_met=sum(1 for r in rows if r.activities >= r.rules.activities_per_year),
        briefings=sum(r.briefings for r in rows),
        briefings_met=sum(1 for r in rows if r.briefings >= r.rules.briefings_required),
        certification=certification_counts(rows))


def certification_counts(rows):
    counts = {state: 0 for state in figures.CERTIFICATION_STATES}
    for row in rows:
        counts[row.certification] += 1
    return counts


def chart_data(rows):
    """Every chart of the page, keyed by the ``data-chart`` name of its container."""
    names = [r.studio.name for r in rows]
    return {
        "hours": dict(kind="bar", unit="%", categories=names, series=[
            dict(name=str(ROLE_LABELS[role]), data=[r.share(role) for r in rows])
            for role in ("backbone", "new_teacher")]),
        "cases": dict(kind="stack", unit="", categories=names, series=[
            dict(name=str(STATE_LABELS[state]), data=[r.cases.get(state, 0) for r in rows])
            for state in figures.CASE_STATES]),
        "briefings": dict(kind="bar", unit="", categories=names, series=[
            dict(name=_("Published"), data=[r.briefings for r in rows]),
            dict(name=_("Briefings required"), data=[r.rules.briefings_required for r in rows])]),
        "activities": dict(kind="bar", unit="", categories=names, series=[
            dict(name=_("Held this cycle year"), data=[r.activities for r in rows]),
            dict(name=_("Required a year"), data=[r.rules.activities_per_year for r in rows])]),
        "certification": dict(kind="pie", unit="", categories=[], series=[
            dict(name=str(CERTIFICATION_PROGRESS_LABELS[state]), data=n)
            for state, n in certification_counts(rows).items()]),
    }


def waiting_text(hours):
    """A review turnaround as people say it: hours under two days, days beyond."""
    if hours is None:
        return "—"
    if hours < 48:
        return _("%(n)s h", n=hours)
    return _("%(n)s d", n=round(hours / 24, 1))
