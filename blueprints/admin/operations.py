"""Studio set-up and the bulk member import (CSV or XLSX).

The import is two steps: ``preview_import`` reads the file and reports every row's problems
without writing anything but the pending batch; ``apply_import`` checks the rows again and
writes all of them or none.
"""
import csv
import io
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.studios import operations as studio_ops
from models import ImportBatch, Membership, User
from models.audit import record
from models.base import utcnow
from studio.errors import RuleError
from studio.extensions import db

# Header names accepted for each column, English and Chinese, compared case-insensitively.
COLUMNS = {
    "name": ("name", "姓名"),
    "username": ("username", "用户名", "账号"),
    "role": ("role", "角色"),
    "school": ("school", "学校", "单位", "工作单位"),
    "subject": ("subject", "学科", "任教学科"),
    "contact": ("phone or email", "contact", "联系方式", "手机或邮箱"),
    "phone": ("phone", "手机", "手机号", "电话"),
    "email": ("email", "e-mail", "邮箱", "电子邮箱"),
    "mentor": ("mentor", "mentor username", "导师", "导师用户名"),
}
REQUIRED = ("name", "username", "role")
ROLE_VALUES = {
    "master": "master", "名师": "master", "主持人": "master", "工作室主持人": "master",
    "backbone": "backbone", "骨干": "backbone", "骨干教师": "backbone",
    "new_teacher": "new_teacher", "new teacher": "new_teacher", "新教师": "new_teacher",
    "新入职教师": "new_teacher",
}
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
PHONE_RE = re.compile(r"^[0-9+\- ]{5,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ROWS = 500


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into Excel comes back as a float
    return str(value).strip()


def read_rows(filename, data):
    """Return the file's rows as dicts keyed by column code. Raises RuleError if unreadable."""
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    table = [[_cell(v) for v in row] for row in table if any(_cell(v) for v in row)]
    if not table:
        raise RuleError(_l("The file is empty."))
    header = [h.lower() for h in table[0]]
    index = {}
    for code, names in COLUMNS.items():
        for position, title in enumerate(header):
            if title in names:
                index[code] = position
                break
    missing = [code for code in REQUIRED if code not in index]
    if missing:
        raise RuleError(_l("The first row must name the columns; missing: %(cols)s.",
                           cols=", ".join(missing)))
    if len(table) == 1:  # the header and no one under it
        raise RuleError(_l("The file is empty."))
    if len(table) - 1 > MAX_ROWS:
        raise RuleError(_l("A file may hold at most %(n)s members.", n=MAX_ROWS))
    rows = []
    for line, values in enumerate(table[1:], start=2):
        row = {code: (values[pos] if pos < len(values) else "") for code, pos in index.items()}
        row["line"] = line
        rows.append(_normalise(row))
    return rows


def _read_xlsx(data):
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return list(book.worksheets[0].iter_rows(values_only=True))
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise RuleError(_l("The XLSX file could not be read. Please save it again in Excel "
                           "or as CSV."))


def _read_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RuleError(_l("The file is neither a CSV in UTF-8 or GBK nor an XLSX file."))
    if "\x00" in text:
        raise RuleError(_l("The file is neither a CSV in UTF-8 or GBK nor an XLSX file."))
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise RuleError(_l("The CSV file could not be read."))


def _normalise(row):
    contact = row.pop("contact", "")
    phone, email = row.get("phone", ""), row.get("email", "")
    if contact:
        if "@" in contact:
            email = email or contact
        else:
            phone = phone or contact
    return {
        "line": row["line"], "name": row.get("name", ""), "username": row.get("username", ""),
        "role_text": row.get("role", ""), "role": ROLE_VALUES.get(row.get("role", "").lower()),
        "school": row.get("school", ""), "subject": row.get("subject", ""),
        "phone": phone, "email": email, "mentor": row.get("mentor", ""),
    }


def check_rows(studio, rows):
    """Attach to each row the list of its problems (translated) and whether the account
    exists already. Reads the database; writes nothing."""
    usernames = {r["username"] for r in rows} | {r["mentor"] for r in rows if r["mentor"]}
    existing = {u.username: u for u in db.session.execute(
        select(User).where(User.username.in_(usernames))).scalars()}
    members = {m.user_id: m for m in db.session.execute(
        select(Membership).where(Membership.studio_id == studio.id,
                                 Membership.active.is_(True))).scalars()}
    counts = studio.role_counts()
    file_backbones = {r["username"] for r in rows if r["role"] == "backbone"}
    seen = {}
    for row in rows:
        problems = []
        name, username, role = row["name"], row["username"], row["role"]
        if not name:
            problems.append(_l("The name is empty."))
        if not username:
            problems.append(_l("The username is empty."))
        elif not USERNAME_RE.match(username):
            problems.append(_l("The username may only hold 3–64 letters, digits, '_', '.' or '-'."))
        elif username in seen:
            problems.append(_l("Duplicate username: also on line %(line)s.", line=seen[username]))
        else:
            seen[username] = row["line"]
            user = existing.get(username)
            if user is not None and user.id in members:
                problems.append(_l("%(u)s is already a member of this studio.", u=username))
            elif user is not None and user.name != name:
                problems.append(_l("The username %(u)s is already taken by %(other)s.",
                                   u=username, other=user.name))
        row["existing"] = username in existing
        if role is None:
            problems.append(_l("Unknown role “%(role)s”: use master, backbone or new_teacher "
                               "(名师, 骨干教师, 新入职教师).", role=row["role_text"]))
        elif not problems:  # a row refused for its username takes no place in the studio
            counts[role] += 1
            if counts[role] > studio.limit_for(role):
                problems.append(studio_ops.limit_message(studio, role))
        mentor = row["mentor"]
        if mentor and role != "new_teacher":
            problems.append(_l("Only new teachers have a mentor."))
        elif mentor:
            mentor_user = existing.get(mentor)
            is_member_backbone = mentor_user is not None and mentor_user.id in members \
                and members[mentor_user.id].role == "backbone"
            if mentor not in file_backbones and not is_member_backbone:
                problems.append(_l("Unknown mentor “%(m)s”: not a backbone teacher of this "
                                   "studio or of this file.", m=mentor))
        if row["phone"] and not PHONE_RE.match(row["phone"]):
            problems.append(_l("The phone number “%(p)s” is not valid.", p=row["phone"]))
        if row["email"] and not EMAIL_RE.match(row["email"]):
            problems.append(_l("The e-mail address “%(e)s” is not valid.", e=row["email"]))
        row["problems"] = [str(p) for p in problems]
    return rows


def preview_import(studio, filename, data, initial_password, actor):
    rows = check_rows(studio, read_rows(filename, data))
    batch = None
    if not any(row["problems"] for row in rows):
        from werkzeug.security import generate_password_hash
        stored = [{k: v for k, v in row.items() if k != "problems"} for row in rows]
        batch = ImportBatch(studio=studio, created_by_id=actor.id, filename=filename[:255],
                            rows=stored,
                            initial_password_hash=generate_password_hash(initial_password,
                                                                         method="scrypt"))
        db.session.add(batch)
    return rows, batch


def apply_import(batch, actor):
    """Write every row of a previewed batch, or nothing: any problem raises RuleError and the
    caller rolls back."""
    if batch.applied_at is not None:
        raise RuleError(_l("This import has already been applied."))
    studio = batch.studio
    rows = check_rows(studio, [dict(r) for r in batch.rows])
    if any(row["problems"] for row in rows):
        raise RuleError(_l("The studio changed since the preview; please upload the file again."))
    users = {}
    counts = studio.role_counts()
    for row in rows:
        user = db.session.execute(
            select(User).where(User.username == row["username"])).scalar_one_or_none()
        if user is None:
            user = User(username=row["username"], name=row["name"], school=row["school"],
                        subject=row["subject"], phone=row["phone"], email=row["email"],
                        password_hash=batch.initial_password_hash, must_change_password=True)
            db.session.add(user)
            record("account_created", actor=actor, studio=studio, target=user, detail="import")
        db.session.flush()
        if row["role"] == "master":
            studio_ops.appoint_master(studio, user, actor)
            counts["master"] += 1
        else:
            studio_ops.add_member(studio, user, row["role"], actor, counts=counts)
        users[row["username"]] = user
    db.session.flush()
    for row in rows:
        if row["mentor"]:
            mentor = users.get(row["mentor"]) or db.session.execute(
                select(User).where(User.username == row["mentor"])).scalar_one()
            studio_ops.assign_mentor(studio, users[row["username"]], mentor, actor,
                                     str(_l("import")))
    batch.applied_at = utcnow()
    record("members_imported", actor=actor, studio=studio, detail=f"{len(rows)} rows")
    return len(rows)


TEMPLATE_CSV = (
    "name,username,role,school,subject,phone or email,mentor username\n"
    "张三,zhangsan,backbone,郑州市第一中学,数学,13800000000,\n"
    "李四,lisi,new_teacher,郑州市第八中学,数学,lisi@example.com,zhangsan\n"
)
