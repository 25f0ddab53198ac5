"""Reflection-thread operations: start, reply, quote, edit, delete, mentions, read markers."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.notifications.operations import notify
from models import Membership, User
from models.audit import record
from models.base import utcnow
from models.thread import Post, Thread, ThreadRead
from studio.errors import RuleError
from studio.extensions import db
from studio.markup import render_markdown

MENTION = re.compile(r"(?<![A-Za-z0-9_.\-])@([A-Za-z0-9_.\-]{3,64})")
MAX_BODY = 50000


def _check_body(body):
    body = (body or "").strip()
    if not body:
        raise RuleError(_l("The post is empty."), field="body")
    if len(body) > MAX_BODY:
        raise RuleError(_l("A post has at most %(n)s characters.", n=MAX_BODY), field="body")
    return body


def mentioned_members(studio, body, author):
    names = {m.rstrip(".") for m in MENTION.findall(body)}
    if not names:
        return []
    return db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.studio_id == studio.id, Membership.active.is_(True),
               User.username.in_(names), User.id != author.id)).scalars().all()


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
                body_html=render_markdown(body), quoted_post_id=getattr(quoted, "id", None))
    db.session.add(post)
    thread.post_count = (thread.post_count or 0) + 1
    thread.last_post_at = utcnow()
    db.session.flush()
    mark_read(thread, author, post.id)
    notify(mentioned_members(thread.studio, body, author), "mentioned", thread, actor=author,
           anchor=f"p{post.id}")
    return post


def edit_post(post, user, body):
    if not post.can_edit(user):
        raise RuleError(_l("Only the author edits a post."))
    body = _check_body(body)
    before = {u.id for u in mentioned_members(post.thread.studio, post.body, user)}
    post.body, post.body_html = body, render_markdown(body)
    post.edited_at, post.edited_by_id = utcnow(), user.id
    newly = [u for u in mentioned_members(post.thread.studio, body, user) if u.id not in before]
    notify(newly, "mentioned", post.thread, actor=user, anchor=f"p{post.id}")


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
