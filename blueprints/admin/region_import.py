"""Importing the region tree from CSV (代码, 名称, 级别, 上级代码).

``read_regions`` decodes the file (UTF-8 with or without BOM, or GBK as Excel in China saves
it) and ``check_regions`` attaches each row's problems without writing; ``apply_regions``
checks again and writes every row or none. Rows match existing regions by code, so a second
import of the same file changes nothing and a renamed row renames.
"""
import csv
import io

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.admin import region_operations as ops
from models import Region
from models.audit import record
from studio.errors import RuleError
from studio.extensions import db

COLUMNS = {"code": ("code", "代码", "行政区划代码", "区划代码"), "name": ("name", "名称"),
           "level": ("level", "级别", "层级"),
           "parent": ("parent code", "parent_code", "上级代码", "上级")}
LEVEL_VALUES = {"province": "province", "省": "province", "省级": "province",
                "city": "city", "市": "city", "市级": "city", "county": "county",
                "县": "county", "区": "county", "县区": "county", "县/区": "county",
                "县级": "county"}
LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
TEMPLATE_CSV = ("代码,名称,级别,上级代码\n410000,河南省,省,\n410100,郑州市,市,410000\n"
                "410105,金水区,县,410100\n410300,洛阳市,市,410000\n")


def _decode(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuleError(_l("The file is not a CSV in UTF-8 or GBK."))


def read_regions(data):
    """The file's rows as dicts (line, code, name, level_text, level, parent)."""
    if len(data) > MAX_BYTES:
        raise RuleError(_l("The file is too large."))
    try:
        table = [row for row in csv.reader(io.StringIO(_decode(data), newline=""))
                 if any(cell.strip() for cell in row)]
    except csv.Error:
        raise RuleError(_l("The CSV file could not be read."))
    if len(table) < 2:
        raise RuleError(_l("The file is empty."))
    header = [cell.strip().lower() for cell in table[0]]
    index = {code: next((i for i, title in enumerate(header) if title in names), None)
             for code, names in COLUMNS.items()}
    missing = [COLUMNS[code][1] for code in ("code", "name", "level") if index[code] is None]
    if missing:
        raise RuleError(_l("The first row must name the columns; missing: %(cols)s.",
                           cols="、".join(missing)))
    if len(table) - 1 > MAX_ROWS:
        raise RuleError(_l("A file may hold at most %(n)s regions.", n=MAX_ROWS))
    return [_row(line, values, index) for line, values in enumerate(table[1:], start=2)]


def _row(line, values, index):
    def cell(code):
        position = index[code]
        return values[position].strip() if position is not None and position < len(values) \
            else ""
    level_text = cell("level")
    return {"line": line, "code": cell("code"), "name": cell("name"), "level_text": level_text,
            "level": LEVEL_VALUES.get(level_text.lower()), "parent": cell("parent")}


def _problems(row, seen, file_levels, existing):
    problems = []
    if any("\x00" in row[k] for k in ("code", "name", "parent", "level_text")):
        return [_l("The row holds NUL bytes.")]
    for check, value in ((ops.clean_name, row["name"]), (ops.clean_code, row["code"])):
        try:
            check(value)
        except RuleError as error:
            problems.append(error.message)
    if not row["code"]:
        problems.append(_l("The code is empty."))
    elif row["code"] in seen:
        problems.append(_l("Duplicate code: also on line %(line)s.", line=seen[row["code"]]))
    if row["level"] is None:
        problems.append(_l("Unknown level “%(level)s”: use 省, 市 or 县.",
                           level=row["level_text"][:20]))
        return problems
    parent = row["parent"]
    parent_level = file_levels.get(parent) or (existing[parent].level if parent in existing
                                               else None)
    if parent and parent_level is None:
        problems.append(_l("Unknown parent code %(code)s.", code=parent[:20]))
    elif parent_level != ops.PARENT_LEVEL[row["level"]]:
        problems.append(_l("A province has no parent; a city lies in a province; a county or "
                           "district lies in a city."))
    return problems


def check_regions(rows):
    """Attach to each row its problems (translated strings) and what it would do."""
    codes = {r["code"] for r in rows} | {r["parent"] for r in rows if r["parent"]}
    existing = {r.code: r for r in db.session.execute(
        select(Region).where(Region.code.in_(codes))).scalars()}
    file_levels = {r["code"]: r["level"] for r in rows if r["level"]}
    seen = {}
    for row in rows:
        row["problems"] = [str(p) for p in _problems(row, seen, file_levels, existing)]
        seen.setdefault(row["code"], row["line"])
        found = existing.get(row["code"])
        if found is not None and row["level"] and found.level != row["level"]:
            row["problems"].append(str(_l("%(name)s exists with another level; change it by "
                                          "hand.", name=found.name)))
        row["action"] = "new" if found is None else (
            "same" if (found.name, found.level, found.parent.code if found.parent else "")
            == (row["name"], row["level"], row["parent"]) else "change")
    return rows


def apply_regions(rows, actor):
    """Write every row (parents first) or raise RuleError; returns how many changed."""
    rows = check_regions([{k: str(r.get(k, "")) for k in ("line", "code", "name", "level_text",
                                                           "parent")} | {
        "level": LEVEL_VALUES.get(str(r.get("level_text", "")).lower())} for r in rows])
    if not rows or any(row["problems"] for row in rows):
        raise RuleError(_l("The regions changed since the preview; please upload the file "
                           "again."))
    changed = 0
    for row in sorted(rows, key=lambda r: LEVEL_ORDER[r["level"]]):
        if row["action"] != "same":
            _upsert(row, actor)
            changed += 1
    record("regions_imported", actor=actor, detail=f"{changed} of {len(rows)} rows")
    return changed


def _upsert(row, actor):
    by_code = select(Region).where(Region.code == row["code"])
    region = db.session.execute(by_code).scalar_one_or_none()
    parent = db.session.execute(select(Region).where(Region.code == row["parent"])) \
        .scalar_one_or_none() if row["parent"] else None
    if region is None:
        ops.add_region(row["name"], row["level"], parent, row["code"], actor)
        db.session.flush()
        return
    if region.level != row["level"]:
        raise RuleError(_l("Line %(line)s changes the level of %(name)s; change it by hand.",
                           line=row["line"], name=region.name))
    if region.parent_id != (parent.id if parent else None):
        ops.move_region(region, parent, actor)
    if region.name != row["name"]:
        ops.rename_region(region, row["name"], row["code"], actor)
    db.session.flush()
