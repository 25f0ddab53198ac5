"""The office's page (项目办/教育局): every studio in its scope with its briefings published
against the programme's requirement (default 3)."""
from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.briefings import office_bp
from models.briefing import Briefing
from models.studio import Studio
from studio.extensions import db
from studio.labels import all_labels
from studio.security import admin_required

FILTERS = ("all", "met", "unmet")


def studio_rows(user):
    """(studio, published, required) for the studios the office oversees, in a constant
    number of queries whatever their number."""
    studios = db.session.execute(
        select(Studio).where(Studio.overseen_by(user))
        .options(selectinload(Studio.programme),
                 selectinload(Studio.region_node))
        .order_by(Studio.name)).scalars().all()
    counts = Briefing.published_counts([s.id for s in studios])
    return [(s, counts.get(s.id, 0), s.rules.briefings_required) for s in studios]


@office_bp.route("/briefings")
@admin_required
def overview():
    status = request.args.get("status", "all")
    status = status if status in FILTERS else "all"
    rows = studio_rows(current_user)
    met = sum(1 for _s, n, need in rows if n >= need)
    if status != "all":
        rows = [r for r in rows if (r[1] >= r[2]) == (status == "met")]
    return render_template("briefings/office.html", rows=rows, status=status, met=met,
                           filters=FILTERS, **all_labels())
