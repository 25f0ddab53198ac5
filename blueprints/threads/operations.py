"""Reflection-thread operations: start, reply, quote, edit, delete, mentions, read markers."""
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.notifications.operations import notify
from models import Membership, User
from models.audit import record
from models.base import utcnow
from models.thread import Post, Thread, ThreadRead
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import MENTION, mentioned_ids, render_markdown

MAX_BODY = 50000
MAX_SUGGESTIONS = 8


def _check_body(body):
    body = (body or "").strip()
    if not body:
        raise RuleError(_l("The post is empty."), field="body")
    if len(body) > MAX_BODY:
        raise RuleError(_l("A post has at most %(n)s characters.", n=MAX_BODY), field="body")
    return body


def _active_members(studio):
    return (select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.studio_id == studio.id, Membership.active.is_(True),
                   User.active.is_(True)))


def _mentioned(studio, body):
    """The active members of the studio named by an ``@username`` in ``body``."""
    names = {m.rstrip(".") for m in MENTION.findall(body)}
    if not names:
        return []
    return db.session.execute(_active_members(studio).where(User.username.in_(names))
                              ).scalars().all()


def mentioned_members(studio, body, author):
    """Whom a post mentions (its author aside): they are notified."""
    return [u for u in _mentioned(studio, body) if u.id != author.id]


def _who_may_read(thread, users):
    """A mention notifies only those who may open the thread: a thread about a case or task
    follows its subject (``Thread.can_view``), so a member who cannot see the case is not
    told its title."""
    return [u for u in users if thread.can_view(u)]


def render_post(studio, body):
    """A post's stored HTML, its mentions of members marked (``studio.markup``)."""
    return render_markdown(body, {u.username: u.id for u in _mentioned(studio, body)})


def mention_labels(studio, htmls):
    """{user id: display name} for the mentions in ``htmls``, in two queries: the name, and
    the school beside it when another active member of the studio has the same name."""
    ids = set().union(*(mentioned_ids(h) for h in htmls)) if htmls else set()
    if not ids:
        return {}
    users = db.session.execute(select(User).where(User.id.in_(ids))).scalars().all()
    shared = set(db.session.execute(
        _active_members(studio).with_only_columns(User.name)
        .where(User.name.in_({u.name for u in users}))
        .group_by(User.name).having(func.count() > 1)).scalars())
    return {u.id: _("%(name)s (%(school)s)", name=u.name, school=u.school)
            if u.name in shared and u.school else u.name for u in users}


def suggest_members(studio, user, prefix):
    """Active members (``user`` aside) whose name or username starts with ``prefix``, for
    the ``@`` suggestions: at most ``MAX_SUGGESTIONS``, by name."""
    prefix = (prefix or "").strip()[:64]
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    stmt = (_active_members(studio).add_columns(Membership.role)
            .where(User.id != user.id)
            .where(User.name.ilike(like, escape="\\") | User.username.ilike(like, escape="\\"))
            .order_by(User.name, User.school, User.id).limit(MAX_SUGGESTIONS))
    return db.session.execute(stmt).all()


def start_thread(studio, author, title, body, subject_type="studio", subject_id=None):
    title = (title or "").strip()
    if not title:
        raise RuleError(_l("Please enter a title."), field="title")
    if len(title) > 200:
        raise RuleError(_l("A title has at most 200 characters."), field="title")
    thread = Thread(studio=studio, author_id=author.id, title=title, subject_type=subject_type,
                    subject_id=subject_id)
    db.session.add(thread)
    db.session.flush()
    add_post(thread, author, body)
    record("thread_started", actor=author, studio=studio, target=thread)
    return thread


def add_post(thread, author, body, quoted=None):
    body = _check_body(body)
    if quoted is not None and quoted.thread_id != thread.id:
        raise RuleError(_l("You can only quote a post of this thread."), field="quoted_post_id")
    post = Post(thread_id=thread.id, author_id=author.id, body=body,
                body_html=render_post(thread.studio, body), quoted_post_id=getattr(quoted, "id", None))
    db.session.add(post)
    thread.post_count = (thread.post_count or 0) + 1
    thread.last_post_at = utcnow()
    db.session.flush()
    mark_read(thread, author, post.id)
    notify(_who_may_read(thread, mentioned_members(thread.studio, body, author)), "mentioned",
           thread, actor=author,
           anchor=f"p{post.id}")
    return post


def edit_post(post, user, body):
    if not post.can_edit(user):
        raise RuleError(_l("Only the author edits a post."))
    body = _check_body(body)
    before = {u.id for u in mentioned_members(post.thread.studio, post.body, user)}
    post.body, post.body_html = body, render_post(post.thread.studio, body)
    post.edited_at, post.edited_by_id = utcnow(), user.id
    newly = [u for u in mentioned_members(post.thread.studio, body, user) if u.id not in before]
    notify(_who_may_read(post.thread, newly), "mentioned", post.thread, actor=user,
           anchor=f"p{post.id}")


def delete_post(post, user, reason):
    if not post.can_delete(user):
        raise RuleError(_l("Only the author or a moderator deletes a post."))
    reason = (reason or "").strip()
    if user.id != post.author_id and not reason:
        raise RuleError(_l("Please give the reason for deleting someone else's post."),
                        field="reason")
    post.deleted_at, post.deleted_by_id, post.delete_reason = utcnow(), user.id, reason[:500]
    record("post_deleted", actor=user, studio=post.thread.studio, target=post, detail=reason)


def mark_read(thread, user, post_id):
    marker = db.session.execute(select(ThreadRead).where(
        ThreadRead.thread_id == thread.id, ThreadRead.user_id == user.id)).scalar_one_or_none()
    if marker is None:
        db.session.add(ThreadRead(thread_id=thread.id, user_id=user.id, last_read_post_id=post_id))
    elif post_id > marker.last_read_post_id:
        marker.last_read_post_id = post_id


def last_read(thread, user):
    return db.session.execute(select(ThreadRead.last_read_post_id).where(
        ThreadRead.thread_id == thread.id, ThreadRead.user_id == user.id)).scalar() or 0
