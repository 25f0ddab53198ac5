"""Exports of the study-hour register (学时登记) in the shape the education authority asks for.

The studio's register has one row per member: 序号, 姓名, 用户名, 学校, 学科, 角色, one column
per source of hours (tasks, activities, observations, courses, adjustments), 合计, 目标,
是否达标, and the dates it covers. One member's record has one row per ledger entry with its
date, hours, source, reason and who credited it, then the total against the target.

Both come as XLSX and as CSV in UTF-8 with a BOM (Excel in China opens it as UTF-8). Member
names, schools and reasons come from imports and forms: a text cell that starts with ``=``,
``+``, ``-``, ``@`` (or a tab or carriage return) is written as text, never as a formula:
in XLSX as a string cell, in CSV behind an apostrophe.
"""
import csv
import io
from flask import send_file
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from models.hours import HourEntry
from studio.dates import studio_time, studio_today
from studio.extensions import db
from studio.labels import HOUR_SOURCE_LABELS, ROLE_LABELS

SOURCE_ORDER = ("task", "activity", "observation", "course", "manual")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}


def _sums(studio, user_ids):
    """{user id: {source: hours}}, {user id: (first date, last date)} in one query. A
    reversal (an attendance removed) counts against the source of the credit it takes back,
    so the activity column shows the hours that stand."""
    sums, spans = {}, {}
    if not user_ids:
        return sums, spans
    taken_back = aliased(HourEntry)
    source = case((HourEntry.source == "reversal", taken_back.source), else_=HourEntry.source)
    rows = db.session.execute(
        select(HourEntry.user_id, source, func.sum(HourEntry.amount),
               func.min(HourEntry.created_at), func.max(HourEntry.created_at))
        .outerjoin(taken_back, and_(HourEntry.source == "reversal",
                                    taken_back.id == HourEntry.source_id))
        .where(HourEntry.studio_id == studio.id, HourEntry.user_id.in_(user_ids))
        .group_by(HourEntry.user_id, source))
    for user_id, source, total, first, last in rows:
        sums.setdefault(user_id, {})[source] = float(total)
        old = spans.get(user_id)
        spans[user_id] = (min(first, old[0]), max(last, old[1])) if old else (first, last)
    return sums, spans


def _day(value, studio):
    return studio_time(value, studio).date() if value else None


def register_table(studio, members, roster):
    """Header and rows of the studio's register for ``members`` (in roster order)."""
    today = studio_today(studio)
    sums, spans = _sums(studio, [u.id for u in members])
    header = [_("No."), _("Name"), _("Username"), _("School"), _("Subject"), _("Role")]
    header += [str(HOUR_SOURCE_LABELS[s]) for s in SOURCE_ORDER]
    header += [_("Total hours"), _("Target hours"), _("Target reached"), _("First credit"),
               _("Last credit"), _("Counted up to")]
    rows = []
    for number, member in enumerate(members, start=1):
        role = roster.role_of[member.id]
        by_source = sums.get(member.id, {})
        total = round(sum(by_source.values()), 1)
        target = studio.hours_target(role)
        first, last = spans.get(member.id, (None, None))
        rows.append([number, member.name, member.username, member.school, member.subject,
                     str(ROLE_LABELS[role])]
                    + [round(by_source.get(s, 0.0), 1) for s in SOURCE_ORDER]
                    + [total, target, _("Yes") if target and total >= target else _("No"),
                       _day(first, studio), _day(last, studio), today])
    return header, rows


def member_table(studio, member, entries, total, target):
    """Header and rows of one member's record: each ledger entry, oldest first, then the
    total against the target."""
    header = [_("No."), _("Date"), _("Name"), _("Username"), _("Source"), _("Details"),
              _("Hours"), _("Credited by")]
    rows = []
    for number, entry in enumerate(sorted(entries, key=lambda e: (e.created_at, e.id)), start=1):
        rows.append([number, _day(entry.created_at, studio), member.name, member.username,
                     str(HOUR_SOURCE_LABELS.get(entry.source, entry.source)), entry.reason,
                     round(float(entry.amount), 1),
                     entry.created_by.name if entry.created_by else ""])
    rows.append([])
    rows.append([_("Total hours"), round(total, 1), _("Target hours"), target, _("Target reached"),
                 _("Yes") if target and total >= target else _("No")])
    return header, rows


def _safe_text(value):
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _xlsx(title, header, rows):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if _safe_text(cell.value):
                cell.data_type = "s"        # text as typed, never a formula
            elif hasattr(cell.value, "year"):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMNOPQR", (6, 12, 14, 24, 10, 14)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(header, rows):
    text = io.StringIO()
    writer = csv.writer(text)
    for row in [header] + rows:
        writer.writerow(["'" + v if _safe_text(v) else
                         (v.isoformat() if hasattr(v, "isoformat") else v) for v in row])
    return text.getvalue().encode("utf-8-sig")


def send_table(fmt, filename, title, header, rows):
    body = _xlsx(title, header, rows) if fmt == "xlsx" else _csv(header, rows)
    stamp = studio_today().strftime("%Y%m%d")
    filename = "".join(c for c in filename if c not in '/\\:*?"<>|').strip() or "export"
    return send_file(io.BytesIO(body), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{filename}-{stamp}.{fmt}", max_age=0)
