"""counted once keeps the outcome it counted, so a corrected tap can move it

Revision ID: a7c3e2f1b9d4
Revises: 375b0d8684b6
Create Date: 2026-11-26 04:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e2f1b9d4'
down_revision = '375b0d8684b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('counted_once', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('count_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('counted_once', schema=None) as batch_op:
        batch_op.drop_column('count_id')
        batch_op.drop_column('action')
