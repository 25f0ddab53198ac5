"""calendar feeds: one secret iCalendar address per member and studio (hash stored)

Revision ID: 7c1a2e9f0b3d
Revises: 52e1761771b2
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c1a2e9f0b3d'
down_revision = '52e1761771b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'calendar_feeds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('studio_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_calendar_feeds_studio_id_studios')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
        sa.UniqueConstraint('user_id', 'studio_id', name='uq_calendar_feed_member'),
    )


def downgrade():
    op.drop_table('calendar_feeds')
