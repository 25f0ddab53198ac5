"""Accounts: people who log in. Studio roles live in ``Membership``."""
import functools
import secrets

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import utcnow
from studio.extensions import db


# Every password hash, real or dummy, is made with the same method and Werkzeug's default
# parameters for it, so every verification costs the same time.
PASSWORD_HASH_METHOD = "scrypt"


def new_session_token():
    return secrets.token_urlsafe(32)


@functools.cache
def _dummy_password_hash():
    """A hash of a random password nobody knows, made once per process."""
    return generate_password_hash(secrets.token_urlsafe(32), method=PASSWORD_HASH_METHOD)


def authenticate(username, password):
    """The user with this username and password (active or not), or None.

    Exactly one scrypt verification runs whether or not the username exists: an unknown
    username is checked against a dummy hash, so the time a login takes does not tell an
    attacker which usernames exist."""
    user = db.session.execute(db.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_password_hash(), password)
        return None
    return user if user.check_password(password) else None


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, unique=True, index=True)
    name = db.Column(db.String(64), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    school = db.Column(db.String(128), nullable=False, default="")
    subject = db.Column(db.String(64), nullable=False, default="")
    phone = db.Column(db.String(32), nullable=False, default="")
    email = db.Column(db.String(128), nullable=False, default="")
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    # An admin with a region is that region's office (教育局): it oversees the studios in the
    # region and below. An admin without one is the platform (province) office.
    region_id = db.Column(db.Integer, db.ForeignKey("regions.id"), nullable=True, index=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    must_change_password = db.Column(db.Boolean, nullable=False, default=False)
    is_demo = db.Column(db.Boolean, nullable=False, default=False)
    locale = db.Column(db.String(8), nullable=True)
    # Flask-Login's alternative id: changes on logout, password change and deactivation, so
    # every copy of an old session cookie stops working at once.
    session_token = db.Column(db.String(64), nullable=False, unique=True, default=new_session_token)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(db.DateTime, nullable=True)

    region = db.relationship("Region", lazy="select")

    memberships = db.relationship(
        "Membership", back_populates="user", lazy="select",
        primaryjoin="and_(User.id == Membership.user_id, Membership.active.is_(True))",
        viewonly=True,
    )

    def __repr__(self):
        return f"<User {self.username}>"

    # Flask-Login
    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    def rotate_session_token(self):
        self.session_token = new_session_token()

    def set_password(self, password):
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    # The office's scope
    def oversees(self, studio):
        """This account is an office (admin) whose scope holds ``studio``: the platform office
        every studio, a region's office the studios in its region and below."""
        if not self.is_admin:
            return False
        if self.region_id is None:
            return True
        return studio.region_node is not None and self.region.contains(studio.region_node)

    @staticmethod
    def active_offices():
        """Every active office account (admin), whatever its region."""
        return db.session.execute(db.select(User).where(
            User.is_admin.is_(True), User.active.is_(True))).scalars().all()

    # Studio roles
    def membership_in(self, studio):
        studio_id = studio if isinstance(studio, int) else studio.id
        for membership in self.memberships:
            if membership.studio_id == studio_id:
                return membership
        return None

    def role_in(self, studio):
        membership = self.membership_in(studio)
        return membership.role if membership else None

    @property
    def studios(self):
        return [m.studio for m in self.memberships]
