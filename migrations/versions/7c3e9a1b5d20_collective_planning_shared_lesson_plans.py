"""collective planning: shared lesson plans, their sections and section versions

Revision ID: 7c3e9a1b5d20
Revises: 7c1a2e9f0b3d
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c3e9a1b5d20'
down_revision = '7c1a2e9f0b3d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shared_lesson_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'],
                            name=op.f('fk_shared_lesson_plans_activity_id_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shared_lesson_plans')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_shared_lesson_plans_activity_id'))
    )
    op.create_table('plan_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('editing_by_id', sa.Integer(), nullable=True),
    sa.Column('editing_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'],
                            name=op.f('fk_plan_sections_assignee_id_users')),
    sa.ForeignKeyConstraint(['editing_by_id'], ['users.id'],
                            name=op.f('fk_plan_sections_editing_by_id_users')),
    sa.ForeignKeyConstraint(['plan_id'], ['shared_lesson_plans.id'],
                            name=op.f('fk_plan_sections_plan_id_shared_lesson_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_sections')),
    sa.UniqueConstraint('plan_id', 'name', name='uq_plan_section_name')
    )
    op.create_table('plan_section_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                            name=op.f('fk_plan_section_versions_author_id_users')),
    sa.ForeignKeyConstraint(['section_id'], ['plan_sections.id'],
                            name=op.f('fk_plan_section_versions_section_id_plan_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_section_versions')),
    sa.UniqueConstraint('section_id', 'number', name='uq_plan_section_version_number')
    )
    with op.batch_alter_table('plan_section_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_section_versions_section_id'), ['section_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('plan_section_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_section_versions_section_id'))
    op.drop_table('plan_section_versions')
    op.drop_table('plan_sections')
    op.drop_table('shared_lesson_plans')
