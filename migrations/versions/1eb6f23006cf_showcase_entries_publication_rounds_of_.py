"""showcase entries: publication rounds of recommended cases (优秀课例展示)

One row per round: requested -> consented/declined -> published -> withdrawn/unpublished;
at most one live round per case (a partial unique index).

Revision ID: 1eb6f23006cf
Revises: 2797c2136afa
Create Date: 2026-12-02 05:31:16.185647

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1eb6f23006cf'
down_revision = '2797c2136afa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('showcase_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('unpublished_at', sa.DateTime(), nullable=True),
    sa.Column('unpublished_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint("state IN ('requested', 'declined', 'consented', 'published', 'withdrawn', 'unpublished')", name=op.f('ck_showcase_entries_showcase_state_known')),
    sa.ForeignKeyConstraint(['case_id'], ['lesson_cases.id'], name=op.f('fk_showcase_entries_case_id_lesson_cases')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_showcase_entries_published_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_showcase_entries_requested_by_id_users')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_showcase_entries_studio_id_studios')),
    sa.ForeignKeyConstraint(['unpublished_by_id'], ['users.id'], name=op.f('fk_showcase_entries_unpublished_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['case_versions.id'], name=op.f('fk_showcase_entries_version_id_case_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_entries'))
    )
    with op.batch_alter_table('showcase_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_entries_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_entries_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_showcase_entries_studio_id'), ['studio_id'], unique=False)
        batch_op.create_index('uq_showcase_live_case', ['case_id'], unique=True, sqlite_where=sa.text("state IN ('requested', 'consented', 'published')"), postgresql_where=sa.text("state IN ('requested', 'consented', 'published')"))



def downgrade():
    with op.batch_alter_table('showcase_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_showcase_live_case', sqlite_where=sa.text("state IN ('requested', 'consented', 'published')"), postgresql_where=sa.text("state IN ('requested', 'consented', 'published')"))
        batch_op.drop_index(batch_op.f('ix_showcase_entries_studio_id'))
        batch_op.drop_index(batch_op.f('ix_showcase_entries_state'))
        batch_op.drop_index(batch_op.f('ix_showcase_entries_case_id'))

    op.drop_table('showcase_entries')
