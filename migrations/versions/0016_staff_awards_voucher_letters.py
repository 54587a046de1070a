"""voucher codes kept sealed for letters, voided vouchers; recognition decisions with a reason
and requests that point at credentials

Revision ID: 0012_staff_awards
Revises: 0012_pwa_polish
Create Date: 2026-12-06 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_staff_awards'
down_revision = '0012_pwa_polish'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_key_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('code_sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=500), nullable=True))
    with op.batch_alter_table('recognition_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('credential_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('recognition_request', schema=None) as batch_op:
        batch_op.drop_column('credential_ids')
        batch_op.drop_column('decision_reason')
    with op.batch_alter_table('voucher', schema=None) as batch_op:
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('code_sealed')
        batch_op.drop_column('code_key_id')
