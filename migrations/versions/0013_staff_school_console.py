"""staff console: institution admins, and audit events per institution

Revision ID: 0012_staff_school
Revises: 0012_vp
Create Date: 2026-12-06 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_staff_school'
down_revision = '0012_vp'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('institution_admin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('institution_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_event_institution_id'), ['institution_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_institution_id_institution'),
                                    'institution', ['institution_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_institution_id_institution'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_event_institution_id'))
        batch_op.drop_column('institution_id')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('institution_admin')
