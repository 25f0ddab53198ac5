"""Reflection threads (研讨帖) as members notice them: start, reply, quote, edit, delete,
@mentions, unread markers, search (Chinese substrings), threads about lesson cases, access."""
import re

import pytest
from sqlalchemy import select

from models.notification import Notification
from models.thread import Post, Thread
from studio.extensions import db
from tests.coreloop import count, login, text
from tests.factories import make_case


# --- helpers ---------------------------------------------------------------------------------
def threads_url(cast):
    return f"/studios/{cast.studio.id}/threads"


def start(client, cast, title="分层作业的设计与反思", body="本周尝试了分层作业。", **extra):
    response = client.post(f"{threads_url(cast)}/new", data={"title": title, "body": body, **extra})
    assert response.status_code == 302, text(response)[:2000]
    found = re.search(r"/threads/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def reply(client, cast, thread_id, body, quoted_post_id=None):
    data = {"body": body}
    if quoted_post_id is not None:
        data["quoted_post_id"] = str(quoted_post_id)
    return client.post(f"{threads_url(cast)}/{thread_id}/reply", data=data)


def reply_ok(client, cast, thread_id, body, quoted_post_id=None):
    response = reply(client, cast, thread_id, body, quoted_post_id)
    assert response.status_code == 302, text(response)[:2000]
    found = re.search(r"#p(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def show(client, cast, thread_id):
    response = client.get(f"{threads_url(cast)}/{thread_id}")
    assert response.status_code == 200
    return text(response)


def post_block(page, post_id):
    """The <li> of one post on a thread page."""
    start_at = page.index(f'id="p{post_id}"')
    end = page.find('<li class="post card"', start_at + 1)
    tail = page.find("</ol>", start_at)
    return page[start_at:end if 0 < end < tail else tail]


def thread_list(client, cast, q=None):
    response = client.get(threads_url(cast), query_string={"q": q} if q is not None else None)
    assert response.status_code == 200
    page = text(response)
    start_at = page.index('data-testid="threads"')
    return page[start_at:page.index("</ul>", start_at)]


def listed_titles(client, cast, q=None):
    return re.findall(r"<strong>(.*?)</strong>", thread_list(client, cast, q))


def first_post_id(thread_id):
    return db.session.execute(select(Post.id).where(Post.thread_id == thread_id)
                              .order_by(Post.id)).scalars().first()


def mentions_of(user):
    return count(Notification, Notification.user_id == user.id, Notification.kind == "mentioned")


# --- starting, replying, quoting ---------------------------------------------------------------
def test_a_member_starts_a_thread_and_others_read_it(client, cast):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "第一次上公开课的反思", "**紧张**但学生配合得很好。")
    login(client, cast.master)
    page = show(client, cast, thread_id)
    assert "第一次上公开课的反思" in page and "张新师" in page
    assert "<strong>紧张</strong>但学生配合得很好。" in page
    assert "第一次上公开课的反思" in listed_titles(client, cast)


def test_a_reply_quoting_a_post_shows_the_quoted_author_and_text(client, cast):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "作业量的问题", "七年级的作业量是否偏多？")
    first = first_post_id(thread_id)
    login(client, cast.master)
    # The quote button leads to the reply form with the quoted post.
    page = text(client.get(f"{threads_url(cast)}/{thread_id}?quote={first}"))
    assert f'name="quoted_post_id" value="{first}"' in page
    answer = reply_ok(client, cast, thread_id, "建议控制在30分钟以内。", quoted_post_id=first)
    block = post_block(show(client, cast, thread_id), answer)
    quote = block[block.index('<blockquote class="quote">'):block.index("</blockquote>")]
    assert "张新师" in quote and "七年级的作业量是否偏多？" in quote
    assert "建议控制在30分钟以内。" in block
    assert db.session.get(Post, answer).quoted_post_id == first


def test_a_post_of_another_thread_cannot_be_quoted(client, cast):
    login(client, cast.master)
    one = start(client, cast, "帖子一", "内容一")
    two = start(client, cast, "帖子二", "内容二")
    before = count(Post)
    assert reply(client, cast, two, "引用别处", quoted_post_id=first_post_id(one)).status_code == 400
    assert count(Post) == before


# --- editing ------------------------------------------------------------------------------------
def test_the_author_edits_a_post_and_readers_see_it_was_edited(client, cast):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "课堂提问", "原来的说法")
    post_id = first_post_id(thread_id)
    url = f"{threads_url(cast)}/{thread_id}/posts/{post_id}/edit"
    assert "原来的说法" in text(client.get(url))
    response = client.post(url, data={"body": "修改后的说法"})
    assert response.status_code == 302
    login(client, cast.master)
    block = post_block(show(client, cast, thread_id), post_id)
    assert "修改后的说法" in block and "原来的说法" not in block
    assert "edited" in block


@pytest.mark.parametrize("role", ["master", "backbone", "admin"])
def test_nobody_but_the_author_edits_a_post(client, cast, role):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "课堂提问", "我的原话")
    post_id = first_post_id(thread_id)
    login(client, getattr(cast, role))
    url = f"{threads_url(cast)}/{thread_id}/posts/{post_id}/edit"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"body": "被别人改了"}).status_code == 403
    assert db.session.get(Post, post_id).body == "我的原话"
    login(client, cast.new_teacher)
    assert "我的原话" in show(client, cast, thread_id)


def test_an_edit_to_an_empty_post_is_refused(client, cast):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "课堂提问", "我的原话")
    post_id = first_post_id(thread_id)
    url = f"{threads_url(cast)}/{thread_id}/posts/{post_id}/edit"
    assert client.post(url, data={"body": "   "}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Post, post_id).body == "我的原话"
    assert db.session.get(Post, post_id).edited_at is None


# --- deleting -----------------------------------------------------------------------------------
def delete(client, cast, thread_id, post_id, reason=None):
    data = {} if reason is None else {"reason": reason}
    return client.post(f"{threads_url(cast)}/{thread_id}/posts/{post_id}/delete", data=data)


def test_the_author_deletes_their_own_post_without_a_reason(client, cast):
    login(client, cast.master)
    thread_id = start(client, cast, "讨论", "第一帖")
    login(client, cast.new_teacher)
    mine = reply_ok(client, cast, thread_id, "我说错了的话")
    assert delete(client, cast, thread_id, mine).status_code == 302
    block = post_block(show(client, cast, thread_id), mine)
    assert "我说错了的话" not in block and "Deleted by 张新师" in block
    # A deleted post cannot be edited or deleted again.
    edit = f"{threads_url(cast)}/{thread_id}/posts/{mine}/edit"
    assert client.post(edit, data={"body": "复活"}).status_code == 403
    assert delete(client, cast, thread_id, mine).status_code == 403


@pytest.mark.parametrize("moderator, name", [("master", "王名师"), ("backbone", "李骨干")])
def test_a_moderator_deletes_someone_elses_post_only_with_a_reason(client, cast, moderator, name):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "讨论", "不合适的内容")
    post_id = first_post_id(thread_id)
    login(client, getattr(cast, moderator))
    assert delete(client, cast, thread_id, post_id).status_code == 400
    assert delete(client, cast, thread_id, post_id, "   ").status_code == 400
    db.session.expire_all()
    assert db.session.get(Post, post_id).deleted_at is None
    assert delete(client, cast, thread_id, post_id, "含有学生个人信息").status_code == 302
    login(client, cast.new_teacher)
    block = post_block(show(client, cast, thread_id), post_id)
    assert "不合适的内容" not in block
    assert f"Deleted by {name}" in block and "含有学生个人信息" in block


def test_a_new_teacher_cannot_delete_someone_elses_post(client, cast):
    login(client, cast.backbone)
    thread_id = start(client, cast, "讨论", "骨干的发言")
    post_id = first_post_id(thread_id)
    login(client, cast.new_teacher)
    assert delete(client, cast, thread_id, post_id, "我不同意").status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, post_id).deleted_at is None
    assert "骨干的发言" in show(client, cast, thread_id)


# --- mentions -----------------------------------------------------------------------------------
def test_a_mention_notifies_the_member_but_not_outsiders_or_the_author(client, cast):
    login(client, cast.master)
    thread_id = start(client, cast, "听课安排",
                      "请@new_teacher 下周三听课，@outsider 和 @master 以及 @nobody_here 不相关。")
    assert mentions_of(cast.new_teacher) == 1
    assert mentions_of(cast.outsider) == 0
    assert mentions_of(cast.master) == 0
    note = db.session.execute(select(Notification).where(
        Notification.user_id == cast.new_teacher.id)).scalar_one()
    assert note.link.startswith(f"/studios/{cast.studio.id}/threads/{thread_id}")
    # In a reply too, and an e-mail address is not a mention.
    reply_ok(client, cast, thread_id, "@backbone 请带一下。写信到 office@new_teacher.cn")
    assert mentions_of(cast.backbone) == 1
    assert mentions_of(cast.new_teacher) == 1


def test_a_mention_added_by_an_edit_notifies_once(client, cast):
    login(client, cast.master)
    thread_id = start(client, cast, "听课安排", "请@new_teacher 听课")
    post_id = first_post_id(thread_id)
    url = f"{threads_url(cast)}/{thread_id}/posts/{post_id}/edit"
    client.post(url, data={"body": "请@new_teacher 和 @backbone 听课"})
    assert mentions_of(cast.new_teacher) == 1
    assert mentions_of(cast.backbone) == 1


def two_zhang_wei(cast, _password_hash):
    """Two new teachers called 张伟 at different schools, and a third in another studio."""
    from tests.conftest import join, make_user
    first = make_user("zhangwei_yi", "张伟", _password_hash, school="郑州市第一中学")
    second = make_user("zhangwei_qi", "张伟", _password_hash, school="郑州市第七中学")
    elsewhere = make_user("zhangwei_b", "张伟", _password_hash, school="开封市第一中学")
    join(cast.studio, first, "new_teacher")
    join(cast.studio, second, "new_teacher")
    join(cast.other_studio, elsewhere, "new_teacher")
    db.session.commit()
    return first, second


def suggestions(client, cast, q):
    response = client.get(f"{threads_url(cast)}/mentions", query_string={"q": q})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()["members"]


def test_typing_at_and_a_chinese_name_offers_members_with_school_and_role(client, cast,
                                                                          _password_hash):
    first, second = two_zhang_wei(cast, _password_hash)
    login(client, cast.new_teacher, locale="zh_CN")
    found = suggestions(client, cast, "李")
    assert found == [{"username": "backbone", "name": "李骨干", "school": "郑州市第八中学",
                      "role": "骨干教师"}]
    # Two 张伟 are told apart by school; the 张伟 of another studio is not offered.
    zhang = suggestions(client, cast, "张")
    assert sorted((m["name"], m["school"], m["username"]) for m in zhang) == [
        ("张伟", "郑州市第一中学", "zhangwei_yi"), ("张伟", "郑州市第七中学", "zhangwei_qi")]
    # The searcher is not offered (张新师 is the new teacher); a username prefix works too.
    assert [m["username"] for m in suggestions(client, cast, "Zhangwei_Q")] == ["zhangwei_qi"]
    assert [m["name"] for m in suggestions(client, cast, "")] == ["张伟", "张伟", "李骨干", "王名师"] \
        or len(suggestions(client, cast, "")) == 4
    # A wildcard is a character, not a pattern.
    assert suggestions(client, cast, "%") == [] and suggestions(client, cast, "_") == []


def test_members_who_left_are_not_offered_and_the_office_gets_no_list(client, cast,
                                                                        _password_hash):
    from blueprints.studios.operations import remove_member
    first, second = two_zhang_wei(cast, _password_hash)
    remove_member(cast.studio, second, cast.master, "调动")
    db.session.commit()
    login(client, cast.master)
    assert [m["username"] for m in suggestions(client, cast, "张伟")] == ["zhangwei_yi"]
    login(client, cast.admin)
    assert client.get(f"{threads_url(cast)}/mentions?q=张").status_code == 403
    login(client, cast.outsider)
    assert client.get(f"{threads_url(cast)}/mentions?q=张").status_code == 403


def post_html(page, post_id):
    start = page.index(f'id="p{post_id}"')
    return page[start:page.index("</li>", start)]


def test_a_mention_shows_the_name_and_the_school_only_when_names_are_shared(client, cast,
                                                                           _password_hash):
    from blueprints.studios.operations import remove_member
    first, second = two_zhang_wei(cast, _password_hash)
    login(client, cast.master, locale="zh_CN")
    thread_id = start(client, cast, "听课安排", "请 @zhangwei_qi 和 @backbone 下周三听课。")
    post_id = first_post_id(thread_id)
    html = post_html(show(client, cast, thread_id), post_id)
    assert '<span class="mention">@张伟（郑州市第七中学）</span>' in html
    assert '<span class="mention">@李骨干</span>' in html
    # No username, user id or profile link is in the page for a mention.
    assert "zhangwei_qi" not in html and "data-user" not in html and "@backbone" not in html
    assert mentions_of(second) == 1 and mentions_of(first) == 0
    # Once the other 张伟 has left, the name alone is enough (resolved when shown).
    remove_member(cast.studio, first, cast.master, "调动")
    db.session.commit()
    assert '<span class="mention">@张伟</span>' in post_html(show(client, cast, thread_id), post_id)


def test_mentions_in_code_links_or_of_non_members_stay_plain_text(client, cast):
    login(client, cast.master, locale="zh_CN")
    thread_id = start(client, cast, "格式", "`@backbone` 与 https://example.com/@backbone "
                                           "以及 @outsider 和 @nobody_here")
    html = post_html(show(client, cast, thread_id), first_post_id(thread_id))
    assert 'class="mention"' not in html
    assert "<code>@backbone</code>" in html and "@outsider" in html


def test_an_edit_changes_the_mentions_shown_and_notifies_only_the_new_one(client, cast):
    login(client, cast.master, locale="zh_CN")
    thread_id = start(client, cast, "听课安排", "请@new_teacher 听课")
    post_id = first_post_id(thread_id)
    client.post(f"{threads_url(cast)}/{thread_id}/posts/{post_id}/edit",
                data={"body": "请@backbone 听课，@backbone 再确认"})
    html = post_html(show(client, cast, thread_id), post_id)
    assert html.count('<span class="mention">@李骨干</span>') == 2
    assert "张新师" not in html
    assert mentions_of(cast.backbone) == 1 and mentions_of(cast.new_teacher) == 1


def test_a_hostile_display_name_in_a_mention_is_shown_as_text(client, cast):
    cast.backbone.name = '<img src=x onerror="alert(1)">李'
    db.session.commit()
    login(client, cast.master, locale="zh_CN")
    thread_id = start(client, cast, "听课", "请 @backbone 听课")
    page = client.get(f"{threads_url(cast)}/{thread_id}").get_data(as_text=True)
    assert "<img" not in post_html(page, first_post_id(thread_id))
    assert '<span class="mention">@&lt;img src=x onerror=&#34;alert(1)&#34;&gt;李</span>' in page


def test_a_quoted_post_shows_its_mentions_by_name_too(client, cast):
    login(client, cast.master, locale="zh_CN")
    thread_id = start(client, cast, "听课", "请 @backbone 听课")
    post_id = reply_ok(client, cast, thread_id, "同意", quoted_post_id=first_post_id(thread_id))
    html = post_html(show(client, cast, thread_id), post_id)
    assert '<span class="mention">@李骨干</span>' in html


def test_the_thread_page_resolves_mentions_in_a_fixed_number_of_queries(client, cast, queries,
                                                                        _password_hash):
    from tests.conftest import join, make_user
    login(client, cast.master)
    thread_id = start(client, cast, "听课", "请 @backbone 听课")

    def measure():
        show(client, cast, thread_id)       # the first view after a change marks it read
        with queries() as counter:
            show(client, cast, thread_id)
        return counter.count
    few = measure()
    for i in range(12):
        user = make_user(f"teacher{i:03d}", f"教师{i}", _password_hash)
        join(cast.studio, user, "new_teacher")
        db.session.commit()
        reply_ok(client, cast, thread_id, f"@teacher{i:03d} 和 @backbone 请看")
    assert measure() == few


# --- unread markers -----------------------------------------------------------------------------
def test_unread_markers_follow_what_a_member_has_read(client, cast):
    login(client, cast.master)
    thread_id = start(client, cast, "本周研讨", "大家说说本周的收获。")
    login(client, cast.new_teacher)
    listing = thread_list(client, cast)
    assert 'class="unread"' in listing and "#unread" not in listing  # never opened: from the top
    page = show(client, cast, thread_id)
    assert 'id="unread"' not in page
    assert 'class="unread"' not in thread_list(client, cast)   # read now

    login(client, cast.master)
    first_new = reply_ok(client, cast, thread_id, "第一条新回复")
    reply_ok(client, cast, thread_id, "第二条新回复")
    login(client, cast.new_teacher)
    listing = thread_list(client, cast)
    assert 'class="unread"' in listing and f"/threads/{thread_id}#unread" in listing
    page = show(client, cast, thread_id)
    assert page.count('id="unread"') == 1
    # The marker stands right before the first post not yet read.
    after_marker = page[page.index('id="unread"'):]
    assert re.search(r'<li class="post card" id="p(\d+)"', after_marker).group(1) == str(first_new)

    # Having read it, nothing is new any more.
    assert 'class="unread"' not in thread_list(client, cast)
    assert 'id="unread"' not in show(client, cast, thread_id)
    # The member's own reply does not mark the thread unread for them.
    reply_ok(client, cast, thread_id, "我的回复")
    assert 'class="unread"' not in thread_list(client, cast)


# --- search -------------------------------------------------------------------------------------
def test_search_finds_chinese_substrings_of_titles_and_posts(client, cast):
    login(client, cast.master)
    start(client, cast, "七年级分层作业设计的思考", "正文一")
    start(client, cast, "课堂观察记录", "我们在课堂上尝试了分层作业布置的方法效果很好")
    start(client, cast, "期中复习安排", "复习计划")
    login(client, cast.new_teacher)
    found = listed_titles(client, cast, "分层作业")
    assert sorted(found) == sorted(["七年级分层作业设计的思考", "课堂观察记录"])
    assert listed_titles(client, cast, "观察") == ["课堂观察记录"]
    assert listed_titles(client, cast, "不存在的词") == []
    assert len(listed_titles(client, cast, "")) == 3


def test_search_does_not_find_the_text_of_deleted_posts(client, cast):
    login(client, cast.master)
    thread_id = start(client, cast, "复习安排", "复习计划")
    post_id = reply_ok(client, cast, thread_id, "这里有一个独特的删除内容请注意")
    assert listed_titles(client, cast, "独特的删除") == ["复习安排"]
    assert delete(client, cast, thread_id, post_id).status_code == 302
    assert listed_titles(client, cast, "独特的删除") == []


def test_search_treats_percent_and_underscore_literally(client, cast):
    login(client, cast.master)
    start(client, cast, "作业完成率100%的经验", "正文")
    start(client, cast, "变量x_1的讨论", "正文")
    start(client, cast, "变量xa1的讨论", "正文")
    start(client, cast, "普通帖子", "正文")
    assert listed_titles(client, cast, "%") == ["作业完成率100%的经验"]
    assert listed_titles(client, cast, "0%的") == ["作业完成率100%的经验"]
    assert listed_titles(client, cast, "_") == ["变量x_1的讨论"]
    assert listed_titles(client, cast, "x_1") == ["变量x_1的讨论"]
    assert listed_titles(client, cast, "\\") == []


# --- threads about a lesson case ----------------------------------------------------------------
def test_a_thread_about_a_draft_case_is_seen_only_by_who_sees_the_case(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="draft", title="行程问题课例")
    db.session.commit()
    about = f"{threads_url(cast)}/about/case/{case.id}"

    login(client, cast.new_teacher)
    response = client.get(about)
    assert response.status_code == 302 and "/threads/new" in response.headers["Location"]
    form = text(client.get(response.headers["Location"]))
    assert "行程问题课例" in form
    thread_id = start(client, cast, "课例讨论：行程问题", "草稿阶段的想法：线段图很关键",
                      subject_type="case", subject_id=str(case.id))
    thread = db.session.get(Thread, thread_id)
    assert (thread.subject_type, thread.subject_id) == ("case", case.id)
    response = client.get(about)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/threads/{thread_id}")
    assert "课例讨论：行程问题" in listed_titles(client, cast)

    for role in ("master", "backbone", "admin"):
        login(client, getattr(cast, role))
        assert client.get(about).status_code == 403, role
        assert client.get(f"{threads_url(cast)}/{thread_id}").status_code == 403, role
        assert reply(client, cast, thread_id, "偷看").status_code == 403, role
        assert "课例讨论：行程问题" not in listed_titles(client, cast), role
        assert listed_titles(client, cast, "线段图") == [], role
        assert listed_titles(client, cast, "行程问题") == [], role

    # Once the case is approved, every member sees the case and its discussion.
    case.state = "approved"
    db.session.commit()
    login(client, cast.backbone)
    assert client.get(about).status_code == 302
    assert "草稿阶段的想法" in show(client, cast, thread_id)
    assert listed_titles(client, cast, "线段图") == ["课例讨论：行程问题"]


def test_a_thread_cannot_be_started_about_a_case_one_cannot_see(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="draft")
    db.session.commit()
    login(client, cast.master)
    response = client.post(f"{threads_url(cast)}/new", data={
        "title": "偷偷讨论", "body": "内容", "subject_type": "case", "subject_id": str(case.id)})
    assert response.status_code == 403
    assert count(Thread) == 0


# --- access -------------------------------------------------------------------------------------
def test_an_outsider_is_refused_everywhere(client, cast):
    case = make_case(cast.studio, cast.new_teacher, state="approved")
    login(client, cast.master)
    thread_id = start(client, cast, "内部讨论", "只给成员看")
    post_id = first_post_id(thread_id)
    db.session.commit()
    base = threads_url(cast)
    login(client, cast.outsider)
    requests = [
        ("get", base, None), ("get", f"{base}?q=内部", None), ("get", f"{base}/new", None),
        ("post", f"{base}/new", {"title": "闯入", "body": "闯入"}),
        ("get", f"{base}/{thread_id}", None),
        ("post", f"{base}/{thread_id}/reply", {"body": "闯入"}),
        ("get", f"{base}/{thread_id}/posts/{post_id}/edit", None),
        ("post", f"{base}/{thread_id}/posts/{post_id}/edit", {"body": "闯入"}),
        ("post", f"{base}/{thread_id}/posts/{post_id}/delete", {"reason": "闯入"}),
        ("get", f"{base}/about/case/{case.id}", None),
    ]
    before = (count(Thread), count(Post))
    for method, url, data in requests:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "只给成员看" not in text(response)
    assert (count(Thread), count(Post)) == before
    assert db.session.get(Post, post_id).deleted_at is None


# --- refused posts ------------------------------------------------------------------------------
@pytest.mark.parametrize("title, body", [
    ("标题", ""), ("标题", "   \n  "), ("", "正文"), ("标题", "长" * 50001), ("长" * 201, "正文"),
])
def test_an_empty_or_too_long_thread_is_refused_and_nothing_saved(client, cast, title, body):
    login(client, cast.new_teacher)
    response = client.post(f"{threads_url(cast)}/new", data={"title": title, "body": body})
    assert response.status_code == 400
    assert count(Thread) == 0 and count(Post) == 0


@pytest.mark.parametrize("body", ["", "  \n\t ", "长" * 50001])
def test_an_empty_or_too_long_reply_is_refused_and_nothing_saved(client, cast, body):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "讨论", "第一帖")
    response = reply(client, cast, thread_id, body)
    assert response.status_code == 400
    assert count(Post) == 1
    assert db.session.get(Thread, thread_id).post_count == 1


def test_a_reply_of_exactly_the_maximum_length_is_accepted(client, cast):
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "讨论", "第一帖")
    reply_ok(client, cast, thread_id, "长" * 50000)
    assert count(Post) == 2


def test_a_mention_in_a_thread_about_a_case_tells_only_who_may_see_the_case(client, cast):
    """A draft is its author's alone: mentioning the mentor in its thread tells nobody (the
    notification would name a case they cannot open); once handed in, the mentor is told."""
    case = make_case(cast.studio, cast.new_teacher, state="draft", title="草稿里的行程问题")
    db.session.commit()
    login(client, cast.new_teacher)
    thread_id = start(client, cast, "课例讨论：草稿", "@backbone @master 请帮我看看设计",
                      subject_type="case", subject_id=str(case.id))
    mentioned = select(Notification.user_id).where(Notification.kind == "mentioned")
    assert db.session.execute(mentioned).scalars().all() == []
    case.state, case.reviewer_id = "submitted", cast.backbone.id
    db.session.commit()
    response = client.post(f"{threads_url(cast)}/{thread_id}/reply",
                           data={"body": "已提交，@backbone 请评课"})
    assert response.status_code == 302
    assert db.session.execute(mentioned).scalars().all() == [cast.backbone.id]
