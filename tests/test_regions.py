"""Regions (省 → 市 → 县/区) and the office's scope: the tree and its moves, the CSV import,
office accounts, and what each office sees (admin index, accounts, review queue, exports,
studio pages)."""
import io

import pytest
from sqlalchemy import select

from models import LessonCase, Region, User
from studio.extensions import db
from tests.conftest import join, login, login_en, make_region, make_studio, make_user, page_text
from tests.factories import make_case


def region(name):
    return db.session.execute(select(Region).where(Region.name == name)).scalar_one()


def csv_upload(client, text, encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post("/admin/regions/import",
                       data={"file": (io.BytesIO(data), "regions.csv")},
                       content_type="multipart/form-data")


def confirm(client, response):
    import html
    import re
    payload = html.unescape(re.search(r'name="rows" value="([^"]*)"',
                                      response.get_data(as_text=True)).group(1))
    return client.post("/admin/regions/import/confirm", data={"rows": payload})


# --- the tree -----------------------------------------------------------------------------
def test_the_tree_is_indented_with_studio_counts(client, cast):
    page = page_text(login(client, cast.admin).get("/admin/regions"))
    assert page.index("河南省") < page.index("郑州市") < page.index("金水区") < page.index("洛阳市")
    assert 'class="region-depth-2">金水区' in page
    assert 'data-region="金水区"' in page and "region-depth-0" in page


def test_the_platform_office_adds_renames_and_moves_and_paths_follow(client, cast):
    login(client, cast.admin)
    response = client.post("/admin/regions", data={"name": "二七区", "level": "county",
                                                   "parent_id": str(cast.city.id), "code": "410103"})
    assert response.status_code == 302
    erqi = region("二七区")
    assert erqi.path == f"{cast.city.path}{erqi.id}/"
    kaifeng = make_region("开封市", "city", cast.province)
    db.session.commit()
    # moving 郑州市's county 金水区 under 开封市 rewrites its path; a studio moves with it
    assert client.post(f"/admin/regions/{cast.county.id}/move",
                       data={"parent_id": str(kaifeng.id)}).status_code == 302
    db.session.refresh(cast.county)
    assert cast.county.path == f"{kaifeng.path}{cast.county.id}/"
    assert not cast.office.oversees(cast.studio)
    # moving a city rewrites the paths of its counties
    henan2 = make_region("山东省", "province")
    db.session.commit()
    assert client.post(f"/admin/regions/{kaifeng.id}/move",
                       data={"parent_id": str(henan2.id)}).status_code == 302
    db.session.refresh(cast.county)
    assert cast.county.path == f"/{henan2.id}/{kaifeng.id}/{cast.county.id}/"
    assert client.post(f"/admin/regions/{kaifeng.id}/rename",
                       data={"name": "开封", "code": "410200"}).status_code == 302
    assert db.session.get(Region, kaifeng.id).name == "开封"


def test_no_cycles_no_wrong_levels_no_deleting_what_is_used(client, cast):
    login_en(client, cast.admin)
    response = client.post(f"/admin/regions/{cast.city.id}/move",
                           data={"parent_id": str(cast.county.id)})
    assert response.status_code == 400 and "below it" in page_text(response)
    response = client.post(f"/admin/regions/{cast.county.id}/move",
                           data={"parent_id": str(cast.province.id)})
    assert response.status_code == 400
    assert client.post(f"/admin/regions/{cast.county.id}/delete").status_code == 409
    assert client.post(f"/admin/regions/{cast.other_city.id}/delete").status_code == 409
    empty = make_region("中原区", "county", cast.city)
    db.session.commit()
    assert client.post(f"/admin/regions/{empty.id}/delete").status_code == 302
    assert db.session.get(Region, empty.id) is None
    db.session.refresh(cast.county)
    assert cast.county.path == f"/{cast.province.id}/{cast.city.id}/{cast.county.id}/"


def test_a_region_office_reads_its_part_of_the_tree_and_edits_nothing(client, cast):
    page = page_text(login(client, cast.office).get("/admin/regions"))
    assert "金水区" in page and "洛阳市" not in page and "/rename" not in page
    assert client.post("/admin/regions", data={"name": "x", "level": "county",
                                               "parent_id": str(cast.city.id)}).status_code == 403


# --- the CSV import -----------------------------------------------------------------------
TREE_CSV = "代码,名称,级别,上级代码\n410000,河南省,省,\n410100,郑州市,市,410000\n" \
           "410103,二七区,县,410100\n410700,新乡市,市,410000\n410702,红旗区,区,410700\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_reads_utf8_bom_and_gbk_and_a_second_import_changes_nothing(client, cast,
                                                                             encoding):
    login(client, cast.admin)
    preview = csv_upload(client, TREE_CSV, encoding)
    assert preview.status_code == 200
    assert db.session.execute(select(Region).where(Region.name == "红旗区")).first() is None
    assert confirm(client, preview).status_code == 302
    assert region("红旗区").parent.name == "新乡市"
    assert region("红旗区").path == f"/{cast.province.id}/{region('新乡市').id}/{region('红旗区').id}/"
    count = db.session.query(Region).count()
    login_en(client, cast.admin)
    again = csv_upload(client, TREE_CSV, encoding)
    assert "new" not in page_text(again).split("Problems")[1] and "unchanged" in page_text(again)
    confirm(client, again)
    assert db.session.query(Region).count() == count


def test_a_renamed_row_renames(client, cast):
    login(client, cast.admin)
    confirm(client, csv_upload(client, "code,name,level,parent code\n410105,金水区新,county,410100\n"))
    db.session.refresh(cast.county)
    assert cast.county.name == "金水区新"
    assert cast.studio.region_name == "河南省郑州市金水区新"


def test_bad_rows_are_listed_and_nothing_is_saved(client, cast):
    login_en(client, cast.admin)
    bad = ("代码,名称,级别,上级代码\n"
           "999901,某县,县,888888\n"          # unknown parent
           "999902,某市,市,410100\n"          # a city under a city
           "999903,甲,县,410100\n999903,乙,县,410100\n"   # duplicate code
           "999904,a\x00b,县,410100\n"        # NUL
           f"999905,{'长' * 80},县,410100\n"  # over-long
           "999906,某地,乡,410100\n")         # unknown level
    response = csv_upload(client, bad)
    assert response.status_code == 400
    page = page_text(response)
    for words in ("Unknown parent code 888888", "a city lies in a province",
                  "Duplicate code: also on line 4", "NUL", "at most 64", "Unknown level"):
        assert words in page, words
    assert "confirm-import" not in page
    assert db.session.execute(select(Region).where(Region.code.like("9999%"))).first() is None


def test_unreadable_files_and_the_template(client, cast):
    login_en(client, cast.admin)
    assert csv_upload(client, b"\xff\xfe\x00\x00garbage\x81").status_code == 400
    assert csv_upload(client, "名称\n郑州市\n").status_code == 400
    template = client.get("/admin/regions/template.csv")
    assert template.status_code == 200 and "代码,名称,级别,上级代码" in template.get_data(as_text=True)
    assert client.post("/admin/regions/import/confirm", data={"rows": "not json"}).status_code == 400
    forged = '[{"code": "1", "name": "x\\u0000", "level_text": "省", "parent": ""}]'
    assert client.post("/admin/regions/import/confirm", data={"rows": forged}).status_code == 409


@pytest.mark.parametrize("value", ["\x00", "9" * 30, "NaN", "长" * 500, "-1", "²"])
def test_hostile_input_on_region_forms(client, cast, value):
    login(client, cast.admin)
    for url, data in (("/admin/regions", {"name": value, "level": value, "parent_id": value,
                                          "code": value}),
                      (f"/admin/regions/{cast.county.id}/rename", {"name": value, "code": value}),
                      (f"/admin/regions/{cast.county.id}/move", {"parent_id": value}),
                      ("/admin/users/offices", {"name": value, "username": value,
                                                "region_id": value, "password": value}),
                      (f"/admin/users/{cast.office.id}/region", {"region_id": value})):
        assert client.post(url, data=data).status_code < 500, url
    db.session.refresh(cast.county)
    if value in ("\x00", "长" * 500, "9" * 30):
        assert cast.county.name == "金水区"


# --- office accounts ----------------------------------------------------------------------
def test_offices_create_offices_only_within_their_scope(client, cast):
    login(client, cast.office)
    form = {"name": "金水区教育局", "username": "jinshui", "password": "Jinshui-2026!x"}
    assert client.post("/admin/users/offices", data=form | {"region_id": str(cast.county.id)}) \
        .status_code == 302
    made = db.session.execute(select(User).where(User.username == "jinshui")).scalar_one()
    assert made.is_admin and made.region_id == cast.county.id and made.must_change_password
    for wider in ("", str(cast.province.id), str(cast.other_city.id)):
        form["username"] = "wider" + wider
        assert client.post("/admin/users/offices", data=form | {"region_id": wider}) \
            .status_code == 400
    # nor widen an office, nor touch one outside its scope
    assert client.post(f"/admin/users/{made.id}/region",
                       data={"region_id": str(cast.province.id)}).status_code == 400
    assert client.post(f"/admin/users/{cast.other_office.id}/region",
                       data={"region_id": str(cast.city.id)}).status_code == 403
    assert client.post(f"/admin/users/{cast.admin.id}/active").status_code == 403


def test_the_platform_office_changes_an_offices_scope(client, cast):
    login(client, cast.admin)
    assert client.post(f"/admin/users/{cast.other_office.id}/region",
                       data={"region_id": str(cast.county.id)}).status_code == 302
    db.session.refresh(cast.other_office)
    assert cast.other_office.oversees(cast.studio)


# --- the scope ----------------------------------------------------------------------------
@pytest.fixture
def spread(cast):
    """A second studio in 金水区' sister county 二七区 and one in 洛阳市's 西工区."""
    erqi = make_region("二七区", "county", cast.city)
    xigong = make_region("西工区", "county", cast.other_city)
    county_office = make_user("jinshui", "金水区教育局", "x", is_admin=True, region=cast.county)
    s2 = make_studio("二七区物理名师工作室", subject="物理", region_node=erqi)
    s3 = make_studio("西工区英语名师工作室", subject="英语", region_node=xigong)
    db.session.commit()
    return county_office, s2, s3


def studio_names(client, user):
    page = page_text(login(client, user).get("/admin/"))
    return {name for name in ("初中数学名师网络工作室", "小学语文名师网络工作室", "二七区物理名师工作室",
                              "西工区英语名师工作室") if name in page}


def test_each_office_sees_the_studios_of_its_region_and_below(client, cast, spread):
    county_office = spread[0]
    assert studio_names(client, county_office) == {"初中数学名师网络工作室"}
    assert studio_names(client, cast.office) == {"初中数学名师网络工作室", "二七区物理名师工作室"}
    assert studio_names(client, cast.other_office) == {"小学语文名师网络工作室", "西工区英语名师工作室"}
    assert len(studio_names(client, cast.admin)) == 4


def test_the_accounts_page_shows_only_accounts_in_scope(client, cast, spread):
    page = page_text(login(client, cast.office).get("/admin/users"))
    assert "王名师" in page and "jinshui" in page
    assert "陈外人" not in page and "洛阳市教育局" not in page and "ly_city_office" not in page
    assert "outsider" in page_text(login(client, cast.admin).get("/admin/users"))
    assert client.post(f"/admin/users/{cast.outsider.id}/active").status_code == 302
    login(client, cast.office)
    assert client.post(f"/admin/users/{cast.outsider.id}/active").status_code == 403
    assert client.post(f"/admin/users/{cast.new_teacher.id}/password",
                       data={"password": "Xinmima-2026!"}).status_code == 302


def test_the_review_queue_holds_only_masters_cases_in_scope(client, cast, spread):
    make_case(cast.studio, cast.master, kind="practice", state="submitted")
    make_case(cast.other_studio, cast.other_master, kind="practice", state="submitted",
              title="语文实践案例")
    db.session.commit()

    def queue(user):
        return {c.studio_id for c in db.session.execute(LessonCase.review_queue(user)).scalars()}
    assert queue(cast.admin) == {cast.studio.id, cast.other_studio.id}
    assert queue(cast.office) == {cast.studio.id}
    assert queue(cast.other_office) == {cast.other_studio.id}
    assert queue(spread[0]) == {cast.studio.id}


@pytest.mark.parametrize("path", ["/", "/roster", "/members", "/tasks", "/hours",
                                  "/hours/export.csv", "/hours/export.xlsx", "/cases",
                                  "/observations", "/plans", "/projects", "/calendar",
                                  "/activities", "/threads", "/progress"])
def test_another_regions_office_is_refused_every_studio_page(client, cast, path):
    url = f"/studios/{cast.studio.id}{path}"
    assert login(client, cast.other_office).get(url).status_code == 403
    assert login(client, cast.office).get(url).status_code == 200


def test_a_region_office_creates_studios_only_in_its_region(client, cast):
    from tests.test_admin import studio_form
    login(client, cast.office)
    outside = client.post("/admin/studios/new", data=studio_form(region_id=str(cast.other_city.id)))
    assert outside.status_code == 400
    inside = client.post("/admin/studios/new", data=studio_form())
    assert inside.status_code == 302
    page = page_text(client.get("/admin/studios/new"))
    assert "洛阳市" not in page and "金水区" in page


def test_the_admin_index_takes_the_same_queries_for_2_and_12_studios(client, cast, queries):
    def count():
        login(client, cast.office)
        with queries() as counter:
            assert client.get("/admin/").status_code == 200
        return counter.count
    few = count()
    for n in range(10):
        studio = make_studio(f"金水区第{n}工作室", region_node=cast.county)
        join(studio, make_user(f"m{n}", f"名师{n}", "x"), "master")
    db.session.commit()
    assert count() == few


def test_the_region_tree_takes_the_same_queries_whatever_its_size(client, cast, queries):
    def count():
        login(client, cast.admin)
        with queries() as counter:
            assert client.get("/admin/regions").status_code == 200
        return counter.count
    few = count()
    for n in range(15):
        make_region(f"测试{n}区", "county", cast.other_city)
    db.session.commit()
    assert count() == few
