"""online attendance by presence, and the activity record (活动纪要) with photos

Each socket's stay in an online activity's live room is a presence interval; an activity
gets ``presence_share`` (percent of its duration a member must be present, default 80). The
record of an activity is versioned (``activity_records``, one row per save) with photos
(``activity_photos``, stored files).

Revision ID: 7b3e9c1d2a40
Revises: 7c3e9a1b5d20
Create Date: 2026-12-02 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7b3e9c1d2a40'
down_revision = '7c3e9a1b5d20'
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


    op.create_table('activity_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'number', name='uq_activity_record_number')
    )
    op.create_index('ix_activity_records_activity_id', 'activity_records', ['activity_id'])
    op.create_table('activity_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_activity_photos_activity_id', 'activity_photos', ['activity_id'])


def downgrade():
    op.drop_index('ix_activity_photos_activity_id', table_name='activity_photos')
    op.drop_table('activity_photos')
    op.drop_index('ix_activity_records_activity_id', table_name='activity_records')
    op.drop_table('activity_records')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_activities_presence_share_range'), type_='check')
        batch_op.drop_column('presence_share')
    with op.batch_alter_table('presence_intervals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_intervals_sid'))
        batch_op.drop_index('ix_presence_activity_user')
    op.drop_table('presence_intervals')
