"""Dossier alerts: a credential's expiry in the clear and since when it cannot be verified

Revision ID: 0012_alerts
Revises: 0012_staff_awards
Create Date: 2026-12-06 00:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_alerts'
down_revision = '0012_staff_awards'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_credential_expires_on'), ['expires_on'],
                              unique=False)
    with op.batch_alter_table('verification_result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unverifiable_since', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('verification_result', schema=None) as batch_op:
        batch_op.drop_column('unverifiable_since')
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_expires_on'))
        batch_op.drop_column('expires_on')
