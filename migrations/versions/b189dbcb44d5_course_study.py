"""Course study: courses, adoptions, modules, quiz bank and attempts, learners' progress, course tasks

Revision ID: b189dbcb44d5
Revises: 5e0a7c2b9d14
Create Date: 2026-12-02 10:33:54.327276

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b189dbcb44d5'
down_revision = '5e0a7c2b9d14'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('summary_html', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_courses_created_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_courses_region_id_regions')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_courses_studio_id_studios')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courses_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_courses_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_courses_studio_id'), ['studio_id'], unique=False)

    op.create_table('course_adoptions',
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('adopted_by_id', sa.Integer(), nullable=False),
    sa.Column('adopted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_course_adoptions_adopted_by_id_users')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_adoptions_course_id_courses')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_course_adoptions_studio_id_studios')),
    sa.PrimaryKeyConstraint('studio_id', 'course_id', name=op.f('pk_course_adoptions'))
    )
    with op.batch_alter_table('course_adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_adoptions_course_id'), ['course_id'], unique=False)

    op.create_table('course_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1, asdecimal=False), nullable=False),
    sa.Column('video_id', sa.Integer(), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('min_seconds', sa.Integer(), nullable=False),
    sa.Column('draw_count', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('duration_seconds IS NULL OR duration_seconds BETWEEN 0 AND 86400', name=op.f('ck_course_modules_module_duration_range')),
    sa.CheckConstraint('hours BETWEEN 0 AND 100', name=op.f('ck_course_modules_module_hours_range')),
    sa.CheckConstraint('max_attempts BETWEEN 1 AND 20', name=op.f('ck_course_modules_module_attempts_range')),
    sa.CheckConstraint('pass_mark BETWEEN 1 AND 100', name=op.f('ck_course_modules_module_pass_mark_range')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_modules_course_id_courses')),
    sa.ForeignKeyConstraint(['document_id'], ['stored_files.id'], name=op.f('fk_course_modules_document_id_stored_files')),
    sa.ForeignKeyConstraint(['video_id'], ['stored_files.id'], name=op.f('fk_course_modules_video_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_modules')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_modules_course_id'), ['course_id'], unique=False)

    op.create_table('module_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('covered', sa.JSON(), nullable=False),
    sa.Column('covered_seconds', sa.Float(), nullable=False),
    sa.Column('watch_token', sa.String(length=43), nullable=True),
    sa.Column('watch_seq', sa.Integer(), nullable=False),
    sa.Column('watch_started_at', sa.DateTime(), nullable=True),
    sa.Column('watch_credited', sa.Float(), nullable=False),
    sa.Column('last_report_at', sa.DateTime(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_module_progress_module_id_course_modules')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_module_progress_studio_id_studios')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_progress_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_progress')),
    sa.UniqueConstraint('module_id', 'user_id', name='uq_module_progress_user'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_progress_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_progress_studio_id'), ['studio_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_progress_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('studio_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('question_ids', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('right_ids', sa.JSON(), nullable=True),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 0 AND 100', name=op.f('ck_quiz_attempts_quiz_score_range')),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_quiz_attempts_module_id_course_modules')),
    sa.ForeignKeyConstraint(['studio_id'], ['studios.id'], name=op.f('fk_quiz_attempts_studio_id_studios')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('module_id', 'user_id', 'number', name='uq_quiz_attempt_number')
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_quiz_questions_module_id_course_modules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions'))
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_questions_module_id'), ['module_id'], unique=False)

    op.create_table('task_modules',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_task_modules_module_id_course_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_modules_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'module_id', name=op.f('pk_task_modules'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tasks_course_id'), ['course_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tasks_course_id_courses'), 'courses', ['course_id'], ['id'])

    


def downgrade():
    
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_course_id_courses'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tasks_course_id'))
        batch_op.drop_column('course_id')

    op.drop_table('task_modules')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_questions_module_id'))

    op.drop_table('quiz_questions')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_module_id'))

    op.drop_table('quiz_attempts')
    with op.batch_alter_table('module_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_progress_user_id'))
        batch_op.drop_index(batch_op.f('ix_module_progress_studio_id'))
        batch_op.drop_index(batch_op.f('ix_module_progress_module_id'))

    op.drop_table('module_progress')
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_modules_course_id'))

    op.drop_table('course_modules')
    with op.batch_alter_table('course_adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_adoptions_course_id'))

    op.drop_table('course_adoptions')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courses_studio_id'))
        batch_op.drop_index(batch_op.f('ix_courses_state'))
        batch_op.drop_index(batch_op.f('ix_courses_region_id'))

    op.drop_table('courses')
    
