"""OpenID4VCI: offers of issued credentials, their access tokens, key-proof nonces and the wallet's code flows

Revision ID: 0012_vci
Revises: 0012_staff_school
Create Date: 2026-12-06 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_vci'
down_revision = '0012_staff_school'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vci_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issued_credential_id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('tx_code_digest', sa.String(length=64), nullable=True),
    sa.Column('tx_attempts', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('redeemed_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_format', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=600), nullable=False),
    sa.Column('flow', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('redirect_uri', sa.String(length=1000), nullable=False),
    sa.Column('code_challenge', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_vci_offer_created_by_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_credential_id'], ['issued_credential.id'], name=op.f('fk_vci_offer_issued_credential_id_issued_credential'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vci_offer')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_vci_offer_code_digest'))
    )
    with op.batch_alter_table('vci_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vci_offer_issued_credential_id'), ['issued_credential_id'], unique=False)

    op.create_table('vci_access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['offer_id'], ['vci_offer.id'], name=op.f('fk_vci_access_token_offer_id_vci_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vci_access_token')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_vci_access_token_token_digest'))
    )
    with op.batch_alter_table('vci_access_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vci_access_token_offer_id'), ['offer_id'], unique=False)

    op.create_table('vci_nonce',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce_digest', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vci_nonce')),
    sa.UniqueConstraint('nonce_digest', name=op.f('uq_vci_nonce_nonce_digest'))
    )
    with op.batch_alter_table('vci_nonce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vci_nonce_expires_at'), ['expires_at'], unique=False)


    op.create_table('vci_wallet_flow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('state_digest', sa.String(length=64), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('link', sa.Text(), nullable=False),
    sa.Column('token_endpoint', sa.String(length=2000), nullable=False),
    sa.Column('authorization_issuer', sa.String(length=2000), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_vci_wallet_flow_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vci_wallet_flow')),
    sa.UniqueConstraint('state_digest', name=op.f('uq_vci_wallet_flow_state_digest'))
    )
    with op.batch_alter_table('vci_wallet_flow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vci_wallet_flow_account_id'), ['account_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vci_wallet_flow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vci_wallet_flow_account_id'))
    op.drop_table('vci_wallet_flow')
    with op.batch_alter_table('vci_nonce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vci_nonce_expires_at'))
    op.drop_table('vci_nonce')
    with op.batch_alter_table('vci_access_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vci_access_token_offer_id'))
    op.drop_table('vci_access_token')
    with op.batch_alter_table('vci_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vci_offer_issued_credential_id'))
    op.drop_table('vci_offer')
