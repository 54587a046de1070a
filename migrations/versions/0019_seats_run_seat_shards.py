"""Run seat shards: a run's seats are held in eight rows, so that learners enrolling in the
same run at once each lock a row of their own (catalog/seats.py). The count of seats taken
moves from run.seats_taken (then unused, 0) to the shards, spread evenly; the free seats are
spread over them too.

Revision ID: 0018_seats
Revises: 0018_sdjwt
Create Date: 2026-12-06 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_seats'
down_revision = '0018_sdjwt'
branch_labels = None
depends_on = None

SHARDS = 8


def spread(n):
    return [n // SHARDS + (1 if i < n % SHARDS else 0) for i in range(SHARDS)]


def upgrade():
    shard = op.create_table(
        'run_seat_shard',
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seats', sa.Integer(), nullable=False),
        sa.Column('taken', sa.Integer(), nullable=False),
        sa.CheckConstraint('taken >= 0 AND taken <= seats', name=op.f('ck_run_seat_shard_seats')),
        sa.ForeignKeyConstraint(['run_id'], ['run.id'],
                                name=op.f('fk_run_seat_shard_run_id_run'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('run_id', 'shard', name=op.f('pk_run_seat_shard')),
    )
    runs = op.get_bind().execute(sa.text('SELECT id, seats_total, seats_taken FROM run')).all()
    rows = []
    for run_id, total, taken in runs:
        for i, (t, free) in enumerate(zip(spread(taken), spread(total - taken))):
            rows.append({'run_id': run_id, 'shard': i, 'seats': t + free, 'taken': t})
    if rows:
        op.bulk_insert(shard, rows)
    # run.seats_taken stays, unused and 0 (its check then holds whatever the seats): dropping
    # it would make SQLite rebuild the run table, and with foreign keys on, dropping the old
    # one fails on the enrolments that refer to it (or empties the shards, ON DELETE CASCADE).
    op.execute('UPDATE run SET seats_taken = 0')


def downgrade():
    op.execute('UPDATE run SET seats_taken = (SELECT COALESCE(SUM(taken), 0) '
               'FROM run_seat_shard WHERE run_seat_shard.run_id = run.id)')
    op.drop_table('run_seat_shard')
