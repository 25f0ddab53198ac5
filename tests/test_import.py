"""The admin's bulk member import (CSV / XLSX): preview, then confirm, all or nothing."""
import csv
import html
import io
import re

import pytest
from flask import g, request_started
from openpyxl import Workbook
from sqlalchemy import func, select

from models import ImportBatch, MentorGroup, MentorGroupMember, Membership, User
from models.studio import Roster
from studio.extensions import db
from tests.conftest import join, login_en as login, page_text as text, login_with_form, make_studio, make_user

INITIAL = "Chushi-mima-2026"
HEADER = ["name", "username", "role", "school", "subject", "phone or email", "mentor username"]


# --- helpers ---------------------------------------------------------------------------------

def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person(name, username, role, mentor="", contact="", school="郑州市第一中学"):
    return [name, username, role, school, "数学", contact, mentor]


def upload(client, studio, data, filename="members.csv", password=INITIAL):
    return client.post(f"/admin/studios/{studio.id}/import",
                       data={"file": (io.BytesIO(data), filename), "initial_password": password},
                       content_type="multipart/form-data")






def preview_rows(response):
    """{line: (css class, text of the row)} from the preview table."""
    found = re.findall(r'<tr class="([^"]*)">\s*<td>(\d+)</td>(.*?)</tr>',
                       response.get_data(as_text=True), re.S)
    return {int(line): (css, html.unescape(body)) for css, line, body in found}


def confirm_url(response):
    match = re.search(r'action="(/admin/studios/\d+/import/\d+/confirm)"',
                      response.get_data(as_text=True))
    assert match, "the preview offers no confirm button"
    return match.group(1)


def snapshot():
    """How much there is of everything an import writes."""
    def count(model, *where):
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()
    return {
        "users": count(User),
        "memberships": count(Membership),
        "active memberships": count(Membership, Membership.active.is_(True)),
        "mentor groups": count(MentorGroup),
        "mentor links": count(MentorGroupMember),
        "open mentor links": count(MentorGroupMember, MentorGroupMember.ended_at.is_(None)),
        "import batches": count(ImportBatch),
    }


def user_named(username):
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def mentor_username(studio, username):
    mentor = studio.mentor_of(user_named(username))
    return mentor.username if mentor else None




@pytest.fixture
def admin_client(app, cast):
    """A second browser, the admin's (``client`` stays free for other people)."""
    return login(app.test_client(), cast.admin)


# --- bad rows: a clear message on the row, status 400, nothing written -------------------------

def _many(role, n, prefix, mentor=""):
    return [person(f"{prefix}{i:03d}号", f"{prefix}{i:03d}", role, mentor=mentor)
            for i in range(1, n + 1)]


BAD_ROWS = {
    # case: (rows, line of the bad row, words of the message)
    "duplicate username in file": (
        [person("刘一", "liuyi", "new_teacher"), person("刘二", "liuyi", "new_teacher")],
        3, "Duplicate username: also on line 2"),
    "username taken by another person": (
        [person("另一个人", "outsider", "new_teacher")],
        2, "The username outsider is already taken by 陈外人"),
    "already a member": (
        [person("张新师", "new_teacher", "new_teacher")],
        2, "new_teacher is already a member of this studio"),
    "unknown mentor": (
        [person("刘一", "liuyi", "new_teacher", mentor="nobody")],
        2, "Unknown mentor “nobody”"),
    "mentor who is not a backbone of this studio": (
        [person("刘一", "liuyi", "new_teacher", mentor="outsider")],
        2, "Unknown mentor “outsider”"),
    "mentor given for a backbone": (
        [person("刘骨干", "liugugan", "backbone", mentor="backbone")],
        2, "Only new teachers have a mentor"),
    "11th backbone": (
        _many("backbone", 10, "bb"),  # the studio has 1 backbone already
        11, "This studio already has 10 backbone teachers, the most it may have"),
    "101st new teacher": (
        _many("new_teacher", 100, "nt"),  # the studio has 1 new teacher already
        101, "This studio already has 100 new teachers, the most it may have"),
    "second master": (
        [person("钱名师", "qianmingshi", "master")],
        2, "A studio has exactly one master teacher; this studio already has one"),
    "bad role": (
        [person("刘一", "liuyi", "principal")],
        2, "Unknown role “principal”"),
    "empty name": (
        [person("", "liuyi", "new_teacher")],
        2, "The name is empty"),
    "bad phone": (
        [person("刘一", "liuyi", "new_teacher", contact="138-abc")],
        2, "The phone number “138-abc” is not valid"),
    "bad e-mail": (
        [person("刘一", "liuyi", "new_teacher", contact="liuyi@nowhere")],
        2, "The e-mail address “liuyi@nowhere” is not valid"),
    "bad username": (
        [person("刘一", "刘 一", "new_teacher")],
        2, "The username may only hold 3–64 letters"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_preview_shows_each_bad_row_and_writes_nothing(admin_client, cast, case, kind):
    rows, bad_line, message = BAD_ROWS[case]
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    before = snapshot()

    response = upload(admin_client, cast.studio, data, filename=f"members.{kind}")

    assert response.status_code == 400
    page = text(response)
    assert "rows have problems" in page
    assert 'data-testid="confirm-import"' not in page
    table = preview_rows(response)
    assert len(table) == len(rows)
    css, row_text = table[bad_line]
    assert css == "row-bad"
    assert message in row_text
    for line, (css, row_text) in table.items():
        if line != bad_line:  # the message sits on its own row only
            assert message not in row_text
    assert snapshot() == before


def test_every_bad_row_of_a_file_is_reported_at_once(admin_client, cast):
    rows = [person("刘一", "liuyi", "new_teacher", mentor="backbone"),
            person("", "liuer", "new_teacher"),
            person("刘三", "liusan", "teacher"),
            person("刘四", "liuyi", "new_teacher")]
    before = snapshot()
    response = upload(admin_client, cast.studio, csv_bytes(rows))
    assert response.status_code == 400
    assert "3 rows have problems" in text(response)
    table = preview_rows(response)
    assert table[2][0] == "" and "✓" in table[2][1]
    assert "The name is empty" in table[3][1]
    assert "Unknown role “teacher”" in table[4][1]
    assert "Duplicate username: also on line 2" in table[5][1]
    assert snapshot() == before


UNREADABLE = {
    "binary junk": (bytes(range(256)) * 8, "junk.csv",
                    "The file is neither a CSV in UTF-8 or GBK nor an XLSX file"),
    "picture renamed": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "members.csv",
                        "The file is neither a CSV in UTF-8 or GBK nor an XLSX file"),
    "damaged xlsx": (b"PK\x03\x04" + b"not really a zip file" * 20, "members.xlsx",
                     "The XLSX file could not be read"),
    "empty file": (b"", "members.csv", "The file is empty"),
    "only blank lines": (b"\r\n,,,\r\n\r\n", "members.csv", "The file is empty"),
    "missing header columns": ("张三,zhangsan,backbone\n李四,lisi,new_teacher\n".encode(),
                               "members.csv",
                               "The first row must name the columns; "
                               "missing: name, username, role"),
    "header but no members": (b"name,username,role\r\n,,\r\n", "members.csv",
                              "The file is empty"),
    "header only, xlsx": (xlsx_bytes([]), "members.xlsx", "The file is empty"),
    "too many rows": (csv_bytes([person(f"刘{i}", f"liu{i:03d}", "new_teacher")
                                 for i in range(501)]), "members.csv",
                      "A file may hold at most 500 members"),
    "missing role column": ("name,username,school\n张三,zhangsan,一中\n".encode(), "members.csv",
                            "missing: role"),
    "NUL byte in a cell": ("姓名,用户名,角色,学校\n张\x00三,zhangsan,新入职教师,一中\n".encode(),
                           "members.csv", "neither a CSV in UTF-8 or GBK"),  # PostgreSQL refuses NUL
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_file_is_refused_with_a_message(admin_client, cast, case):
    data, filename, message = UNREADABLE[case]
    before = snapshot()
    response = upload(admin_client, cast.studio, data, filename=filename)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert 'role="alert"' in page
    assert 'data-testid="confirm-import"' not in page
    assert snapshot() == before


def test_upload_needs_a_file_and_a_sound_initial_password(admin_client, cast):
    before = snapshot()
    response = admin_client.post(f"/admin/studios/{cast.studio.id}/import",
                                 data={"initial_password": INITIAL},
                                 content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Please choose a CSV or XLSX file." in text(response)
    response = upload(admin_client, cast.studio,
                      csv_bytes([person("刘一", "liuyi", "new_teacher")]), password="12345678")
    assert response.status_code == 400
    assert "too common" in text(response)
    assert snapshot() == before


# --- a correct file: preview, confirm, log in ---------------------------------------------------

def test_correct_file_previews_then_confirm_imports_everyone(admin_client, client, cast):
    rows = [person("周骨干", "zhougugan", "backbone", contact="13912345678"),
            person("吴新师", "wuxinshi", "new_teacher", mentor="zhougugan",
                   contact="wuxinshi@example.com"),
            person("郑新师", "zhengxinshi", "new_teacher", mentor="backbone")]
    before = snapshot()

    response = upload(admin_client, cast.studio, csv_bytes(rows))

    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="confirm-import"' in page
    assert "Import these 3 members" in page
    assert all(css == "" for css, _ in preview_rows(response).values())
    after_preview = snapshot()
    assert after_preview == {**before, "import batches": before["import batches"] + 1}

    response = admin_client.post(confirm_url(response))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studios/{cast.studio.id}/roster")
    after = snapshot()
    assert after["users"] == before["users"] + 3
    assert after["active memberships"] == before["active memberships"] + 3
    assert after["open mentor links"] == before["open mentor links"] + 2
    assert cast.studio.role_counts() == {"master": 1, "backbone": 2, "new_teacher": 3}
    assert mentor_username(cast.studio, "wuxinshi") == "zhougugan"
    assert mentor_username(cast.studio, "zhengxinshi") == "backbone"
    zhou = user_named("zhougugan")
    assert (zhou.name, zhou.school, zhou.subject, zhou.phone) == \
        ("周骨干", "郑州市第一中学", "数学", "13912345678")
    assert user_named("wuxinshi").email == "wuxinshi@example.com"
    for username in ("zhougugan", "wuxinshi", "zhengxinshi"):
        user = user_named(username)
        assert user.must_change_password is True
        assert user.check_password(INITIAL)

    # the roster the admin is sent to lists them in their groups
    roster = text(admin_client.get(f"/studios/{cast.studio.id}/roster"))
    assert "Group of 周骨干" in roster and "吴新师" in roster and "郑新师" in roster

    # an imported teacher logs in with the initial password and must change it first
    login(client, None)
    response = login_with_form(client, "wuxinshi", INITIAL)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/password")
    response = client.get(f"/studios/{cast.studio.id}/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/password")
    response = client.post("/account/password", data={
        "current_password": INITIAL, "new_password": "Wode-xin-mima-9",
        "confirm": "Wode-xin-mima-9"})
    assert response.status_code == 302
    response = client.get(f"/studios/{cast.studio.id}/")
    assert response.status_code == 200
    assert "周骨干" in text(response)  # her mentor


def test_existing_account_joins_without_a_new_password(admin_client, cast):
    """A teacher who has an account (from another studio) joins with it; their password stays."""
    rows = [person("陈外人", "outsider", "backbone")]
    response = upload(admin_client, cast.studio, csv_bytes(rows))
    assert response.status_code == 200
    assert "existing account" in text(response)
    users_before = snapshot()["users"]
    assert admin_client.post(confirm_url(response)).status_code == 302
    assert snapshot()["users"] == users_before
    outsider = user_named("outsider")
    assert outsider.role_in(cast.studio) == "backbone"
    assert outsider.role_in(cast.other_studio) == "new_teacher"
    assert outsider.must_change_password is False
    assert not outsider.check_password(INITIAL)


def test_a_batch_is_confirmed_once(admin_client, cast):
    response = upload(admin_client, cast.studio, csv_bytes([person("刘一", "liuyi", "new_teacher")]))
    url = confirm_url(response)
    assert admin_client.post(url).status_code == 302
    before = snapshot()
    response = admin_client.post(url)
    assert response.status_code == 409
    assert "already been applied" in text(response)
    assert snapshot() == before


def test_a_batch_belongs_to_its_studio(admin_client, cast):
    response = upload(admin_client, cast.studio, csv_bytes([person("刘一", "liuyi", "new_teacher")]))
    batch_id = confirm_url(response).split("/")[-2]
    before = snapshot()
    response = admin_client.post(f"/admin/studios/{cast.other_studio.id}/import/{batch_id}/confirm")
    assert response.status_code == 404
    assert snapshot() == before


# --- all or nothing at confirm -----------------------------------------------------------------

def test_confirm_refuses_when_a_row_now_clashes(admin_client, client, cast):
    rows = [person("刘一", "liuyi", "new_teacher", mentor="backbone"),
            person("刘二", "liuer", "new_teacher", mentor="backbone"),
            person("刘三", "liusan", "backbone")]
    response = upload(admin_client, cast.studio, csv_bytes(rows))
    assert response.status_code == 200
    url = confirm_url(response)

    # meanwhile the master adds 刘三 by hand
    login(client, cast.master)
    response = client.post(f"/studios/{cast.studio.id}/members", data={
        "username": "liusan", "name": "刘三", "role": "backbone", "initial_password": INITIAL})
    assert response.status_code == 302
    before = snapshot()

    login(client, cast.admin)
    response = client.post(url)

    assert response.status_code == 409
    assert "The studio changed since the preview" in text(response)
    assert snapshot() == before
    assert user_named("liuyi") is None and user_named("liuer") is None


def test_confirm_refuses_when_the_studio_filled_up(admin_client, client, cast, _password_hash):
    rows = _many("backbone", 9, "bb")  # 1 + 9 = 10: just fits at preview time
    response = upload(admin_client, cast.studio, csv_bytes(rows))
    assert response.status_code == 200
    url = confirm_url(response)
    extra = make_user("extra_bb", "加骨干", _password_hash)
    join(cast.studio, extra, "backbone")
    db.session.commit()
    before = snapshot()

    response = admin_client.post(url)

    assert response.status_code == 409
    assert snapshot() == before
    assert cast.studio.role_counts()["backbone"] == 2


def test_confirm_refuses_when_the_mentor_left(admin_client, client, cast, _password_hash):
    rows = [person("刘一", "liuyi", "new_teacher", mentor="lonely_bb")]
    lonely = make_user("lonely_bb", "孤骨干", _password_hash)
    join(cast.studio, lonely, "backbone")
    db.session.commit()
    response = upload(admin_client, cast.studio, csv_bytes(rows))
    assert response.status_code == 200
    url = confirm_url(response)
    login(client, cast.master)
    assert client.post(f"/studios/{cast.studio.id}/members/{lonely.id}/remove",
                       data={"reason": "调离"}).status_code == 302
    before = snapshot()

    response = login(client, cast.admin).post(url)

    assert response.status_code == 409
    assert snapshot() == before
    assert user_named("liuyi") is None


# --- a whole studio at once ----------------------------------------------------------------------

def full_studio_rows(new_teachers, prefix=""):
    rows = [[ "孙名师", f"{prefix}sun_master", "master", "河南省实验中学", "物理", 13700000000, ""]]
    for b in range(1, 11):
        rows.append([f"骨干{b:02d}", f"{prefix}bb{b:02d}", "backbone", "郑州市第八中学", "物理",
                     13700000000 + b, ""])
    for n in range(1, new_teachers + 1):
        rows.append([f"新师{n:03d}", f"{prefix}nt{n:03d}", "new_teacher", "郑州市第二中学", "物理",
                     13800000000 + n, f"{prefix}bb{(n - 1) % 10 + 1:02d}"])
    return rows


@pytest.mark.parametrize("kind,new_teachers", [("xlsx", 100), ("xlsx", 89), ("csv", 89),
                                               ("csv", 100)])
def test_a_full_studio_imports_in_one_go(admin_client, cast, kind, new_teachers):
    studio = make_studio("高中物理名师网络工作室", subject="物理", school_stage="senior")
    db.session.commit()
    rows = full_studio_rows(new_teachers)
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)

    response = upload(admin_client, studio, data, filename=f"members.{kind}")

    assert response.status_code == 200, [r for r in preview_rows(response).values() if r[0]]
    assert f"Import these {len(rows)} members" in text(response)
    response = admin_client.post(confirm_url(response))
    assert response.status_code == 302

    assert studio.role_counts() == {"master": 1, "backbone": 10, "new_teacher": new_teachers}
    assert studio.master.username == "sun_master"
    assert user_named("sun_master").phone == "13700000000"  # a number cell, not 13700000000.0
    # every new teacher placed, the groups even (the roster pages 50 members at a time)
    pages = [text(admin_client.get(f"/studios/{studio.id}/roster?page={n}")) for n in (1, 2, 3)]
    sizes = [len(mentees) for _, mentees in Roster(studio).groups]
    assert len(sizes) == 10
    assert sum(sizes) == new_teachers
    assert max(sizes) - min(sizes) <= 1
    assert not any("New teachers without a mentor" in page for page in pages)
    assert f"{1 + 10 + new_teachers} members" in pages[0]
    listed = {found for page in pages for found in re.findall(r'<li id="([^"]+)"', page)}
    assert len(listed) == 1 + 10 + new_teachers    # (a page past the end shows the last one)
    assert mentor_username(studio, "nt011") == "bb01"


def test_gbk_csv_with_chinese_headers_and_roles(admin_client, cast):
    studio = make_studio("初中语文名师网络工作室", subject="语文")
    db.session.commit()
    lines = ["姓名,用户名,角色,学校,学科,联系方式,导师用户名",
             "黄名师,huang_ms,名师,郑州市第一中学,语文,13600000000,",
             "林骨干,lin_gg,骨干教师,郑州市第八中学,语文,lin@example.cn,",
             "罗骨干,luo_gg,骨干,郑州市第八中学,语文,,",
             "谢新师,xie_xs,新入职教师,中牟县第一初级中学,语文,13600000001,lin_gg",
             "宋新师,song_xs,新入职教师,新郑市第三中学,语文,,luo_gg"]
    data = ("\r\n".join(lines) + "\r\n").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really a GBK file, as Excel in China saves it

    response = upload(admin_client, studio, data, filename="成员名单.csv")

    assert response.status_code == 200, preview_rows(response)
    assert "Import these 5 members" in text(response)
    assert admin_client.post(confirm_url(response)).status_code == 302
    assert studio.role_counts() == {"master": 1, "backbone": 2, "new_teacher": 2}
    assert user_named("xie_xs").school == "中牟县第一初级中学"
    assert user_named("lin_gg").email == "lin@example.cn"
    assert mentor_username(studio, "xie_xs") == "lin_gg"
    assert mentor_username(studio, "song_xs") == "luo_gg"


def test_utf8_csv_with_bom_and_chinese_headers(admin_client, cast):
    data = ("\ufeff姓名,用户名,角色,学校,学科,联系方式,导师用户名\n"
            "谢新师,xie_xs,新入职教师,中牟县第一初级中学,数学,13600000001,backbone\n").encode("utf-8")
    response = upload(admin_client, cast.studio, data)
    assert response.status_code == 200
    assert admin_client.post(confirm_url(response)).status_code == 302
    assert mentor_username(cast.studio, "xie_xs") == "backbone"


# --- the preview's cost does not grow with the file ----------------------------------------------

def test_preview_query_count_does_not_grow_with_rows(admin_client, cast, queries):
    studio = make_studio("高中化学名师网络工作室", subject="化学", school_stage="senior")
    db.session.commit()

    def preview(new_teachers):
        rows = full_studio_rows(new_teachers)[1:]  # backbones and new teachers
        data = csv_bytes(rows)
        db.session.commit()
        with queries() as q:
            response = upload(admin_client, studio, data)
        assert response.status_code == 200
        return q.count

    small, large = preview(0), preview(90)  # 10 rows, 100 rows
    assert small == large, f"10 rows: {small} queries, 100 rows: {large}"


def test_preview_query_count_with_bad_rows_does_not_grow(admin_client, cast, queries):
    def preview(n):
        rows = [person(f"刘{i}", f"liu{i:03d}", "new_teacher", mentor="nobody") for i in range(n)]
        data = csv_bytes(rows)
        db.session.commit()
        with queries() as q:
            response = upload(admin_client, cast.studio, data)
        assert response.status_code == 400
        return q.count

    assert preview(10) == preview(100)


def test_preview_query_count_with_existing_accounts_does_not_grow(admin_client, cast, queries,
                                                                   _password_hash):
    """Teachers who have accounts already (from another studio) join with them."""
    studio = make_studio("高中化学名师网络工作室", subject="化学", school_stage="senior")
    people = [make_user(f"have{i:03d}", f"有账号{i:03d}", _password_hash) for i in range(100)]
    for user in people:
        join(cast.other_studio, user, "new_teacher")
    db.session.commit()

    def preview(n):
        data = csv_bytes([person(u.name, u.username, "new_teacher") for u in people[:n]])
        db.session.commit()
        with queries() as q:
            response = upload(admin_client, studio, data)
        assert response.status_code == 200
        assert text(response).count("existing account") == n
        return q.count

    assert preview(10) == preview(100)


# --- the template ------------------------------------------------------------------------------

def test_the_template_download_imports_as_is(admin_client, cast):
    response = admin_client.get("/admin/import-template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()

    response = upload(admin_client, cast.studio, data, filename="members-template.csv")

    assert response.status_code == 200, preview_rows(response)
    assert admin_client.post(confirm_url(response)).status_code == 302
    assert user_named("zhangsan").role_in(cast.studio) == "backbone"
    assert user_named("lisi").role_in(cast.studio) == "new_teacher"
    assert mentor_username(cast.studio, "lisi") == "zhangsan"


def test_only_the_admin_imports(client, cast):
    data = csv_bytes([person("刘一", "liuyi", "new_teacher")])
    before = snapshot()
    for user in (cast.master, cast.backbone, cast.new_teacher, cast.outsider):
        login(client, user)
        assert upload(client, cast.studio, data).status_code == 403
    assert snapshot() == before


# --- the same import from the command line -----------------------------------------------------

def test_import_members_command(app, cast, tmp_path):
    good = tmp_path / "members.csv"
    good.write_bytes(csv_bytes([person("周骨干", "zhougugan", "backbone"),
                                person("吴新师", "wuxinshi", "new_teacher", mentor="zhougugan")]))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "import-members", cast.studio.name, str(good), "--initial-password", INITIAL])
    assert result.exit_code == 0, result.output
    assert "2 members imported" in result.output
    db.session.commit()  # see what the command committed
    assert mentor_username(cast.studio, "wuxinshi") == "zhougugan"
    assert user_named("wuxinshi").must_change_password


def test_import_members_command_refuses_a_bad_file_whole(app, cast, tmp_path):
    bad = tmp_path / "members.csv"
    bad.write_bytes(csv_bytes([person("刘一", "liuyi", "new_teacher"),
                               person("刘二", "liuer", "new_teacher", mentor="nobody")]))
    db.session.commit()
    before = snapshot()
    result = app.test_cli_runner().invoke(args=[
        "import-members", cast.studio.name, str(bad), "--initial-password", INITIAL])
    assert result.exit_code != 0
    assert "line 3:" in result.output and "nobody" in result.output
    assert "nothing imported" in result.output
    db.session.commit()
    assert snapshot() == before


def test_import_members_command_refuses_a_weak_initial_password(app, cast, tmp_path):
    good = tmp_path / "members.csv"
    good.write_bytes(csv_bytes([person("刘一", "liuyi", "new_teacher")]))
    db.session.commit()
    before = snapshot()
    result = app.test_cli_runner().invoke(args=[
        "import-members", cast.studio.name, str(good), "--initial-password", "12345678"])
    assert result.exit_code != 0
    assert "Error" in result.output
    db.session.commit()
    assert snapshot() == before


def test_import_members_command_needs_an_admin_account(app, tmp_path):
    studio = make_studio("高中物理名师网络工作室")
    db.session.commit()
    good = tmp_path / "members.csv"
    good.write_bytes(csv_bytes([person("刘一", "liuyi", "new_teacher")]))
    result = app.test_cli_runner().invoke(args=[
        "import-members", studio.name, str(good), "--initial-password", INITIAL])
    assert result.exit_code != 0
    assert "create-admin" in result.output
    db.session.commit()
    assert user_named("liuyi") is None
