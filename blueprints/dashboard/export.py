"""The dashboard as XLSX (数据看板): a summary sheet and one row per studio with every figure
the page shows. Studio names come from forms: a text that starts like a formula is written as
a string cell (blueprints/hours/export.py does the same)."""
import io

from flask import send_file
from flask_babel import gettext as _

from blueprints.dashboard import figures
from blueprints.hours.export import FORMULA_START, MIMETYPES
from studio.dates import studio_today
from studio.labels import (CERTIFICATION_PROGRESS_LABELS, ROLE_LABELS, STAGE_LABELS,
                           STATE_LABELS, STATUS_LABELS)


def studio_header(has_readiness):
    header = [_("Studio"), _("Region"), _("Subject"), _("Stage"), _("Status"),
              _("Master"), _("Backbone teachers"), _("Backbone quota"), _("New teachers"),
              _("New teachers (min)"), _("New teachers (max)"),
              _("Backbone reaching hours (%)"), _("New teachers reaching hours (%)")]
    header += [str(STATE_LABELS[s]) for s in figures.CASE_STATES]
    header += [_("Review turnaround median (hours)"), _("Activities held this cycle year"),
               _("Activities required a year"), _("Briefings published"),
               _("Briefings required"), _("Certification")]
    if has_readiness:
        header += [_("Readiness items met"), _("Readiness items")]
    return header


def studio_row(row, has_readiness):
    s = row.studio
    values = [s.name, s.region_name, s.subject,
              str(STAGE_LABELS.get(s.school_stage, s.school_stage)),
              str(STATUS_LABELS.get(s.status, s.status)), row.members["master"],
              row.members["backbone"], s.max_backbone, row.members["new_teacher"],
              s.min_new_teachers, s.max_new_teachers, row.share("backbone"),
              row.share("new_teacher")]
    values += [row.cases.get(state, 0) for state in figures.CASE_STATES]
    values += [row.median_hours, row.activities, row.rules.activities_per_year, row.briefings,
               row.rules.briefings_required,
               str(CERTIFICATION_PROGRESS_LABELS[row.certification])]
    if has_readiness:
        values += list(row.readiness or ("", ""))
    return values


def summary_rows(summary):
    rows = [[_("Studios shown"), summary["studios"]]]
    rows += [[str(ROLE_LABELS[role]), n] for role, n in summary["members"].items()]
    rows += [[_("Members reaching their study hours (%)"), summary["hours_share"]],
             [_("Lesson cases handed in"), summary["cases"]],
             [_("Lesson cases approved"), summary["approved"]],
             [_("Review turnaround median (hours)"), summary["median_hours"]],
             [_("Activities held this cycle year"), summary["activities"]],
             [_("Studios holding enough activities"), summary["activities_met"]],
             [_("Briefings published"), summary["briefings"]],
             [_("Studios with enough briefings"), summary["briefings_met"]]]
    rows += [[str(CERTIFICATION_PROGRESS_LABELS[state]), n]
             for state, n in summary["certification"].items()]
    return rows


def _sheet(book, title, header, rows, first=False):
    from openpyxl.styles import Font
    sheet = book.active if first else book.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"        # text as typed, never a formula
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 30
    return sheet


def workbook(rows, has_readiness, summary):
    from openpyxl import Workbook
    book = Workbook()
    _sheet(book, _("Summary"), [_("Measure"), _("Value")], summary_rows(summary), first=True)
    _sheet(book, _("Studio by studio"), studio_header(has_readiness),
           [studio_row(r, has_readiness) for r in rows])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send_dashboard(rows, has_readiness, summary):
    body = workbook(rows, has_readiness, summary)
    stamp = studio_today().strftime("%Y%m%d")
    name = _("dashboard")
    return send_file(io.BytesIO(body), mimetype=MIMETYPES["xlsx"], as_attachment=True,
                     download_name=f"{name}-{stamp}.xlsx", max_age=0)
