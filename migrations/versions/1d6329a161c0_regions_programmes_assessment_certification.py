"""regions, programmes, briefings, annual assessment, certification (the tables issue 10 builds on)

Regions form a tree with a materialized ``path``; a studio and an office (admin) account may
belong to one. A programme holds the rules its studios are assessed and certified by.

Revision ID: 1d6329a161c0
Revises: 7b3e9c1d2a40
Create Date: 2026-12-02 05:24:36.680638

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1d6329a161c0'
down_revision = '7b3e9c1d2a40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['regions.id'], name=op.f('fk_regions_parent_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('code', name=op.f('uq_regions_code')),
    sa.UniqueConstraint('parent_id', 'name', name='uq_region_parent_name')
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_regions_path'), ['path'], unique=False)

    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('certified_name_template', sa.String(length=128), nullable=False),
    sa.Column('certificate_prefix', sa.String(length=32), nullable=False),
    sa.Column('excellent_cap', sa.Integer(), nullable=True),
    sa.Column('briefings_required', sa.Integer(), nullable=False),
    sa.Column('activities_per_year', sa.Integer(), nullable=False),
    sa.Column('standard_case_share', sa.Integer(), nullable=False),
    sa.Column('hours_share', sa.Integer(), nullable=False),
    sa.Column('review_coverage_share', sa.Integer(), nullable=False),
    sa.Column('review_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('excellent_cap IS NULL OR excellent_cap BETWEEN 0 AND 100', name=op.f('ck_programmes_programme_excellent_cap_range')),
    sa.CheckConstraint('standard_case_share BETWEEN 0 AND 100 AND hours_share BETWEEN 0 AND 100 AND review_coverage_share BETWEEN 0 AND 100', name=op.f('ck_programmes_programme_shares_range')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_programmes_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('name', name=op.f('uq_programmes_name'))
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programmes_region_id'), ['region_id'], unique=False)

    op.create_table('assessment_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_assessment_rounds_opened_by_id_users')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_assessment_rounds_studio_id_studios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_rounds')),
    sa.UniqueConstraint('studio_id', 'year', name='uq_assessment_round_year')
    )
    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_rounds_studio_id'), ['studio_id'], unique=False)

    op.create_table('briefings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_briefings_author_id_users')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_briefings_studio_id_studios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefings')),
    sa.UniqueConstraint('studio_id', 'number', name='uq_briefing_studio_number')
    )
    with op.batch_alter_table('briefings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefings_studio_id'), ['studio_id'], unique=False)

    op.create_table('certifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('report_html', sa.Text(), nullable=False),
    sa.Column('readiness', sa.JSON(), nullable=True),
    sa.Column('applied_by_id', sa.Integer(), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('certified_name', sa.String(length=128), nullable=True),
    sa.Column('certificate_number', sa.String(length=64), nullable=True),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_certifications_applied_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_certifications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_certifications_studio_id_studios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certifications')),
    sa.UniqueConstraint('certificate_number', name='uq_certification_number'),
    sa.UniqueConstraint('studio_id', 'round_no', name='uq_certification_round')
    )
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certifications_studio_id'), ['studio_id'], unique=False)

    op.create_table('annual_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('self_evaluation', sa.Text(), nullable=False),
    sa.Column('self_evaluated_at', sa.DateTime(), nullable=True),
    sa.Column('proposed_grade', sa.String(length=24), nullable=True),
    sa.Column('proposal_reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=True),
    sa.Column('grade', sa.String(length=24), nullable=True),
    sa.Column('grade_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_annual_assessments_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_annual_assessments_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_rounds.id'], name=op.f('fk_annual_assessments_round_id_assessment_rounds')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_annual_assessments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_assessments')),
    sa.UniqueConstraint('round_id', 'user_id', name='uq_assessment_round_user')
    )
    with op.batch_alter_table('annual_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_assessments_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_assessments_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_studios_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_studios_region_id'), ['region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_studios_programme_id_programmes'), 'programmes', ['programme_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_studios_region_id_regions'), 'regions', ['region_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_region_id'), ['region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_region_id_regions'), 'regions', ['region_id'], ['id'])



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_region_id_regions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_region_id'))
        batch_op.drop_column('region_id')

    with op.batch_alter_table('studios', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_studios_region_id_regions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_studios_programme_id_programmes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_studios_region_id'))
        batch_op.drop_index(batch_op.f('ix_studios_programme_id'))
        batch_op.drop_column('programme_id')
        batch_op.drop_column('region_id')

    with op.batch_alter_table('annual_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_assessments_user_id'))
        batch_op.drop_index(batch_op.f('ix_annual_assessments_round_id'))

    op.drop_table('annual_assessments')
    with op.batch_alter_table('certifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certifications_studio_id'))

    op.drop_table('certifications')
    with op.batch_alter_table('briefings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefings_studio_id'))

    op.drop_table('briefings')
    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_rounds_studio_id'))

    op.drop_table('assessment_rounds')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programmes_region_id'))

    op.drop_table('programmes')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_path'))
        batch_op.drop_index(batch_op.f('ix_regions_parent_id'))

    op.drop_table('regions')
