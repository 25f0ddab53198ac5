from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from blueprints.threads import bp, operations
from blueprints.threads.forms import DeletePostForm, PostForm, ThreadForm
from models.thread import Post, Thread, ThreadRead, subject_models
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import optional_id, parse_id
from studio.labels import ROLE_LABELS
from studio.markup import show_mentions
from studio.security import load_object, load_studio


@bp.route("/<int:studio_id>/threads")
@login_required
def index(studio_id):
    """Threads by latest activity, with unread markers; ``q`` searches titles and posts by
    substring, which works for Chinese (no word splitting)."""
    studio = load_studio(studio_id)
    stmt = Thread.visible_to(studio, current_user)
    query = (request.args.get("q") or "").strip()[:100]
    if query:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        in_posts = select(Post.thread_id).where(Post.body.ilike(like, escape="\\"),
                                                Post.deleted_at.is_(None))
        stmt = stmt.where(or_(Thread.title.ilike(like, escape="\\"), Thread.id.in_(in_posts)))
    threads = db.session.execute(stmt.order_by(Thread.last_post_at.desc()).limit(200)).scalars().all()
    ids = [t.id for t in threads]
    read = dict(db.session.execute(select(ThreadRead.thread_id, ThreadRead.last_read_post_id)
                                   .where(ThreadRead.user_id == current_user.id,
                                          ThreadRead.thread_id.in_(ids))).all())
    newest = dict(db.session.execute(select(Post.thread_id, func.max(Post.id))
                                     .where(Post.thread_id.in_(ids)).group_by(Post.thread_id)).all())
    unread = {tid for tid in ids if newest.get(tid, 0) > read.get(tid, 0)}
    # A thread read before opens at its first new post; one never opened, at the top.
    resume = {tid for tid in unread if read.get(tid)}
    return render_template("threads/index.html", studio=studio, threads=threads, unread=unread,
                           resume=resume, query=query)


def _subject(studio, subject_type, subject_id):
    """Check a thread's subject (a case or task of this studio that the user may see)."""
    if subject_type in (None, "", "studio"):
        return "studio", None, None
    subject_id = parse_id(subject_id)
    if subject_id is None:
        abort(400)
    model = subject_models().get(subject_type)
    if model is None:
        abort(400)
    subject = load_object(model, subject_id, studio_id=studio.id)
    return subject_type, subject.id, subject


@bp.route("/<int:studio_id>/threads/new", methods=["GET", "POST"])
@login_required
def new(studio_id):
    studio = load_studio(studio_id, "can_take_part")
    form = ThreadForm()
    if request.method == "GET":
        form.subject_type.data = request.args.get("subject_type", "studio")
        form.subject_id.data = request.args.get("subject_id", "")
    subject_type, subject_id, subject = _subject(studio, form.subject_type.data,
                                                 form.subject_id.data)
    if request.method == "GET" and subject is not None:
        form.title.data = _("Discussion: %(t)s", t=subject.title)
    if form.validate_on_submit():
        try:
            thread = operations.start_thread(studio, current_user, form.title.data,
                                             form.body.data, subject_type, subject_id)
            db.session.commit()
            return redirect(url_for("threads.show", studio_id=studio.id, thread_id=thread.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "body").errors.append(str(error.message))
    return render_template("threads/new.html", studio=studio, form=form, subject=subject), \
        (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/threads/about/<subject_type>/<int:subject_id>")
@login_required
def about(studio_id, subject_type, subject_id):
    """The discussion of a case or task: its thread, or a form to start it."""
    studio = load_studio(studio_id)
    subject_type, subject_id, _subject_obj = _subject(studio, subject_type, subject_id)
    thread = db.session.execute(select(Thread).where(
        Thread.studio_id == studio.id, Thread.subject_type == subject_type,
        Thread.subject_id == subject_id).order_by(Thread.id)).scalars().first()
    if thread is not None:
        return redirect(url_for("threads.show", studio_id=studio.id, thread_id=thread.id))
    return redirect(url_for("threads.new", studio_id=studio.id, subject_type=subject_type,
                            subject_id=subject_id))


@bp.route("/<int:studio_id>/threads/<int:thread_id>")
@login_required
def show(studio_id, thread_id):
    studio = load_studio(studio_id)
    thread = load_object(Thread, thread_id, studio_id=studio.id)
    return _thread_page(studio, thread, PostForm(), mark_read=True)


def _thread_page(studio, thread, form, mark_read=False, status=200):
    """The thread; a refused reply comes back here with what was typed."""
    last_read = operations.last_read(thread, current_user)
    if mark_read and studio.can_take_part(current_user):
        newest = db.session.execute(
            select(func.max(Post.id)).where(Post.thread_id == thread.id)).scalar()
        if newest:
            operations.mark_read(thread, current_user, newest)
            db.session.commit()   # before loading the posts: a commit expires what is loaded
    posts = db.session.execute(select(Post).where(Post.thread_id == thread.id)
                               .order_by(Post.id)).scalars().all()
    first_unread = next((p.id for p in posts if p.id > last_read), None)
    labels = operations.mention_labels(
        studio, [p.body_html for p in posts] + [p.quoted.body_html for p in posts if p.quoted])
    return render_template("threads/show.html", studio=studio, thread=thread, posts=posts,
                           first_unread=first_unread if last_read else None,
                           show_mentions=show_mentions, mention_labels=labels,
                           form=form, delete_form=DeletePostForm()), status


@bp.route("/<int:studio_id>/threads/mentions")
@login_required
def mentions(studio_id):
    """JSON for the ``@`` suggestions of the post forms: active members whose name or
    username starts with ``q``, with school and role, for those who may post."""
    studio = load_studio(studio_id, "can_take_part")
    rows = operations.suggest_members(studio, current_user, request.args.get("q", ""))
    return jsonify(members=[{"username": u.username, "name": u.name, "school": u.school,
                             "role": str(ROLE_LABELS[role])} for u, role in rows])


@bp.route("/<int:studio_id>/threads/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(studio_id, thread_id):
    studio = load_studio(studio_id)
    thread = load_object(Thread, thread_id, "can_post", studio_id=studio.id)
    form = PostForm()
    quoted = None
    quoted_id = optional_id(form.quoted_post_id.data)
    if quoted_id is not None:
        quoted = db.session.get(Post, quoted_id)
    try:
        if not form.validate_on_submit():
            raise RuleError(next((e for f in form for e in f.errors), _("The post is empty.")),
                            field="body")
        post = operations.add_post(thread, current_user, form.body.data, quoted)
        db.session.commit()
    except RuleError as error:  # the reply comes back with what was typed
        db.session.rollback()
        form.body.errors = [str(error.message)]
        return _thread_page(studio, thread, form, status=400 if error.field else 409)
    return redirect(url_for("threads.show", studio_id=studio.id, thread_id=thread.id) + f"#p{post.id}")


@bp.route("/<int:studio_id>/threads/<int:thread_id>/posts/<int:post_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit(studio_id, thread_id, post_id):
    studio = load_studio(studio_id)
    thread = load_object(Thread, thread_id, studio_id=studio.id)
    post = load_object(Post, post_id, "can_edit", thread_id=thread.id)
    form = PostForm(obj=post)
    if form.validate_on_submit():
        try:
            operations.edit_post(post, current_user, form.body.data)
            db.session.commit()
            flash(_("Your post has been changed; readers see that it was edited."), "success")
            return redirect(url_for("threads.show", studio_id=studio.id, thread_id=thread.id)
                            + f"#p{post.id}")
        except RuleError as error:
            db.session.rollback()
            form.body.errors.append(str(error.message))
    return render_template("threads/edit.html", studio=studio, thread=thread, post=post,
                           form=form), (400 if request.method == "POST" else 200)


@bp.route("/<int:studio_id>/threads/<int:thread_id>/posts/<int:post_id>/delete",
          methods=["POST"])
@login_required
def delete(studio_id, thread_id, post_id):
    studio = load_studio(studio_id)
    thread = load_object(Thread, thread_id, studio_id=studio.id)
    post = load_object(Post, post_id, "can_delete", thread_id=thread.id)
    form = DeletePostForm()
    if not form.validate_on_submit():
        raise RuleError(_("The reason is too long."), field="reason")
    operations.delete_post(post, current_user, form.reason.data)
    db.session.commit()
    flash(_("The post has been deleted."), "success")
    return redirect(url_for("threads.show", studio_id=studio.id, thread_id=thread.id))
