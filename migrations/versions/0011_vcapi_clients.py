"""VC-API OAuth clients and their access tokens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vcapi_oauth_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('secret_digest', sa.String(length=64), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_vcapi_oauth_client_institution_id_institution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vcapi_oauth_client')),
    sa.UniqueConstraint('client_id', name=op.f('uq_vcapi_oauth_client_client_id'))
    )
    with op.batch_alter_table('vcapi_oauth_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vcapi_oauth_client_institution_id'), ['institution_id'], unique=False)

    op.create_table('vcapi_oauth_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['vcapi_oauth_client.id'], name=op.f('fk_vcapi_oauth_token_client_id_vcapi_oauth_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vcapi_oauth_token')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_vcapi_oauth_token_token_digest'))
    )
    with op.batch_alter_table('vcapi_oauth_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vcapi_oauth_token_client_id'), ['client_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vcapi_oauth_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vcapi_oauth_token_client_id'))
    op.drop_table('vcapi_oauth_token')
    with op.batch_alter_table('vcapi_oauth_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vcapi_oauth_client_institution_id'))
    op.drop_table('vcapi_oauth_client')
