"""the studio's region becomes a region of the tree: studios.region (a string) is parsed into
regions (河南省郑州市 → 河南省 › 郑州市) and replaced by studios.region_id

An unparsable string becomes a province-level region of that name; an empty one leaves the
studio without a region. Downgrade writes the region's full name back into the string.

Revision ID: 5e0a7c2b9d14
Revises: 1eb6f23006cf
Create Date: 2026-12-02 05:40:00

"""
import re
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0a7c2b9d14'
down_revision = '1eb6f23006cf'
branch_labels = None
depends_on = None

PARTS = re.compile(r"^(?P<province>.+?(?:省|自治区|特别行政区))"
                   r"(?P<city>.+?(?:自治州|市|盟|地区))?"
                   r"(?P<county>.+?(?:区|县|市|旗))?$")
LEVELS = ("province", "city", "county")

regions = sa.table("regions", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("level", sa.String), sa.column("parent_id", sa.Integer),
                   sa.column("path", sa.String), sa.column("created_at", sa.DateTime))
studios = sa.table("studios", sa.column("id", sa.Integer), sa.column("region", sa.String),
                   sa.column("region_id", sa.Integer))


def split(text):
    """河南省郑州市金水区 → [河南省, 郑州市, 金水区]; unparsable → [text] (a province)."""
    text = "".join(text.split())
    match = PARTS.match(text)
    if match is None:
        return [text[:64]]
    return [part[:64] for part in match.groups() if part]


def ensure(conn, name, level, parent):
    """The id of the region ``name`` under ``parent`` (id, path), made if missing."""
    parent_id, parent_path = parent if parent else (None, "/")
    where = sa.and_(regions.c.name == name, regions.c.parent_id.is_(None) if parent_id is None
                    else regions.c.parent_id == parent_id)
    row = conn.execute(sa.select(regions.c.id, regions.c.path).where(where)).first()
    if row is not None:
        return row[0], row[1]
    conn.execute(regions.insert().values(name=name, level=level, parent_id=parent_id, path="",
                                         created_at=datetime.now(timezone.utc)
                                         .replace(tzinfo=None)))
    new_id = conn.execute(sa.select(regions.c.id).where(where)).scalar_one()
    path = f"{parent_path}{new_id}/"
    conn.execute(regions.update().where(regions.c.id == new_id).values(path=path))
    return new_id, path


def upgrade():
    conn = op.get_bind()
    for studio_id, text in conn.execute(sa.select(studios.c.id, studios.c.region)).all():
        if not (text or "").strip():
            continue
        node = None
        for level, name in zip(LEVELS, split(text)):
            node = ensure(conn, name, level, node)
        conn.execute(studios.update().where(studios.c.id == studio_id)
                     .values(region_id=node[0]))
    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.drop_column('region')


def downgrade():
    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=128), nullable=False,
                                      server_default=''))
    conn = op.get_bind()
    names = {i: (name, parent) for i, name, parent in conn.execute(
        sa.select(regions.c.id, regions.c.name, regions.c.parent_id)).all()}

    def full_name(region_id):
        parts = []
        while region_id is not None:
            name, region_id = names[region_id]
            parts.append(name)
        return "".join(reversed(parts))[:128]
    for studio_id, region_id in conn.execute(
            sa.select(studios.c.id, studios.c.region_id)
            .where(studios.c.region_id.isnot(None))).all():
        conn.execute(studios.update().where(studios.c.id == studio_id)
                     .values(region=full_name(region_id)))
    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.alter_column('region', server_default=None)
