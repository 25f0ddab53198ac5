from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_limiter.util import get_remote_address

from blueprints.auth import bp, operations
from blueprints.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from models.user import authenticate
from studio.extensions import db, limiter
from studio.security import safe_next_url


def _failed(response):
    """Only failed attempts count toward the login limits: a successful login costs nothing,
    so teachers who share a school's address, or log in from many devices, never lock each
    other out. The limit is checked before every attempt, so once failures reach it even
    the right password waits."""
    return not g.get("login_succeeded")


def _account_key():
    username = (request.form.get("username") or "").strip().lower()[:64]
    return f"login:{get_remote_address()}:{username}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (400 if request.method == "POST" else 200)
    user = authenticate(form.username.data.strip(), form.password.data)
    if user is None:
        form.password.errors.append(_("Wrong username or password."))
        return render_template("auth/login.html", form=form), 401
    if not user.active:
        form.username.errors.append(_("This account has been deactivated. Please contact "
                                      "your studio's master or the project office."))
        return render_template("auth/login.html", form=form), 403
    login_user(user)
    session.permanent = True
    operations.note_login(user)
    db.session.commit()
    g.login_succeeded = True
    if user.must_change_password:
        flash(_("Welcome! Please replace the initial password with one of your own."), "info")
        return redirect(url_for("auth.change_password"))
    return redirect(safe_next_url(form.next.data) or url_for("main.index"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    operations.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/change_password.html", form=form), status
    user = current_user._get_current_object()
    operations.change_password(user, form.new_password.data)
    db.session.commit()
    login_user(user)  # this browser keeps its session under the new token; others end
    flash(_("Your password has been changed. Other devices have been logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    languages = current_app.config["LANGUAGES"]
    if not form.validate_on_submit() or form.locale.data not in languages:
        abort(400, description=_("This language is not available."))
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(safe_next_url(form.next.data) or url_for("main.index"))
