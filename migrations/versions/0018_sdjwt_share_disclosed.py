"""Share links of SD-JWT VCs remember which fields the learner chose to show

Revision ID: 0018_sdjwt
Revises: 0012_alerts
Create Date: 2026-12-06 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_sdjwt'
down_revision = '0012_alerts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('share_credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disclosed', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('share_credential', schema=None) as batch_op:
        batch_op.drop_column('disclosed')
