"""a campaign's bill for members to co-sponsor; the greeting of an office a campaign names

Revision ID: c4d9e8a1f2b3
Revises: a7c3e2f1b9d4
Create Date: 2026-11-30 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d9e8a1f2b3'
down_revision = 'a7c3e2f1b9d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bill', sa.String(length=60), server_default='', nullable=False))
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('greeting', sa.String(length=120), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_column('greeting')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('bill')
