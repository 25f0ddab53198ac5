"""reminders sent once: the reminders_sent table

``flask send-reminders`` claims (kind, subject_id, user_id, round) here in the transaction
that adds the notification; the unique constraint keeps each reminder to one.

Revision ID: 3225db345995
Revises: 41aa08f51088
Create Date: 2026-12-01 23:38:47.968429

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3225db345995'
down_revision = '41aa08f51088'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('kind', 'subject_id', 'user_id', 'round', name='uq_reminder_sent')
    )


def downgrade():
    op.drop_table('reminders_sent')
