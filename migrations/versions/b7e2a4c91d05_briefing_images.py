"""briefing images: pictures uploaded into a work briefing (工作简报)

Revision ID: b7e2a4c91d05
Revises: 1d6329a161c0
Create Date: 2026-12-02 05:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2a4c91d05'
down_revision = '1d6329a161c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('briefing_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('briefing_id', 'number', name='uq_briefing_image_number')
    )
    with op.batch_alter_table('briefing_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefing_images_briefing_id'), ['briefing_id'], unique=False)


def downgrade():
    with op.batch_alter_table('briefing_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefing_images_briefing_id'))
    op.drop_table('briefing_images')
