"""The public showcase list: filters by subject, school stage and region (a region and
everything below it), paged; a constant number of statements whatever the number of entries."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.case import LessonCase
from models.region import Region
from models.showcase import ShowcaseEntry
from models.studio import Studio
from studio.extensions import db
from studio.inputs import parse_id, parse_page
from studio.labels import STAGE_LABELS
from studio.listing import paginate_query

PER_PAGE = 12


@dataclass
class Filters:
    subject: str = ""
    stage: str = ""
    region: Region = None

    def params(self):
        values = {"subject": self.subject, "stage": self.stage,
                  "region": self.region.id if self.region is not None else ""}
        return {k: v for k, v in values.items() if v}


def filters_from(args):
    """What the visitor chose; anything unknown (a stage we do not have, a region id that is
    not a number or not a region) is left out rather than refused."""
    region_id = parse_id(args.get("region"))
    region = db.session.get(Region, region_id) if region_id else None
    stage = args.get("stage", "")
    return Filters(subject=args.get("subject", "")[:64],
                   stage=stage if stage in STAGE_LABELS else "", region=region)


def _filtered(flt):
    stmt = (ShowcaseEntry.public().join(ShowcaseEntry.case).join(ShowcaseEntry.studio)
            .options(joinedload(ShowcaseEntry.studio).selectinload(Studio.region_node)))
    if flt.subject:
        stmt = stmt.where(LessonCase.subject == flt.subject)
    if flt.stage:
        stmt = stmt.where(Studio.school_stage == flt.stage)
    if flt.region is not None:
        stmt = stmt.where(Studio.region_id.in_(flt.region.subtree_ids()))
    return stmt.order_by(ShowcaseEntry.published_at.desc(), ShowcaseEntry.id.desc())


def public_page(flt, page):
    return paginate_query(db.session, _filtered(flt), parse_page(page), flt.params(),
                          per_page=PER_PAGE)


def subject_choices():
    """The subjects of the published cases."""
    stmt = (select(LessonCase.subject).distinct()
            .join(ShowcaseEntry, ShowcaseEntry.case_id == LessonCase.id)
            .where(ShowcaseEntry.state == "published", LessonCase.subject != "")
            .order_by(LessonCase.subject))
    return db.session.execute(stmt).scalars().all()


def region_choices():
    """The regions holding a published case, with every region above them (a province lists
    before its cities): two statements."""
    paths = db.session.execute(
        select(Region.path).distinct().join(Studio, Studio.region_id == Region.id)
        .join(ShowcaseEntry, ShowcaseEntry.studio_id == Studio.id)
        .where(ShowcaseEntry.state == "published")).scalars().all()
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    if not ids:
        return []
    return db.session.execute(select(Region).where(Region.id.in_(ids))
                              .order_by(Region.path)).scalars().all()
