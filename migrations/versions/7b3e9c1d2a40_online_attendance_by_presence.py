"""online attendance by presence: presence intervals, the share of the duration per activity

Each socket's stay in an online activity's live room is a presence interval; an activity
gets ``presence_share`` (percent of its duration a member must be present, default 80).

Revision ID: 7b3e9c1d2a40
Revises: 52e1761771b2
Create Date: 2026-12-02 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7b3e9c1d2a40'
down_revision = '52e1761771b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('presence_intervals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sid', sa.String(length=64), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('presence_intervals', schema=None) as batch_op:
        batch_op.create_index('ix_presence_activity_user', ['activity_id', 'user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_presence_intervals_sid'), ['sid'], unique=False)
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('presence_share', sa.Integer(), nullable=False,
                                      server_default='80'))
        batch_op.create_check_constraint(batch_op.f('ck_activities_presence_share_range'),
                                         'presence_share BETWEEN 1 AND 100')


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_activities_presence_share_range'), type_='check')
        batch_op.drop_column('presence_share')
    with op.batch_alter_table('presence_intervals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_intervals_sid'))
        batch_op.drop_index('ix_presence_activity_user')
    op.drop_table('presence_intervals')
