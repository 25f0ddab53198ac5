"""A revision shows the feedback it answers (issue 8): while a case is returned or handed in
again, its newest version opens with the review and the video comments of the version that
was returned; reviewer and author see what changed between two versions (texts and files)."""
import io
import re

import pytest
from sqlalchemy import select

from blueprints.cases.revision import text_diff
from models import CaseTransition, CaseVersion, LessonCase, Review, VideoComment
from models.base import utcnow
from studio.extensions import db
from tests.coreloop import login, section, text
from tests.factories import WEBM, make_case, stored_file
from tests.test_cases import RUBRIC, people, review, url  # noqa: F401  (people: a fixture)

OVERALL = "请补充**检验增根**的环节，再提交。"
COMMENT = "这里可以让学生先估算工作效率。"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def raw(response):
    return response.get_data(as_text=True)


def returned_case(people, comments=1):
    """The new teacher's case, handed in, commented at 0:15 (and later seconds), returned."""
    case = make_case(people.studio, people.new_teacher, state="changes_requested",
                     reviewer=people.backbone)
    first = case.latest
    db.session.add(Review(case_id=case.id, version_id=first.id, reviewer_id=people.backbone.id,
                          verdict="request_changes", overall=OVERALL,
                          overall_html="<p>请补充<strong>检验增根</strong>的环节，再提交。</p>",
                          **{k: int(v) if k.endswith("_score") else v
                             for k, v in RUBRIC.items()}))
    for i in range(comments):
        made = VideoComment(case_id=case.id, version_id=first.id, author_id=people.backbone.id,
                            second=15 + 60 * i, dimension="lesson_design", kind="suggestion",
                            body=COMMENT if i == 0 else f"第{i}条批注")
        db.session.add(made)
        db.session.flush()
        db.session.add(VideoComment(case_id=case.id, version_id=first.id, parent_id=made.id,
                                    author_id=people.new_teacher.id, second=made.second,
                                    dimension=made.dimension, kind=made.kind, body="收到"))
    db.session.add(CaseTransition(case_id=case.id, from_state="in_review",
                                  to_state="changes_requested", actor_id=people.backbone.id,
                                  reason=OVERALL))
    db.session.commit()
    return case


def add_version(case, author, state, reflection, new_video=True, submitted=True):
    """A further version of ``case`` (the texts changed, the video replaced or kept)."""
    last = case.latest
    version = CaseVersion(case_id=case.id, number=last.number + 1,
                          design_text=last.design_text + "\n\n## 检验\n代入最简公分母。",
                          design_html="<p>设计</p>", reflection=reflection,
                          reflection_html=f"<p>{reflection}</p>",
                          design_file_id=last.design_file_id,
                          submitted_at=utcnow() if submitted else None)
    if new_video:
        version.recording_file = stored_file(author, WEBM + bytes([last.number]) * 4096,
                                             name=f"第{last.number + 1}版实录.webm")
    else:
        version.recording_file_id = last.recording_file_id
    db.session.add(version)
    case.state = state
    db.session.commit()
    return version


def feedback_of(page):
    return section(page, "feedback")


# --- the feedback block: when, where, to whom ----------------------------------------------

@pytest.mark.parametrize("who", ["new_teacher", "backbone", "master"])
def test_a_returned_case_opens_with_the_feedback_to_address(client, people, who):
    case = returned_case(people)
    login(client, getattr(people, who))
    page = text(client.get(url(case)))
    block = feedback_of(page)
    assert "Feedback to address (v1)" in block
    assert page.index('data-testid="feedback"') < page.index('data-testid="case-document"')
    assert page.index('data-testid="feedback"') < page.index('data-testid="recording"')
    assert "李骨干 · Changes requested · total 16 / 20" in block     # reviewer, verdict, scores
    assert re.search(r"· \d{4}-\d{2}-\d{2} \d{2}:\d{2}</span>", block)  # when
    assert "<strong>检验增根</strong>" in block
    assert "提问偏封闭" in block and "★★★☆☆ 3" in block            # a rubric comment, a score
    comments = section(page, "feedback-comments", "</ol>")
    assert re.search(r'data-seek="15.0"[^>]*>0:15</button>', comments)  # seeks this video
    assert COMMENT in comments and "<strong>张新师</strong>: 收到" in comments
    assert "Reviews of this version" not in page          # not shown a second time below
    assert page.count("提问偏封闭") == 1


def test_the_feedback_is_in_chinese_by_default(client, people):
    case = returned_case(people)
    login(client, people.new_teacher, locale="zh_CN")
    page = text(client.get(url(case)))
    assert "退回修改的评审意见（v1）" in feedback_of(page)


def test_after_a_resubmission_the_new_version_opens_with_the_previous_feedback(client, people):
    case = returned_case(people)
    old = case.latest
    add_version(case, people.new_teacher, "resubmitted", "第二版反思：补充了检验。")
    login(client, people.new_teacher, locale="zh_CN")
    page = text(client.get(url(case)))
    assert "上一版的评审意见（v1）" in feedback_of(page)
    login(client, people.new_teacher)
    page = text(client.get(url(case)))
    block = feedback_of(page)
    assert "Feedback on the previous version (v1)" in block and "检验增根" in block
    comments = section(page, "feedback-comments", "</ol>")
    # the recording was replaced: the time stamp opens the old version's recording, and says so
    assert "data-seek" not in comments
    link = f'href="/studios/{case.studio_id}/cases/{case.id}?version=1#c'
    assert link in comments and ">0:15</a>" in comments
    assert "in the recording of v1" in comments
    first = db.session.execute(select(VideoComment).where(
        VideoComment.version_id == old.id, VideoComment.parent_id.is_(None))).scalar_one()
    target = text(client.get(url(case, "?version=1")))
    assert f'id="c{first.id}"' in target and 'data-seek="15.0"' in target
    assert 'data-testid="feedback"' not in target        # an earlier version: no block
    assert "Reviews of this version" in target           # its own review stays below

    login(client, people.backbone)                       # the reviewer opens it: in review
    page = text(client.get(url(case)))
    assert db.session.get(LessonCase, case.id).state == "in_review"
    assert "Feedback on the previous version (v1)" in feedback_of(page)
    assert 'data-testid="review-form"' in page


def test_a_kept_recording_still_seeks_from_the_feedback(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "resubmitted", "第二版", new_video=False)
    login(client, people.backbone)
    comments = section(text(client.get(url(case))), "feedback-comments", "</ol>")
    assert re.search(r'data-seek="15.0"[^>]*>0:15</button>', comments)
    assert "in the recording of v" not in comments


def test_the_authors_working_copy_shows_the_feedback_it_answers(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "changes_requested", "修改中", submitted=False)
    login(client, people.new_teacher)
    page = text(client.get(url(case)))
    assert "Feedback on the previous version (v1)" in feedback_of(page)
    login(client, people.backbone)                       # sees v1, the returned one
    page = text(client.get(url(case)))
    assert "Feedback to address (v1)" in feedback_of(page) and "修改中" not in page


@pytest.mark.parametrize("state", ["draft", "submitted", "in_review", "approved", "recommended"])
def test_no_feedback_block_outside_a_revision(client, people, state):
    case = make_case(people.studio, people.new_teacher, state=state,
                     reviewer=None if state == "draft" else people.backbone)
    db.session.commit()
    login(client, people.new_teacher)
    page = text(client.get(url(case)))
    assert 'data-testid="feedback"' not in page and 'data-testid="version-diff"' not in page


def test_no_feedback_block_once_the_revision_is_approved(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "approved", "第二版反思")
    for who in ("new_teacher", "backbone", "peer"):
        login(client, getattr(people, who))
        page = text(client.get(url(case)))
        assert 'data-testid="feedback"' not in page
        assert "What changed from v1 to v2" in section(page, "version-diff")  # history stays


def test_others_do_not_see_a_returned_case_or_its_feedback(client, people):
    case = returned_case(people)
    for who in ("mentee2", "peer", "backbone2", "outsider"):
        login(client, getattr(people, who))
        response = client.get(url(case))
        assert response.status_code == 403 and COMMENT not in text(response)


# --- what changed ---------------------------------------------------------------------------

def test_the_reviewer_sees_the_diff_and_the_replaced_recording(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "resubmitted", "学生对追及问题理解较好。")
    login(client, people.backbone)
    page = text(client.get(url(case)))
    diff = section(page, "version-diff")
    assert "What changed from v1 to v2" in diff
    files = section(page, "file-changes", "</ul>")
    assert re.search(r"Classroom recording</strong>\s*replaced <del>.*课堂实录\.webm · 2\.0 KB"
                     r"</del> → <ins>.*第2版实录\.webm · 6\.0 KB</ins>", files)
    reflection = section(page, "diff-reflection", "</ol>")
    assert ('<li class="diff-changed"><span class="diff-sign" aria-hidden="true">±</span>'
            '<span>学生对</span><del><span class="visually-hidden">removed:</span>相遇</del>'
            '<ins><span class="visually-hidden">added:</span>追及</ins><span>问题理解较好。</span>'
            '</li>') in reflection
    design = section(page, "diff-design", "</ol>")
    assert '<li class="diff-added"><span class="diff-sign" aria-hidden="true">+</span>' in design
    assert "代入最简公分母。" in design and "<del>" not in design
    assert 'data-testid="case-document"' in page       # the new version itself follows


def test_hostile_text_in_the_diff_is_escaped(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "resubmitted", HOSTILE)
    login(client, people.backbone)
    page = raw(client.get(url(case)))
    diff = page[page.index('data-testid="version-diff"'):]
    diff = diff[:diff.index("</section>")]
    assert "<script>" not in diff and "<img" not in diff
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" \
        in diff


def test_compare_any_two_versions(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "changes_requested", "第二版")
    add_version(case, people.new_teacher, "resubmitted", "第三版")
    login(client, people.backbone)
    latest = text(client.get(url(case)))
    assert "What changed from v2 to v3" in section(latest, "version-diff")
    assert 'data-testid="compare-form"' in latest
    for query in ("?compare=1", "?version=1&compare=3"):
        page = text(client.get(url(case, query)))
        assert "What changed from v1 to v3" in section(page, "version-diff")
        reflection = section(page, "diff-reflection", "</ol>")
        assert "第三版" in reflection and "第二版" not in reflection
    assert 'data-testid="version-diff"' not in text(client.get(url(case, "?version=1")))
    for bad in ("9", "0", "abc", "", "٣"):
        assert client.get(url(case, f"?compare={bad}")).status_code == 404


def test_nobody_compares_with_the_authors_working_copy(client, people):
    case = returned_case(people)
    add_version(case, people.new_teacher, "changes_requested", "未提交的修改", submitted=False)
    login(client, people.backbone)
    assert client.get(url(case, "?compare=2")).status_code == 404
    login(client, people.new_teacher)
    page = text(client.get(url(case, "?version=1&compare=2")))
    assert "未提交的修改" in section(page, "diff-reflection", "</ol>")


def test_a_revision_through_the_forms(client, people):
    """The author answers the feedback with a new recording; both see the change."""
    case = make_case(people.studio, people.new_teacher, state="draft", reviewer=people.backbone)
    db.session.commit()
    login(client, people.new_teacher)
    assert client.post(url(case, "/submit")).status_code == 302
    login(client, people.backbone)
    client.get(url(case))
    assert review(client, case, "request_changes", overall=OVERALL).status_code == 302
    login(client, people.new_teacher)
    assert "Feedback to address (v1)" in feedback_of(text(client.get(url(case))))
    response = client.post(url(case, "/edit"), data={
        "kind": "standard", "title": "一元一次方程的应用", "design_text": "## 教学目标\n会列方程。",
        "reflection": "补充了检验增根。", "submit_now": "1",
        "recording": (io.BytesIO(WEBM + b"v2" * 600), "新实录.webm")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(client.get(url(case)))
    assert 'data-testid="case-state">Resubmitted<' in page
    assert "Feedback on the previous version (v1)" in feedback_of(page)
    login(client, people.backbone)
    page = text(client.get(url(case)))
    assert "新实录.webm" in section(page, "file-changes", "</ul>")
    assert "补充了检验增根。" in section(page, "diff-reflection", "</ol>")


# --- a fixed number of queries ------------------------------------------------------------------

def test_the_case_page_runs_the_same_queries_for_few_and_many_versions_and_comments(
        client, app, people, queries):
    from tests.coreloop import queries_on_page
    counts = {}
    for versions, comments in ((2, 1), (5, 8)):
        case = returned_case(people, comments=comments)
        for n in range(versions - 1):
            add_version(case, people.new_teacher, "changes_requested", f"第{n + 2}版")
            for i in range(comments):
                db.session.add(VideoComment(case_id=case.id, version_id=case.latest.id,
                                            author_id=people.backbone.id, second=i,
                                            body=f"v{n + 2} 批注{i}"))
            db.session.commit()
        fresh = db.session.get(LessonCase, case.id)
        fresh.state = "resubmitted"
        db.session.commit()
        counts[versions] = {who: queries_on_page(client, queries, getattr(people, who), url(case))
                            for who in ("backbone", "new_teacher", "master")}
    assert counts[2] == counts[5]


# --- the diff itself ------------------------------------------------------------------------------

def test_text_diff_keeps_a_little_context_and_counts_the_rest():
    old = "\n".join(f"第{i}行" for i in range(10))
    new = old.replace("第5行", "第5行（改）")
    rows = text_diff(old, new)
    assert [r.kind for r in rows] == ["skip", "same", "same", "changed", "same", "same", "skip"]
    assert rows[0].skipped == 3 and rows[-1].skipped == 2
    assert rows[3].parts == [("equal", "第5行"), ("insert", "（改）")]
    assert text_diff("同样\n", "同样") == []
    unlike = text_diff("完全不同的一行", "another line entirely")
    assert [r.kind for r in unlike] == ["removed", "added"]
