"""The dashboard page and its XLSX export, for offices (项目办/教育局) over the studios they
oversee (``Studio.overseen_by``), filtered by region, subject, stage and status."""
from flask import render_template, request
from flask_login import current_user

from blueprints.dashboard import board, bp, charts, export
from studio.labels import (CERTIFICATION_PROGRESS_LABELS, ROLE_LABELS, STAGE_LABELS,
                           STATE_LABELS, STATUS_LABELS)
from studio.security import admin_required


def _dashboard():
    """The filters, rows and extras both views need; the status is 400 when a filter value
    was refused (the page then shows the studios without it)."""
    regions = board.regions_in_scope(current_user)
    subjects = board.subjects_in_scope(current_user)
    flt = board.parse_filters(request.args, regions, subjects)
    rows, has_readiness, waits = board.build_rows(board.scope_of(current_user, flt))
    return dict(flt=flt, rows=rows, has_readiness=has_readiness, waits=waits,
                regions=regions, subjects=subjects), (400 if flt.errors else 200)


@bp.route("/dashboard")
@admin_required
def index():
    data, status = _dashboard()
    rows = data["rows"]
    return render_template(
        "dashboard/index.html", summary=charts.summary(rows, data.pop("waits")),
        chart_data=charts.chart_data(rows), waiting_text=charts.waiting_text,
        case_states=board.figures.CASE_STATES, stage_labels=STAGE_LABELS,
        status_labels=STATUS_LABELS, role_labels=ROLE_LABELS, case_state_labels=STATE_LABELS,
        certification_labels=CERTIFICATION_PROGRESS_LABELS, **data), status


@bp.route("/dashboard/export.xlsx")
@admin_required
def export_xlsx():
    data, status = _dashboard()
    if status != 200:
        return index()
    return export.send_dashboard(data["rows"], data["has_readiness"],
                                 charts.summary(data["rows"], data["waits"]))
