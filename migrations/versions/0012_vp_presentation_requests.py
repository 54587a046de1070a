"""OpenID4VP: employers' presentation requests and the learner's sent presentations

Revision ID: 0012_vp
Revises: 0011
Create Date: 2026-12-06 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_vp'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vp_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.String(length=43), nullable=False),
    sa.Column('page_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=43), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('verifier_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vp_request')),
    sa.UniqueConstraint('page_hash', name=op.f('uq_vp_request_page_hash')),
    sa.UniqueConstraint('request_id', name=op.f('uq_vp_request_request_id'))
    )
    with op.batch_alter_table('vp_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vp_request_expires_at'), ['expires_at'], unique=False)

    op.create_table('vp_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=500), nullable=False),
    sa.Column('verifier_name', sa.String(length=120), nullable=False),
    sa.Column('response_host', sa.String(length=255), nullable=False),
    sa.Column('credential_ids', sa.JSON(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_vp_sent_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vp_sent'))
    )
    with op.batch_alter_table('vp_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vp_sent_account_id'), ['account_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vp_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vp_sent_account_id'))
    op.drop_table('vp_sent')
    with op.batch_alter_table('vp_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vp_request_expires_at'))
    op.drop_table('vp_request')
