"""Lesson cases (教学课例): the life cycle of DOMAIN.md, who may do each step, who sees a
case in each state, versions and reviews, video comments, the required-work tracker."""
import io
import re
import types

import pytest
from sqlalchemy import select

from blueprints.cases import operations
from models import (CaseTransition, CaseVersion, LessonCase, MentorGroup, MentorGroupMember,
                    Review, StoredFile, VideoComment)
from models.case import STATES, TRANSITIONS
from studio.errors import RuleError
from studio.extensions import db
from studio.labels import STATE_LABELS
from tests.conftest import join, make_user, mentor
from tests.coreloop import count, login, section, text
from tests.factories import WEBM, make_case, make_plan, stored_file

ACTIONS = sorted({action for moves in TRANSITIONS.values() for action in moves})
RUBRIC = {"learner_analysis_score": "4", "learner_analysis_comment": "学情数据充分",
          "lesson_design_score": "5", "lesson_design_comment": "",
          "teaching_delivery_score": "3", "teaching_delivery_comment": "提问偏封闭",
          "reflection_score": "4", "reflection_comment": ""}
TITLE = "一元一次方程的应用"


@pytest.fixture
def people(cast, _password_hash):
    """The cast plus a second mentee of the same mentor and a second mentor group."""
    h = _password_hash
    p = types.SimpleNamespace(**vars(cast))
    p.mentee2 = make_user("mentee2", "吴新师", h)     # same group as new_teacher
    p.backbone2 = make_user("backbone2", "刘骨干", h)
    p.peer = make_user("peer", "周新师", h)           # backbone2's mentee
    join(cast.studio, p.mentee2, "new_teacher")
    join(cast.studio, p.backbone2, "backbone")
    join(cast.studio, p.peer, "new_teacher")
    db.session.flush()
    group = db.session.execute(select(MentorGroup).where(
        MentorGroup.mentor_id == cast.backbone.id)).scalar_one()
    db.session.add(MentorGroupMember(group=group, mentee=p.mentee2))
    mentor(cast.studio, p.backbone2, p.peer)
    db.session.commit()
    return p


def case_in(people, state, **kw):
    """A complete case of the new teacher in ``state`` (the mentor reviews it once handed in)."""
    case = make_case(people.studio, people.new_teacher, state=state,
                     reviewer=None if state == "draft" else people.backbone, **kw)
    db.session.commit()
    return case


def url(case, tail=""):
    return f"/studios/{case.studio_id}/cases/{case.id}{tail}"


def snapshot(case):
    db.session.expire_all()
    fresh = db.session.get(LessonCase, case.id)
    return {"state": fresh.state,
            "transitions": count(CaseTransition, CaseTransition.case_id == case.id),
            "versions": count(CaseVersion, CaseVersion.case_id == case.id),
            "reviews": count(Review, Review.case_id == case.id)}


def block(page, heading):
    """The HTML of the card whose heading is ``heading``."""
    start = page.index(f"<h2>{heading}</h2>")
    return page[start:page.index("</section>", start)]


def review(client, case, verdict, overall="请补充学情分析的数据，优化第二个环节的提问。", **rubric):
    return client.post(url(case, "/review"),
                       data={**RUBRIC, **rubric, "overall": overall, "verdict": verdict})


# --- the life cycle, pair by pair --------------------------------------------------------------

def http_path(state, action):
    """The states the HTTP route for ``action`` moves a case through from ``state``; None when
    the life cycle refuses it. Two routes do a little more than one table entry:
    - the author has one hand-in button: it submits a draft and resubmits after changes were
      requested (the strict pairs are checked in test_every_pair_through_the_operations);
    - posting a review of a case the reviewer has not opened yet opens it first."""
    if action in TRANSITIONS[state]:
        return [TRANSITIONS[state][action]]
    if action in ("submit", "resubmit"):
        other = "resubmit" if action == "submit" else "submit"
        if other in TRANSITIONS[state]:
            return [TRANSITIONS[state][other]]
    if action in ("approve", "request_changes") and "open_review" in TRANSITIONS[state]:
        return ["in_review", TRANSITIONS["in_review"][action]]
    return None


def perform(client, people, case, action):
    """Do ``action`` through its route as the person entitled to it."""
    if action in ("submit", "resubmit"):
        login(client, people.new_teacher)
        return client.post(url(case, "/submit"))
    if action == "open_review":
        login(client, people.backbone)
        return client.get(url(case))
    if action in ("approve", "request_changes"):
        login(client, people.backbone)
        return review(client, case, action)
    login(client, people.master)
    return client.post(url(case, "/recommend"), data={"reason": "教学设计有示范性"})


ACTOR = {"submit": "new_teacher", "resubmit": "new_teacher", "open_review": "backbone",
         "approve": "backbone", "request_changes": "backbone", "recommend": "master"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_and_action_through_the_routes(client, people, state, action):
    case = case_in(people, state)
    before = snapshot(case)
    last_transition = db.session.execute(select(CaseTransition.id).order_by(
        CaseTransition.id.desc())).scalars().first()
    response = perform(client, people, case, action)
    path = http_path(state, action)
    after = snapshot(case)
    if path is None:
        if action == "open_review" and state != "draft":
            assert response.status_code == 200        # the page, without a change
        elif state == "draft" and ACTOR[action] != "new_teacher":
            assert response.status_code == 403        # a draft is its author's alone
        else:   # the right person at the wrong moment: 409 naming where the case stands
            assert response.status_code == 409
            assert "no longer possible" in text(response)
        assert after == before
        return
    assert response.status_code in (200, 302), text(response)[:500]
    assert after["state"] == path[-1]
    assert after["transitions"] == before["transitions"] + len(path)
    rows = db.session.execute(select(CaseTransition).where(
        CaseTransition.id > (last_transition or 0)).order_by(CaseTransition.id)).scalars().all()
    assert [(r.from_state, r.to_state) for r in rows] == list(zip([state] + path[:-1], path))
    actor = getattr(people, ACTOR[action])
    assert all(r.actor_id == actor.id and r.created_at is not None for r in rows)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_pair_through_the_operations(app, people, state, action):
    with app.test_request_context():       # a refusal's message is translated
        check_pair(people, state, action)


def check_pair(people, state, action):
    case = case_in(people, state)
    before = snapshot(case)
    actor = getattr(people, ACTOR[action])
    case = db.session.get(LessonCase, case.id)
    if action in TRANSITIONS[state]:
        operations._move(case, action, actor, "理由")
        db.session.commit()
        after = snapshot(case)
        assert after["state"] == TRANSITIONS[state][action]
        assert after["transitions"] == before["transitions"] + 1
        row = db.session.execute(select(CaseTransition).order_by(
            CaseTransition.id.desc())).scalars().first()
        assert (row.from_state, row.to_state, row.actor_id, row.reason) == (
            state, TRANSITIONS[state][action], actor.id, "理由")
    else:
        with pytest.raises(RuleError) as refused:
            operations._move(case, action, actor)
        assert f"“{STATE_LABELS[state]}”" in str(refused.value.message)   # names the state
        db.session.rollback()
        assert snapshot(case) == before


# --- who may decide --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["master", "new_teacher", "mentee2", "backbone2", "admin"])
def test_only_the_assigned_reviewer_reviews(client, people, who):
    case = case_in(people, "in_review")
    before = snapshot(case)
    login(client, getattr(people, who))
    for verdict in ("approve", "request_changes"):
        assert review(client, case, verdict).status_code == 403
    assert snapshot(case) == before
    login(client, people.backbone)
    assert review(client, case, "approve").status_code == 302
    assert snapshot(case)["state"] == "approved"


def test_the_review_form_is_shown_to_the_reviewer_only(client, people):
    case = case_in(people, "submitted")
    login(client, people.master)
    page = text(client.get(url(case)))
    assert 'data-testid="review-form"' not in page
    assert snapshot(case)["state"] == "submitted"       # the master's visit does not open it
    login(client, people.backbone)
    page = text(client.get(url(case)))
    assert 'data-testid="review-form"' in page
    assert snapshot(case)["state"] == "in_review"


@pytest.mark.parametrize("who", ["backbone", "new_teacher", "peer", "admin"])
def test_only_the_master_recommends(client, people, who):
    case = case_in(people, "approved")
    before = snapshot(case)
    login(client, getattr(people, who))
    assert client.post(url(case, "/recommend"), data={"reason": "好"}).status_code == 403
    assert snapshot(case) == before
    login(client, people.master)
    assert 'Recommend as excellent' in text(client.get(url(case)))
    assert client.post(url(case, "/recommend"), data={"reason": "示范性强"}).status_code == 302
    assert snapshot(case)["state"] == "recommended"
    row = db.session.execute(select(CaseTransition)
                             .order_by(CaseTransition.id.desc())).scalars().first()
    assert (row.to_state, row.actor_id, row.reason) == ("recommended", people.master.id, "示范性强")


def test_approving_a_draft_is_refused(client, people):
    case = make_case(people.studio, people.new_teacher, state="draft", reviewer=people.backbone)
    db.session.commit()
    before = snapshot(case)
    login(client, people.backbone)
    assert review(client, case, "approve").status_code == 403
    with client.application.test_request_context(), pytest.raises(RuleError):
        operations.review_case(db.session.get(LessonCase, case.id), people.backbone,
                               {f"{d}_score": 4 for d in ("learner_analysis", "lesson_design",
                                                          "teaching_delivery", "reflection")},
                               "", "approve")
    db.session.rollback()
    assert snapshot(case) == before


def test_the_author_cannot_review_and_others_cannot_hand_in(client, people):
    case = case_in(people, "in_review")
    before = snapshot(case)
    login(client, people.new_teacher)
    assert review(client, case, "approve").status_code == 403
    draft = case_in(people, "draft")
    for who in ("backbone", "master", "mentee2"):
        login(client, getattr(people, who))
        assert client.post(url(draft, "/submit")).status_code == 403
    assert snapshot(case) == before
    assert snapshot(draft)["state"] == "draft"


def test_an_outsider_gets_403_everywhere(client, people):
    case = case_in(people, "approved")
    recording = db.session.get(LessonCase, case.id).latest.recording_file_id
    before = snapshot(case)
    login(client, people.outsider)
    studio = people.studio.id
    assert client.get(f"/studios/{studio}/cases").status_code == 403
    assert client.get(f"/studios/{studio}/cases/new").status_code == 403
    assert client.get(f"/studios/{studio}/progress").status_code == 403
    assert client.get(url(case)).status_code == 403
    assert client.get(url(case, "/edit")).status_code == 403
    assert client.get(url(case, f"/files/{recording}")).status_code == 403
    assert client.post(url(case, "/submit")).status_code == 403
    assert review(client, case, "approve").status_code == 403
    assert client.post(url(case, "/recommend"), data={"reason": "x"}).status_code == 403
    assert client.post(url(case, "/comments"), data={
        "second": "3", "dimension": "reflection", "kind": "question",
        "body": "?"}).status_code == 403
    assert snapshot(case) == before and count(VideoComment) == 0


def test_a_backbone_case_goes_to_the_master(client, people):
    login(client, people.backbone)
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "excellent", "title": "函数概念的形成", "design_text": "## 设计\n情境导入",
        "reflection": "学生参与度高。", "recording": (io.BytesIO(WEBM), "函数.webm"),
        "submit_now": "1"}, content_type="multipart/form-data")
    assert response.status_code == 302
    case = db.session.execute(select(LessonCase)).scalar_one()
    assert (case.kind, case.state, case.reviewer_id) == ("excellent", "submitted", people.master.id)
    for who in ("backbone2", "new_teacher"):
        login(client, getattr(people, who))
        assert client.get(url(case)).status_code == 403
        assert review(client, case, "approve").status_code == 403
    login(client, people.master)
    assert client.get(url(case)).status_code == 200
    assert snapshot(case)["state"] == "in_review"
    assert review(client, case, "approve").status_code == 302
    assert snapshot(case)["state"] == "approved"


def test_a_new_teacher_hands_in_only_their_kind_of_case(client, people):
    login(client, people.new_teacher)
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "excellent", "title": "越级", "design_text": "x", "reflection": "y"})
    assert response.status_code == 400
    assert count(LessonCase) == 0


# --- visibility -------------------------------------------------------------------------------

VIEWERS = ["new_teacher", "backbone", "master", "admin", "mentee2", "peer", "backbone2",
           "outsider"]


def may_see(state, viewer):
    if viewer == "new_teacher":               # the author
        return True
    if viewer == "outsider" or state == "draft":
        return False
    if state in ("approved", "recommended"):
        return True
    return viewer in ("backbone", "master", "admin")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_sees_a_case_in_each_state(client, people, state, viewer):
    case = case_in(people, state)
    login(client, getattr(people, viewer))
    listing = client.get(f"/studios/{people.studio.id}/cases")
    page = client.get(url(case))
    if viewer == "outsider":
        assert listing.status_code == 403 and page.status_code == 403
        return
    assert listing.status_code == 200
    rows = section(text(listing), "case-list", "</table>")
    if may_see(state, viewer):
        assert page.status_code == 200 and TITLE in text(page)
        assert TITLE in rows
    else:
        assert page.status_code == 403
        assert TITLE not in rows


def test_the_reviewer_sees_what_waits_for_review(client, people):
    case_in(people, "submitted")
    login(client, people.backbone)
    waiting = section(text(client.get(f"/studios/{people.studio.id}/cases")), "to-review")
    assert "Waiting for your review (1)" in waiting and TITLE in waiting
    login(client, people.backbone2)
    assert 'data-testid="to-review"' not in text(client.get(f"/studios/{people.studio.id}/cases"))


def test_a_draft_saved_from_the_form_is_the_authors_alone(client, people):
    login(client, people.new_teacher)
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "standard", "title": "草稿课例", "design_text": "设计", "reflection": ""})
    assert response.status_code == 302
    case = db.session.execute(select(LessonCase)).scalar_one()
    assert case.state == "draft" and count(CaseTransition) == 0
    assert "Only you can see it" in text(client.get(response.headers["Location"]))
    for who in ("backbone", "master", "admin"):
        login(client, getattr(people, who))
        assert client.get(url(case)).status_code == 403


# --- hand-in, review, resubmission, versions --------------------------------------------------

def test_a_missing_part_refuses_submission_naming_the_part(client, people):
    case = make_case(people.studio, people.new_teacher, complete=False)
    version = case.latest
    version.design_text, version.reflection = "设计", "反思"
    db.session.commit()
    before = snapshot(case)
    login(client, people.new_teacher)
    response = client.post(url(case, "/submit"))
    assert response.status_code == 409
    assert "The case is missing: Classroom recording." in text(response)
    assert snapshot(case) == before
    login(client, people.new_teacher, locale="zh_CN")
    assert "课例尚缺" in text(client.post(url(case, "/submit")))
    assert snapshot(case) == before


def test_hand_in_from_the_form_without_a_recording_keeps_a_draft(client, people):
    """The hand-in is refused, what was written is not (tests/test_keep.py: with files)."""
    login(client, people.new_teacher)
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "standard", "title": "缺实录", "design_text": "设计", "reflection": "反思",
        "submit_now": "1"}, follow_redirects=True)
    assert response.status_code == 200
    assert ("Saved as a draft, not handed in yet. The case is missing: Classroom recording."
            in text(response))
    case = db.session.execute(select(LessonCase)).scalar_one()
    assert case.state == "draft" and count(CaseTransition) == 0
    assert (case.latest.design_text, case.latest.reflection) == ("设计", "反思")


def test_request_changes_needs_an_overall_comment(client, people):
    case = case_in(people, "submitted")
    before = snapshot(case)
    login(client, people.backbone)
    response = review(client, case, "request_changes", overall="  ")
    assert response.status_code == 400
    assert "Please say what should change." in text(response)
    assert snapshot(case) == before              # not even opened: the request was refused


@pytest.mark.parametrize("score", ["0", "6", ""])
def test_a_review_needs_scores_from_1_to_5(client, people, score):
    case = case_in(people, "in_review")
    before = snapshot(case)
    login(client, people.backbone)
    response = review(client, case, "approve", reflection_score=score)
    assert response.status_code == 400
    assert "Please give a score from 1 to 5." in text(response)
    assert snapshot(case) == before


def test_resubmission_makes_version_2_and_keeps_version_1_with_its_review(client, people):
    case = case_in(people, "draft")
    login(client, people.new_teacher)
    assert client.post(url(case, "/submit")).status_code == 302
    login(client, people.backbone)
    client.get(url(case))
    assert review(client, case, "request_changes", overall="请补充**学情分析**。").status_code == 302
    assert snapshot(case)["state"] == "changes_requested"

    login(client, people.new_teacher)
    edit = client.post(url(case, "/edit"), data={
        "kind": "standard", "title": TITLE, "design_text": "## 教学目标\n会列方程。",
        "reflection": "第二版反思：补充了前测数据。"})
    assert edit.status_code == 302
    assert client.post(url(case, "/submit")).status_code == 302
    fresh = db.session.get(LessonCase, case.id)
    assert fresh.state == "resubmitted"
    assert [v.number for v in fresh.versions] == [1, 2]
    assert fresh.versions[0].reflection == "学生对相遇问题理解较好。"
    assert fresh.versions[1].reflection == "第二版反思：补充了前测数据。"
    assert fresh.versions[0].recording_file_id == fresh.versions[1].recording_file_id

    login(client, people.backbone)
    latest = text(client.get(url(case)))
    assert "第二版反思" in latest and "v1" in latest and "v2" in latest
    assert "Reviews of this version" not in latest
    assert review(client, case, "approve", overall="已补充，通过。").status_code == 302

    login(client, people.new_teacher)
    old = text(client.get(url(case, "?version=1")))
    assert "You are reading an earlier version." in old
    assert "学生对相遇问题理解较好。" in old and "第二版反思" not in old
    reviews = block(old, "Reviews of this version")
    assert "<strong>学情分析</strong>" in reviews and "Changes requested" in reviews
    assert "提问偏封闭" in reviews
    new = text(client.get(url(case, "?version=2")))
    assert "已补充，通过。" in block(new, "Reviews of this version")
    assert "请补充" not in block(new, "Reviews of this version")
    assert client.get(url(case, "?version=3")).status_code == 404

    rows = db.session.execute(select(CaseTransition).where(CaseTransition.case_id == case.id)
                              .order_by(CaseTransition.id)).scalars().all()
    assert [(r.from_state, r.to_state) for r in rows] == [
        ("draft", "submitted"), ("submitted", "in_review"), ("in_review", "changes_requested"),
        ("changes_requested", "resubmitted"), ("resubmitted", "in_review"),
        ("in_review", "approved")]
    assert [r.actor_id for r in rows] == [people.new_teacher.id] + [people.backbone.id] * 2 + [
        people.new_teacher.id] + [people.backbone.id] * 2
    assert all(r.created_at is not None for r in rows)
    assert rows[2].reason == "请补充**学情分析**。"
    history = block(new, "History")
    assert "张新师 · Changes requested → Resubmitted" in history
    assert "李骨干 · In review → Changes requested · 请补充**学情分析**。" in history
    reviews = db.session.execute(select(Review).order_by(Review.id)).scalars().all()
    assert [(r.verdict, r.version_id) for r in reviews] == [
        ("request_changes", fresh.versions[0].id), ("approve", fresh.versions[1].id)]


def test_the_author_edits_only_a_draft_or_after_changes_were_requested(client, people):
    case = case_in(people, "submitted")
    login(client, people.new_teacher)
    page = client.get(url(case, "/edit"))   # the author, but the case is with the reviewer
    assert page.status_code == 409 and "Submitted" in text(page)
    response = client.post(url(case, "/edit"), data={"kind": "standard", "title": "偷改",
                                                     "design_text": "x", "reflection": "y"})
    assert response.status_code == 409
    assert db.session.get(LessonCase, case.id).title == TITLE


# --- video comments ---------------------------------------------------------------------------

def comment(client, case, body, second="75", dimension="teaching_delivery", kind="suggestion",
            parent=None):
    data = {"second": second, "dimension": dimension, "kind": kind, "body": body}
    if parent is not None:
        data["parent_id"] = str(parent.id)
    return client.post(url(case, "/comments"), data=data)


def test_the_reviewer_pins_a_comment_and_the_author_replies(client, people):
    case = case_in(people, "in_review")
    login(client, people.backbone)
    response = comment(client, case, "此处提问可以更开放。")
    assert response.status_code == 302
    pinned = db.session.execute(select(VideoComment)).scalar_one()
    assert (pinned.second, pinned.dimension, pinned.kind, pinned.author_id) == (
        75.0, "teaching_delivery", "suggestion", people.backbone.id)
    page = section(text(client.get(url(case))), "video-comments", "</ol>")
    assert re.search(r'data-seek="75.0"[^>]*>1:15</button>', page)
    assert "此处提问可以更开放。" in page and "Suggestion" in page and "Teaching delivery" in page

    login(client, people.new_teacher)
    assert comment(client, case, "谢谢，下次改进。", parent=pinned).status_code == 302
    reply = db.session.execute(select(VideoComment).where(
        VideoComment.parent_id == pinned.id)).scalar_one()
    assert (reply.author_id, reply.second) == (people.new_teacher.id, 75.0)
    page = section(text(client.get(url(case))), "video-comments", "</ol>")
    assert "<strong>张新师</strong>: 谢谢，下次改进。" in page
    assert page.count("1:15") == 1                      # the reply sits under its comment


def test_comments_by_other_members_only_after_approval(client, people):
    case = case_in(people, "in_review")
    for who in ("peer", "mentee2"):
        login(client, getattr(people, who))
        assert comment(client, case, "我也想说").status_code == 403
    login(client, people.master)                        # sees it, but does not decide
    assert comment(client, case, "我也想说").status_code == 403
    assert count(VideoComment) == 0
    fresh = db.session.get(LessonCase, case.id)
    fresh.state = "approved"
    db.session.commit()
    login(client, people.peer)
    page = text(client.get(url(case)))
    assert 'data-testid="comment-form"' in page and 'data-testid="review-form"' not in page
    assert comment(client, case, "学到了追问的方法。", second="12.5", kind="strength",
                   dimension="lesson_design").status_code == 302
    assert review(client, case, "approve").status_code == 403      # comments, never decides
    login(client, people.outsider)
    assert comment(client, case, "外人").status_code == 403
    assert [c.author_id for c in db.session.execute(select(VideoComment)).scalars()] == [
        people.peer.id]


def test_a_comment_needs_a_body_and_a_valid_time(client, people):
    case = case_in(people, "in_review")
    login(client, people.backbone)
    assert comment(client, case, "").status_code == 400
    assert comment(client, case, "负数时间", second="-3").status_code == 400
    assert comment(client, case, "维度", dimension="nonsense").status_code == 400
    assert count(VideoComment) == 0


def test_a_reply_to_another_cases_comment_is_refused(client, people):
    case = case_in(people, "in_review")
    other = make_case(people.studio, people.mentee2, state="in_review", reviewer=people.backbone,
                      title="另一课例")
    db.session.commit()
    login(client, people.backbone)
    assert comment(client, other, "别的课例").status_code == 302
    foreign = db.session.execute(select(VideoComment)).scalar_one()
    login(client, people.new_teacher)
    assert comment(client, case, "串台", parent=foreign).status_code == 400
    assert count(VideoComment) == 1


# --- required work ----------------------------------------------------------------------------

def test_the_required_work_tracker(client, people):
    from models import HourEntry
    make_case(people.studio, people.new_teacher, state="approved", reviewer=people.backbone)
    make_case(people.studio, people.mentee2, state="in_review", reviewer=people.backbone,
              title="在审课例")
    make_case(people.studio, people.backbone, kind="excellent", state="recommended",
              reviewer=people.master, title="骨干优秀课例")
    db.session.add(HourEntry(studio_id=people.studio.id, user_id=people.new_teacher.id,
                             amount=50, source="manual", reason="测试",
                             created_by_id=people.master.id))
    db.session.commit()
    login(client, people.master)

    def tracker_rows():
        page = text(client.get(f"/studios/{people.studio.id}/progress"))
        return page, {m.group(1): m.group(0)
                      for m in re.finditer(r"<tr><td>([^<]+)</td>.*?</tr>", page, re.S)}
    # the growth plan is required work too: without it the case and the hours are not enough
    page, rows = tracker_rows()
    assert "Approved" in rows["张新师"] and "50.0 / 50" in rows["张新师"] and "✓" not in rows["张新师"]
    make_plan(people.studio, people.new_teacher)
    db.session.commit()
    page, rows = tracker_rows()
    assert "Approved" in rows["张新师"] and "50.0 / 50" in rows["张新师"] and "✓" in rows["张新师"]
    assert "In review" in rows["吴新师"] and "✓" not in rows["吴新师"]
    assert "Recommended as excellent" in rows["李骨干"] and "missing" in rows["李骨干"]
    assert "missing" in rows["周新师"]
    assert "of 6 members" in page
    # a mentor sees their own group; a new teacher only themselves
    login(client, people.backbone)
    page = text(client.get(f"/studios/{people.studio.id}/progress"))
    assert "张新师" in section(page, "progress", "</table>")
    assert "周新师" not in section(page, "progress", "</table>")
    login(client, people.peer)
    page = text(client.get(f"/studios/{people.studio.id}/progress"))
    table = section(page, "progress", "</table>")
    assert "周新师" in table and "张新师" not in table


def test_stored_recording_of_a_case_belongs_to_its_uploader(app, people):
    case = case_in(people, "draft")
    version = db.session.get(LessonCase, case.id).latest
    assert version.recording_file.uploaded_by_id == people.new_teacher.id
    assert count(StoredFile) == 1
    extra = stored_file(people.new_teacher, data=WEBM + b"x")
    db.session.commit()
    assert count(StoredFile) == 2 and extra.size == len(WEBM) + 1


# --- a fixed number of queries whatever the studio's size ------------------------------------

def test_the_case_list_uses_the_same_number_of_queries_for_10_and_100_new_teachers(
        client, app, _password_hash, queries):
    from tests.coreloop import build_studio, queries_on_page
    counts = {}
    for n in (10, 100):
        studio, master, backbones, news = build_studio(_password_hash, f"工作室{n}", n)
        for i, teacher in enumerate(news):
            make_case(studio, teacher, state=("approved", "submitted", "draft")[i % 3],
                      reviewer=backbones[i % len(backbones)], complete=False,
                      title=f"课例{i:03d}")
        db.session.commit()
        path = f"/studios/{studio.id}/cases"
        counts[n] = {
            "master": queries_on_page(client, queries, master, path),
            "mentor": queries_on_page(client, queries, backbones[0], path),
            "new teacher": queries_on_page(client, queries, news[1], path),
            "progress": queries_on_page(client, queries, master, f"/studios/{studio.id}/progress"),
        }
    assert counts[10] == counts[100]


# --- the master's own case; the author's working copy -----------------------------------------

def test_a_masters_practice_case_is_reviewed_by_the_project_office(client, people):
    case = make_case(people.studio, people.master, kind="practice", state="draft",
                     title="工作室实践案例")
    db.session.commit()
    login(client, people.master)
    assert client.post(url(case, "/submit")).status_code == 302
    fresh = db.session.get(LessonCase, case.id)
    assert (fresh.state, fresh.reviewer_id) == ("submitted", None)
    assert review(client, case, "approve").status_code == 403       # not their own
    for who in ("backbone", "new_teacher"):
        login(client, getattr(people, who))
        assert review(client, case, "approve").status_code == 403
    assert snapshot(case)["state"] == "submitted"
    login(client, people.admin)
    assert 'data-testid="review-form"' in text(client.get(url(case)))
    assert snapshot(case)["state"] == "in_review"
    assert review(client, case, "approve", overall="实践案例完整。").status_code == 302
    assert snapshot(case)["state"] == "approved"


def test_the_working_copy_after_changes_requested_is_the_authors_alone(client, people):
    case = case_in(people, "changes_requested")
    login(client, people.new_teacher)
    response = client.post(url(case, "/edit"), data={
        "kind": "standard", "title": TITLE, "design_text": "设计", "reflection": "尚未提交的第二版",
        "recording": (io.BytesIO(WEBM + b"v2"), "第二版实录.webm")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    fresh = db.session.get(LessonCase, case.id)
    assert [v.number for v in fresh.versions] == [1, 2] and fresh.versions[1].submitted_at is None
    new_recording = fresh.versions[1].recording_file_id
    page = text(client.get(url(case)))
    assert "尚未提交的第二版" in page                          # the author sees their copy
    assert client.get(url(case, f"/files/{new_recording}")).status_code == 200

    for who in ("backbone", "master"):
        login(client, getattr(people, who))
        page = text(client.get(url(case)))
        assert page.count(">v2<") == 0 and "尚未提交的第二版" not in page
        assert "学生对相遇问题理解较好。" in page
        assert client.get(url(case, "?version=2")).status_code == 404
        assert client.get(url(case, f"/files/{new_recording}")).status_code == 404
    # a comment made now is on the version that was handed in
    login(client, people.backbone)
    assert client.post(url(case, "/comments"), data={
        "second": "5", "dimension": "reflection", "kind": "question",
        "body": "第 5 秒的设计意图是什么？"}).status_code == 302
    pinned = db.session.execute(select(VideoComment)).scalar_one()
    assert pinned.version_id == fresh.versions[0].id


# --- every list equals its predicate -------------------------------------------------------

LIST_VIEWERS = ["admin", "master", "backbone", "backbone2", "new_teacher", "mentee2", "outsider"]


def cases_of_everyone(people):
    """A case in every state by a new teacher (reviewed by the mentor), a backbone (by the
    master) and the master (a practice case, by the project office)."""
    authors = {"new_teacher": ("standard", people.backbone), "backbone": ("report", people.master),
               "master": ("practice", None)}
    made = []
    for who, (kind, reviewer) in authors.items():
        for state in STATES:
            made.append(make_case(people.studio, getattr(people, who), state=state, kind=kind,
                                  reviewer=None if state == "draft" else reviewer,
                                  title=f"{who}-{state}"))
    db.session.commit()
    return made


def titles(html):
    return set(re.findall(r'/cases/\d+">([^<]+)</a>', html))


@pytest.mark.parametrize("viewer", LIST_VIEWERS)
def test_every_list_equals_its_predicate_for_every_state_and_viewer(client, people, viewer):
    made = cases_of_everyone(people)
    user = getattr(people, viewer)
    visible = {c.title for c in made if c.can_view(user)}
    reviewable = {c.title for c in made if c.can_review(user)}
    listed = db.session.execute(LessonCase.visible_to(people.studio, user)).scalars().all()
    queue = db.session.execute(LessonCase.review_queue(user, people.studio)).scalars().all()
    assert {c.title for c in listed} == visible
    assert {c.title for c in queue} == reviewable
    everywhere = db.session.execute(LessonCase.review_queue(user)).scalars().all()
    assert {c.title for c in everywhere} == reviewable        # no case of another studio
    if viewer == "admin":
        assert reviewable == {"master-submitted", "master-in_review", "master-resubmitted"}
    if viewer == "outsider":
        assert visible == reviewable == set()
        return
    login(client, user)
    page = text(client.get(f"/studios/{people.studio.id}/cases"))
    assert titles(section(page, "case-list", "</table>")) == visible
    if reviewable:
        assert titles(section(page, "to-review")) == reviewable
    else:
        assert 'data-testid="to-review"' not in page
    for case in made:                      # the page agrees with the list, case by case
        if case.title in visible:
            continue
        assert client.get(url(case)).status_code == 403


# --- documents: a report and a practice case need no recording -------------------------------

def test_a_backbone_hands_in_a_report_without_a_recording_and_the_master_approves(
        client, people):
    login(client, people.backbone)
    form = text(client.get(f"/studios/{people.studio.id}/cases/new"))
    assert 'data-label-report="Report document"' in form
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "report", "title": "三年专业发展报告", "design_text": "## 成长历程\n三年来……",
        "reflection": "在课堂观察和课题研究方面进步明显。", "submit_now": "1"},
        content_type="multipart/form-data")
    assert response.status_code == 302, text(response)[:500]
    case = db.session.execute(select(LessonCase)).scalar_one()
    assert (case.kind, case.state, case.reviewer_id) == ("report", "submitted", people.master.id)
    assert case.latest.recording_file_id is None and case.latest.missing_parts() == []

    login(client, people.master)
    page = text(client.get(url(case)))
    assert snapshot(case)["state"] == "in_review"
    assert 'data-testid="recording"' not in page and "Classroom recording" not in page
    assert "No recording yet." not in page
    document = section(page, "case-document")
    assert "<h2>Report document</h2>" in document and "<h2>Summary of the report</h2>" in document
    assert "三年来" in document and "课题研究" in document
    assert 'data-testid="review-form"' in page
    assert review(client, case, "approve", overall="报告完整。").status_code == 302
    assert snapshot(case)["state"] == "approved"


def test_a_report_still_needs_its_document_and_its_summary(client, people):
    case = make_case(people.studio, people.backbone, kind="report", complete=False,
                     title="空报告")
    db.session.commit()
    login(client, people.backbone)
    response = client.post(url(case, "/submit"))
    assert response.status_code == 409
    assert "The case is missing: Report document、Summary of the report." in text(response)
    assert snapshot(case)["state"] == "draft"


def test_a_recording_sent_with_a_report_is_not_kept(client, people):
    login(client, people.backbone)
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "report", "title": "报告", "design_text": "报告正文", "reflection": "摘要",
        "recording": (io.BytesIO(WEBM), "误传.webm")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.execute(select(LessonCase)).scalar_one().latest.recording_file_id is None
    assert count(StoredFile) == 0


def test_a_masters_practice_case_waits_in_the_admins_review_queue(client, people):
    login(client, people.master)
    form = text(client.get(f"/studios/{people.studio.id}/cases/new"))
    assert re.search(r'<fieldset data-part="recording"[^>]* hidden>', form)
    assert "Practice case document" in form
    response = client.post(f"/studios/{people.studio.id}/cases/new", data={
        "kind": "practice", "title": "工作室研修实践案例", "design_text": "## 实践过程",
        "reflection": "经验与反思", "submit_now": "1"}, content_type="multipart/form-data")
    assert response.status_code == 302, text(response)[:500]
    case = db.session.execute(select(LessonCase)).scalar_one()
    assert (case.state, case.reviewer_id) == ("submitted", None)
    assert 'data-testid="to-review"' not in text(client.get(f"/studios/{people.studio.id}/cases"))

    login(client, people.admin)
    waiting = section(text(client.get(f"/studios/{people.studio.id}/cases")), "to-review")
    assert "Waiting for your review (1)" in waiting and "工作室研修实践案例" in waiting
    home = section(text(client.get("/admin/")), "admin-to-review")
    assert f'href="/studios/{people.studio.id}/cases/{case.id}"' in home
    assert "工作室研修实践案例" in home and people.studio.name in home and "王名师" in home
    page = text(client.get(url(case)))
    assert 'data-testid="review-form"' in page and 'data-testid="recording"' not in page
    assert review(client, case, "approve", overall="实践案例完整。").status_code == 302
    assert snapshot(case)["state"] == "approved"
    assert 'data-testid="admin-to-review"' not in text(client.get("/admin/"))
