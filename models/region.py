"""Regions (省 → 市 → 县/区) and the programmes their offices run (项目).

A region's ``path`` is the ids from the root down, e.g. ``/1/4/17/``: the studios "in a region
and below" are those whose region's path starts with the region's path, one indexed LIKE
whatever the depth. An admin account with a region is that region's office and oversees only
the studios in it and below; an admin without a region is the platform (province) office.
"""
from sqlalchemy import select

from models.base import utcnow
from studio.extensions import db

LEVELS = ("province", "city", "county")


class Region(db.Model):
    __tablename__ = "regions"
    __table_args__ = (db.UniqueConstraint("parent_id", "name", name="uq_region_parent_name"),)

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64), nullable=False)
    level = db.Column(db.String(16), nullable=False)
    # 行政区划代码 (e.g. 410105), optional, unique when given: CSV imports match on it
    code = db.Column(db.String(12), nullable=True, unique=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("regions.id"), nullable=True, index=True)
    path = db.Column(db.String(255), nullable=False, default="", index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    parent = db.relationship("Region", remote_side=[id], lazy="joined", join_depth=3)

    def __repr__(self):
        return f"<Region {self.name}>"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        """河南省郑州市金水区: the names from the root down."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def set_path(self):
        """Call after flush (the id is needed) and whenever the parent changes."""
        self.path = (self.parent.path if self.parent is not None else "/") + f"{self.id}/"

    def contains(self, other):
        """``other`` (a Region) is this region or lies below it."""
        return other is not None and other.path.startswith(self.path)

    def subtree_ids(self):
        """A select of the ids of this region and every region below it (for query twins)."""
        return select(Region.id).where(Region.path.startswith(self.path, autoescape=True))


class Programme(db.Model):
    """A programme run by an office (e.g. 河南省中小学名师网络工作室建设项目 2026–2029): the rules
    its studios are assessed and certified by. A studio without a programme follows the
    defaults, which ``Programme.defaults()`` returns unsaved."""
    __tablename__ = "programmes"
    __table_args__ = (
        db.CheckConstraint("excellent_cap IS NULL OR excellent_cap BETWEEN 0 AND 100",
                           name="programme_excellent_cap_range"),
        db.CheckConstraint("standard_case_share BETWEEN 0 AND 100 AND hours_share BETWEEN 0 AND 100"
                           " AND review_coverage_share BETWEEN 0 AND 100",
                           name="programme_shares_range"),
    )

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(128), nullable=False, unique=True)
    # the office that runs it (None: the platform office)
    region_id = db.Column(db.Integer, db.ForeignKey("regions.id"), nullable=True, index=True)
    # the certified name: {master} is the master's name, {region} the studio's region name,
    # {subject} its subject, e.g. "河南省{master}名师工作室"
    certified_name_template = db.Column(db.String(128), nullable=False,
                                        default="河南省{master}名师工作室")
    certificate_prefix = db.Column(db.String(32), nullable=False, default="豫名师")
    # annual assessment: the share (percent) of 优秀 a round may give; None is no cap
    excellent_cap = db.Column(db.Integer, nullable=True)
    # certification readiness thresholds
    briefings_required = db.Column(db.Integer, nullable=False, default=3)
    activities_per_year = db.Column(db.Integer, nullable=False, default=4)
    standard_case_share = db.Column(db.Integer, nullable=False, default=90)   # percent
    hours_share = db.Column(db.Integer, nullable=False, default=90)           # percent
    review_coverage_share = db.Column(db.Integer, nullable=False, default=90)  # percent
    review_days = db.Column(db.Integer, nullable=False, default=7)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    region = db.relationship("Region")

    DEFAULTS = dict(certified_name_template="河南省{master}名师工作室", certificate_prefix="豫名师",
                    excellent_cap=None, briefings_required=3, activities_per_year=4,
                    standard_case_share=90, hours_share=90, review_coverage_share=90,
                    review_days=7)

    @classmethod
    def defaults(cls):
        """The rules of a studio that belongs to no programme (not added to the session)."""
        return cls(name="", **cls.DEFAULTS)

    # --- authorization: the office that runs a programme ----------------------------------
    def can_manage(self, user):
        """The platform office every programme; a region's office the programmes of its
        region and below."""
        if not getattr(user, "is_authenticated", False) or not user.is_admin:
            return False
        if user.region_id is None:
            return True
        return self.region is not None and user.region.contains(self.region)

    @staticmethod
    def managed_by(user):
        """The query twin of ``can_manage``: the programmes ``user`` may see and edit."""
        from sqlalchemy import false
        stmt = select(Programme).order_by(Programme.created_at, Programme.id)
        if not getattr(user, "is_admin", False):
            return stmt.where(false())
        if user.region_id is None:
            return stmt
        return stmt.where(Programme.region_id.in_(user.region.subtree_ids()))
