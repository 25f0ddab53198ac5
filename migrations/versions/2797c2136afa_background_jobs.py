"""background jobs: the one job queue's table (archive exports now, video processing later)

A row per piece of work: kind, studio, who asked, state, progress, message, result file.

Revision ID: 2797c2136afa
Revises: b7e2a4c91d05
Create Date: 2026-12-02 05:31:27.028738

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2797c2136afa'
down_revision = 'b7e2a4c91d05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('result_file_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_jobs_job_progress_range')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_jobs_requested_by_id_users')),
    sa.ForeignKeyConstraint(['result_file_id'], ['stored_files.id'], name=op.f('fk_jobs_result_file_id_stored_files')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_jobs_studio_id_studios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index('ix_jobs_studio_kind_state', ['studio_id', 'kind', 'state'], unique=False)



def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_studio_kind_state')
        batch_op.drop_index(batch_op.f('ix_jobs_requested_by_id'))

    op.drop_table('jobs')
