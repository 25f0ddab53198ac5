"""The showcase of excellent lesson cases (优秀课例展示): the consent flow for every role, the
public list and its filters, files that stop the moment an entry is taken down (Range too),
nothing private leaking, hostile query strings."""
import pytest

from models import Notification, Region, Review, VideoComment
from models.case import CaseVersion
from models.showcase import ShowcaseEntry
from studio.extensions import db
from tests.conftest import login, make_studio, make_user, page_text
from tests.factories import PDF, make_case, make_showcase_entry, stored_file


def recommended(cast, title="一元一次方程的应用", studio=None, author=None, subject="数学"):
    case = make_case(studio or cast.studio, author or cast.new_teacher, state="approved",
                     reviewer=cast.backbone, title=title)
    case.state, case.subject = "recommended", subject
    case.latest.design_file = stored_file(case.author, PDF, "application/pdf", "教学设计.pdf")
    db.session.commit()
    return case


def entry_of(case):
    return db.session.execute(db.select(ShowcaseEntry).where(ShowcaseEntry.case_id == case.id)
                              .order_by(ShowcaseEntry.id.desc())).scalars().first()


def post(client, user, url, **data):
    login(client, user)
    return client.post(url, data=data)


def anonymous_get(client, url, **kwargs):
    login(client, None)
    return client.get(url, **kwargs)


def recording_url(entry):
    return f"/showcase/{entry.id}/files/{entry.version.recording_file_id}"


# --- the consent flow -------------------------------------------------------------------

def test_master_asks_author_consents_master_publishes_and_anyone_reads(cast, client):
    case = recommended(cast)
    assert post(client, cast.master, f"/showcase/cases/{case.id}/request").status_code == 302
    entry = entry_of(case)
    assert entry.state == "requested" and entry.version_id == case.latest.id
    note = db.session.execute(db.select(Notification).where(
        Notification.user_id == cast.new_teacher.id)).scalar_one()
    assert note.kind == "showcase_requested" and f"/showcase/{entry.id}" in note.link
    assert anonymous_get(client, f"/showcase/{entry.id}").status_code == 404
    login(client, cast.new_teacher)
    preview = page_text(client.get(f"/showcase/{entry.id}"))
    for shown in ("一元一次方程的应用", "张新师", "郑州市第二中学", "初中数学名师网络工作室",
                  "会列方程解决行程问题", "学生对相遇问题理解较好", "consent-yes"):
        assert shown in preview
    assert post(client, cast.new_teacher, f"/showcase/{entry.id}/consent",
                answer="yes").status_code == 302
    assert entry.state == "consented" and entry.answered_at is not None
    assert anonymous_get(client, f"/showcase/{entry.id}").status_code == 404
    assert post(client, cast.master, f"/showcase/{entry.id}/publish").status_code == 302
    assert entry.state == "published" and entry.published_by_id == cast.master.id
    page = anonymous_get(client, f"/showcase/{entry.id}")
    assert page.status_code == 200 and "private, no-store" in page.headers["Cache-Control"]
    assert "一元一次方程的应用" in page_text(anonymous_get(client, "/showcase/"))


def test_the_author_may_decline_and_the_master_may_ask_again(cast, client):
    case = recommended(cast)
    post(client, cast.master, f"/showcase/cases/{case.id}/request")
    first = entry_of(case)
    post(client, cast.new_teacher, f"/showcase/{first.id}/consent", answer="no")
    assert first.state == "declined"
    assert post(client, cast.master, f"/showcase/{first.id}/publish").status_code == 409
    assert post(client, cast.master, f"/showcase/cases/{case.id}/request").status_code == 302
    assert entry_of(case).id != first.id and first.state == "declined"  # history kept


def test_a_second_request_while_one_is_live_is_a_409(cast, client):
    case = recommended(cast)
    post(client, cast.master, f"/showcase/cases/{case.id}/request")
    assert post(client, cast.master, f"/showcase/cases/{case.id}/request").status_code == 409
    assert db.session.query(ShowcaseEntry).count() == 1


@pytest.mark.parametrize("role,status", [("admin", 403), ("backbone", 403),
                                         ("new_teacher", 403), ("outsider", 403)])
def test_only_the_master_asks(cast, client, role, status):
    case = recommended(cast)
    assert post(client, getattr(cast, role), f"/showcase/cases/{case.id}/request"
                ).status_code == status
    assert entry_of(case) is None


def test_an_approved_case_not_recommended_cannot_be_asked_for(cast, client):
    case = make_case(cast.studio, cast.new_teacher, state="approved", reviewer=cast.backbone)
    db.session.commit()
    assert post(client, cast.master, f"/showcase/cases/{case.id}/request").status_code == 409


@pytest.mark.parametrize("role,status", [("master", 302), ("admin", 302), ("backbone", 404),
                                         ("new_teacher", 403), ("outsider", 404),
                                         ("anonymous", 302)])
def test_who_publishes_a_consented_case(cast, client, role, status):
    entry = make_showcase_entry(recommended(cast), cast.master, "consented")
    db.session.commit()
    user = None if role == "anonymous" else getattr(cast, role)
    response = post(client, user, f"/showcase/{entry.id}/publish")
    assert response.status_code == status
    assert entry.state == ("published" if role in ("master", "admin") else "consented")


def regions(cast):
    province = Region(name="河南省", level="province")
    db.session.add(province)
    db.session.flush()
    province.set_path()
    made = {"province": province}
    for name in ("郑州市", "洛阳市"):
        city = Region(name=name, level="city", parent=province)
        db.session.add(city)
        db.session.flush()
        city.set_path()
        made[name] = city
    cast.studio.region_id = made["郑州市"].id
    db.session.commit()
    return made


def test_an_office_publishes_in_its_scope_only(cast, client, _password_hash):
    made = regions(cast)
    zhengzhou = make_user("zz_office", "郑州市教育局", _password_hash, is_admin=True,
                          region_id=made["郑州市"].id)
    luoyang = make_user("ly_office", "洛阳市教育局", _password_hash, is_admin=True,
                        region_id=made["洛阳市"].id)
    entry = make_showcase_entry(recommended(cast), cast.master, "consented")
    db.session.commit()
    assert post(client, luoyang, f"/showcase/{entry.id}/publish").status_code == 404
    assert post(client, zhengzhou, f"/showcase/{entry.id}/publish").status_code == 302
    assert post(client, luoyang, f"/showcase/{entry.id}/unpublish",
                reason="不合适").status_code == 403
    assert post(client, zhengzhou, f"/showcase/{entry.id}/unpublish",
                reason="视频中出现学生正脸").status_code == 302
    assert entry.state == "unpublished" and entry.reason == "视频中出现学生正脸"


def test_unpublishing_needs_a_reason_and_keeps_the_round(cast, client):
    entry = make_showcase_entry(recommended(cast), cast.master, "published")
    db.session.commit()
    assert post(client, cast.master, f"/showcase/{entry.id}/unpublish",
                reason="  ").status_code == 400
    assert entry.state == "published"
    assert post(client, cast.master, f"/showcase/{entry.id}/unpublish",
                reason="需更换录像").status_code == 302
    assert (entry.state, entry.unpublished_by_id) == ("unpublished", cast.master.id)
    author_note = db.session.execute(db.select(Notification.kind).where(
        Notification.user_id == cast.new_teacher.id)).scalars().all()
    assert "showcase_unpublished" in author_note


# --- taking down stops everything at once ------------------------------------------------

@pytest.mark.parametrize("how", ["withdraw", "unpublish"])
def test_taking_down_stops_the_page_the_download_and_the_recording(cast, client, how):
    entry = make_showcase_entry(recommended(cast), cast.master, "published")
    db.session.commit()
    design = f"/showcase/{entry.id}/files/{entry.version.design_file_id}?download=1"
    playing = anonymous_get(client, recording_url(entry), headers={"Range": "bytes=0-99"})
    assert playing.status_code == 206
    assert playing.headers["Cache-Control"] == "private, no-store"
    assert anonymous_get(client, design).status_code == 200
    if how == "withdraw":
        assert post(client, cast.new_teacher, f"/showcase/{entry.id}/withdraw").status_code == 302
        assert entry.state == "withdrawn"
    else:
        post(client, cast.master, f"/showcase/{entry.id}/unpublish", reason="暂停展示")
    assert anonymous_get(client, recording_url(entry),
                         headers={"Range": "bytes=100-199"}).status_code == 404
    assert anonymous_get(client, design).status_code == 404
    assert anonymous_get(client, f"/showcase/{entry.id}").status_code == 404
    assert "一元一次方程的应用" not in page_text(anonymous_get(client, "/showcase/"))
    login(client, cast.outsider)
    assert client.get(recording_url(entry)).status_code == 404


def test_the_author_withdraws_consent_before_publication(cast, client):
    entry = make_showcase_entry(recommended(cast), cast.master, "consented")
    db.session.commit()
    assert post(client, cast.new_teacher, f"/showcase/{entry.id}/withdraw").status_code == 302
    assert post(client, cast.master, f"/showcase/{entry.id}/publish").status_code == 409


# --- nothing private leaks ---------------------------------------------------------------

def test_only_the_shown_version_is_public(cast, client):
    case = recommended(cast)
    entry = make_showcase_entry(case, cast.master, "published")
    shown = case.latest
    db.session.add(Review(case_id=case.id, version_id=shown.id, reviewer_id=cast.backbone.id,
                          verdict="approve", overall="评审意见：板书略乱", overall_html="<p>评审意见：板书略乱</p>",
                          learner_analysis_score=4, lesson_design_score=4,
                          teaching_delivery_score=4, reflection_score=4))
    db.session.add(VideoComment(case_id=case.id, version_id=shown.id, author_id=cast.backbone.id,
                                second=12, body="批注：提问等待时间太短"))
    draft = CaseVersion(case_id=case.id, number=2, reflection="未提交的草稿反思",
                        reflection_html="<p>未提交的草稿反思</p>",
                        recording_file=stored_file(cast.new_teacher, b"\x1a\x45\xdf\xa3" + b"7" * 900))
    db.session.add(draft)
    db.session.commit()
    text = page_text(anonymous_get(client, f"/showcase/{entry.id}"))
    assert "学生对相遇问题理解较好" in text
    for private in ("评审意见", "批注：提问", "未提交的草稿反思", "李骨干", "13800000001",
                    f"/studios/{cast.studio.id}"):
        assert private not in text
    assert anonymous_get(client, f"/showcase/{entry.id}/files/{draft.recording_file_id}"
                         ).status_code == 404
    login(client, None)
    assert client.get(f"/studios/{cast.studio.id}/cases/{case.id}").status_code == 302


# --- the public list ---------------------------------------------------------------------

def published(cast, title, studio=None, author=None, subject="数学"):
    entry = make_showcase_entry(recommended(cast, title, studio, author, subject), cast.master)
    db.session.commit()
    return entry


def test_filters_by_subject_stage_and_region_below(cast, client):
    made = regions(cast)
    cast.other_studio.region_id = made["洛阳市"].id
    published(cast, "勾股定理")
    published(cast, "静夜思", cast.other_studio, cast.outsider, subject="语文")
    def titles(query):
        text = page_text(anonymous_get(client, "/showcase/" + query))
        return {t for t in ("勾股定理", "静夜思") if t in text}
    assert titles("") == {"勾股定理", "静夜思"}
    assert titles("?subject=语文") == {"静夜思"}
    assert titles("?stage=junior") == {"勾股定理"}
    assert titles(f"?region={made['province'].id}") == {"勾股定理", "静夜思"}
    assert titles(f"?region={made['郑州市'].id}") == {"勾股定理"}
    assert titles(f"?region={made['洛阳市'].id}&stage=junior") == set()
    page = page_text(anonymous_get(client, "/showcase/"))
    assert "河南省洛阳市" in page and "河南省郑州市" in page  # region names shown


@pytest.mark.parametrize("query", ["?region=abc", "?region=99999999999999999999", "?region=-1",
                                   "?region=424242", "?page=99999999999999", "?page=-3",
                                   "?stage=<script>", "?subject=" + "数" * 5000,
                                   "?region=%EF%BC%91", "?page=1e9"])
def test_odd_query_strings_give_a_page(cast, client, query):
    published(cast, "勾股定理")
    response = anonymous_get(client, "/showcase/" + query)
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["?subject=%00", "?region=1%00", "?page=%00"])
def test_a_nul_byte_is_a_clear_400(cast, client, query):
    assert anonymous_get(client, "/showcase/" + query).status_code == 400


def test_huge_ids_in_the_path_are_404(cast, client):
    assert anonymous_get(client, "/showcase/99999999999999").status_code == 404
    assert anonymous_get(client, "/showcase/1/files/99999999999999").status_code == 404


def test_a_long_or_nul_reason_is_refused_or_bounded(cast, client):
    entry = make_showcase_entry(recommended(cast), cast.master, "published")
    db.session.commit()
    assert post(client, cast.master, f"/showcase/{entry.id}/unpublish",
                reason="原因\x00").status_code == 400
    assert entry.state == "published"
    assert post(client, cast.master, f"/showcase/{entry.id}/unpublish",
                reason="长" * 100_000).status_code == 302
    assert len(entry.reason) == 2000


def test_the_list_costs_the_same_statements_for_3_and_30_entries(cast, client, queries):
    made = regions(cast)
    counts = {}
    for n in (3, 30):
        for i in range(n - db.session.query(ShowcaseEntry).count()):
            published(cast, f"课例{i}")
        login(client, None)
        with queries() as counter:
            response = client.get(f"/showcase/?region={made['province'].id}&stage=junior&page=2")
        assert response.status_code == 200
        counts[n] = counter.count
    assert counts[3] == counts[30]


def test_waiting_for_is_the_twin_of_can_answer_and_can_publish(cast, client):
    entries = [make_showcase_entry(recommended(cast, f"课例{state}"), cast.master, state)
               for state in ("requested", "consented", "published", "declined")]
    db.session.commit()
    for user in (cast.admin, cast.master, cast.backbone, cast.new_teacher, cast.outsider):
        listed = set(db.session.execute(ShowcaseEntry.waiting_for(user)).scalars())
        expected = {e for e in entries if e.can_answer(user) or e.can_publish(user)}
        assert listed == expected, user.username


def test_the_case_page_offers_the_request_to_the_master_only(cast, client):
    case = recommended(cast)
    url = f"/studios/{cast.studio.id}/cases/{case.id}"
    login(client, cast.master)
    assert "showcase-request" in client.get(url).get_data(as_text=True)
    login(client, cast.backbone)
    assert "showcase-request" not in client.get(url).get_data(as_text=True)


def test_the_login_page_and_the_navigation_link_to_the_showcase(cast, client):
    login(client, None)
    assert "login-showcase" in client.get("/login").get_data(as_text=True)
    login(client, cast.backbone)
    assert 'data-testid="nav-showcase"' in client.get("/showcase/").get_data(as_text=True)
