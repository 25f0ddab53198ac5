"""hour ledger: generic source rows; CHECKs for finite hours and video seconds

The ledger names the row a credit comes from with (source, source_id) instead of the
task-only ``assignment_id``; existing task credits map over (source_id = assignment_id)
and one credit per (source, source_id, user_id) is kept unique.

CHECK constraints refuse non-finite numbers: PostgreSQL's NUMERIC and float keep 'NaN', and
NaN = NaN there, so each check is a range test (NaN sorts above every number and fails it).
Rows that would break a check are repaired first and counted in the log: ledger entries of
NaN, infinite, out-of-range or zero hours are deleted (they made the member's total 'nan'
or credited nothing), task hours outside 0..999.9 become 0, video seconds outside 0..21600
become 0.

Revision ID: 41aa08f51088
Revises: d641761d9448
Create Date: 2026-12-01 22:33:32.324822

"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '41aa08f51088'
down_revision = 'd641761d9448'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

AMOUNT_CHECK = "amount BETWEEN -999.9 AND 999.9 AND amount <> 0"
HOURS_CHECK = "hours BETWEEN 0 AND 999.9"
SECOND_CHECK = "second BETWEEN 0 AND 21600"


def _repair(statement, what):
    count = op.get_bind().execute(sa.text(statement)).rowcount
    if count:
        log.warning("%s: %s row(s)", what, count)


def upgrade():
    with op.batch_alter_table('hour_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
    op.execute("UPDATE hour_entries SET source_id = assignment_id WHERE assignment_id IS NOT NULL")
    _repair(f"DELETE FROM hour_entries WHERE NOT ({AMOUNT_CHECK})",
            "deleted ledger entries with non-finite, out-of-range or zero hours")
    _repair(f"UPDATE tasks SET hours = 0 WHERE NOT ({HOURS_CHECK})",
            "set to 0 the hours of tasks with non-finite or out-of-range hours")
    _repair(f"UPDATE video_comments SET second = 0 WHERE NOT ({SECOND_CHECK})",
            "moved to second 0 video comments at a non-finite or out-of-range second")

    with op.batch_alter_table('hour_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_hour_entries_assignment_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_hour_entries_assignment_id_assignments'), type_='foreignkey')
        batch_op.drop_column('assignment_id')
        batch_op.create_unique_constraint('uq_hour_entries_source_row', ['source', 'source_id', 'user_id'])
        batch_op.create_check_constraint(batch_op.f('ck_hour_entries_amount_finite_nonzero'),
                                         AMOUNT_CHECK)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_tasks_hours_finite_range'), HOURS_CHECK)
    with op.batch_alter_table('video_comments', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_video_comments_second_finite_range'),
                                         SECOND_CHECK)


def downgrade():
    with op.batch_alter_table('video_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_video_comments_second_finite_range'), type_='check')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tasks_hours_finite_range'), type_='check')

    with op.batch_alter_table('hour_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_hour_entries_amount_finite_nonzero'), type_='check')
        batch_op.drop_constraint('uq_hour_entries_source_row', type_='unique')
        batch_op.add_column(sa.Column('assignment_id', sa.INTEGER(), nullable=True))
    # only task credits had a column before; credits from other sources keep no link
    op.execute("UPDATE hour_entries SET assignment_id = source_id WHERE source = 'task'")
    with op.batch_alter_table('hour_entries', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_hour_entries_assignment_id_assignments'), 'assignments', ['assignment_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_hour_entries_assignment_id'), ['assignment_id'])
        batch_op.drop_column('source_id')
