"""The persona a learner last planned with, remembered on the account

Revision ID: 0012_pwa_polish
Revises: 0012_vci
Create Date: 2026-12-06 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_pwa_polish'
down_revision = '0012_vci'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('persona', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('persona')
