"""The study-hour register (学时登记): my hours, members' totals, one member's ledger and the
master's manual adjustments. The URLs are the ones the tasks blueprint used to serve."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.hours import bp, export, operations
from blueprints.hours.forms import AdjustHoursForm
from models import User
from models.hours import HourEntry
from models.studio import Roster
from studio.errors import RuleError
from studio.extensions import db
from studio.inputs import parse_id
from studio.labels import all_labels
from studio.listing import (group_choices, member_filter, paginate, role_choices,
                            same_names)
from studio.security import load_studio, require


def _ledger(studio, user):
    return db.session.execute(
        select(HourEntry).where(HourEntry.studio_id == studio.id, HourEntry.user_id == user.id)
        .order_by(HourEntry.created_at.desc(), HourEntry.id.desc())).scalars().all()


def _register(studio, form=None):
    """What the register page shows to the current user; ``form`` is the adjustment form
    being redisplayed, if any (its member choices are set here, before it validates)."""
    role = current_user.role_in(studio)
    totals = operations.totals_by_member(studio)
    roster, members = None, []
    if role in ("master", "backbone") or current_user.oversees(studio):
        roster = Roster(studio)
        members = studio.register_members(current_user, roster)
    listing = _listing(roster, members) if members else None
    if studio.can_adjust_hours(current_user):
        form = form or AdjustHoursForm()
        form.member_id.choices = [(str(u.id), f"{u.name} ({u.username})") for u in members]
    else:
        form = None
    entries = _ledger(studio, current_user) if role else []
    return dict(studio=studio, role=role, entries=entries,
                links=operations.source_links(studio, entries),
                total=totals.get(current_user.id, 0.0), target=studio.hours_target(role),
                totals=totals, members=members, roster=roster, form=form, listing=listing,
                **all_labels())


def _listing(roster, members):
    """The members' totals the viewer sees, filtered and paged (studio/listing.py)."""
    flt = member_filter()
    return dict(flt=flt, page=paginate(flt.apply(members, roster), flt.page, flt.params()),
                groups=group_choices(roster, members), roles=role_choices(roster, members),
                twins=same_names(roster.everyone))


@bp.route("/<int:studio_id>/hours")
@login_required
def index(studio_id):
    """My study hours against the target; the master sees every member's total, a mentor
    their mentees'."""
    studio = load_studio(studio_id)
    return render_template("hours/index.html", **_register(studio))


@bp.route("/<int:studio_id>/hours/<int:user_id>")
@login_required
def member(studio_id, user_id):
    studio = load_studio(studio_id)
    member = db.session.get(User, user_id)
    if member is None or member.role_in(studio) is None:
        abort(404)
    require(studio.can_follow(current_user, member))
    entries = _ledger(studio, member)
    return render_template("hours/member.html", studio=studio, member=member,
                           entries=entries, links=operations.source_links(studio, entries),
                           total=operations.total_hours(studio, member),
                           target=studio.hours_target(member.role_in(studio)), **all_labels())


@bp.route("/<int:studio_id>/hours/adjust", methods=["POST"])
@login_required
def adjust(studio_id):
    """A manual adjustment; a refusal shows the register again with what was typed (400)."""
    studio = load_studio(studio_id, "can_adjust_hours")
    page = _register(studio, AdjustHoursForm())
    form = page["form"]
    if form.validate_on_submit():
        member = db.session.get(User, parse_id(form.member_id.data))  # one of the choices
        try:
            operations.adjust_hours(studio, member, form.amount.data, form.reason.data,
                                    current_user)
            db.session.commit()
            flash(_("The study hours of %(name)s have been adjusted.", name=member.name), "success")
            return redirect(url_for("hours.member", studio_id=studio.id, user_id=member.id))
        except RuleError as error:
            db.session.rollback()
            getattr(form, error.field or "amount").errors.append(str(error.message))
    return render_template("hours/index.html", **page), 400


@bp.route("/<int:studio_id>/hours/export.<any(xlsx, csv):fmt>")
@login_required
def export_register(studio_id, fmt):
    """The studio's register as the authority's table (XLSX or CSV): every member for the
    master and the admin, their mentees for a mentor."""
    studio = load_studio(studio_id, "can_read_register")
    roster = Roster(studio)
    header, rows = export.register_table(studio, studio.register_members(current_user, roster),
                                         roster)
    return export.send_table(fmt, f"{_('Study hours register')}-{studio.name}",
                             _('Study hours register'), header, rows)


@bp.route("/<int:studio_id>/hours/<int:user_id>/export.<any(xlsx, csv):fmt>")
@login_required
def export_member(studio_id, user_id, fmt):
    """One member's record: who may read their ledger page may export it."""
    studio = load_studio(studio_id)
    member = db.session.get(User, user_id)
    if member is None or member.role_in(studio) is None:
        abort(404)
    require(studio.can_follow(current_user, member))
    header, rows = export.member_table(
        studio, member, _ledger(studio, member), operations.total_hours(studio, member),
        studio.hours_target(member.role_in(studio)))
    return export.send_table(fmt, f"{_('Study hours')}-{member.name}-{member.username}",
                             member.name, header, rows)
