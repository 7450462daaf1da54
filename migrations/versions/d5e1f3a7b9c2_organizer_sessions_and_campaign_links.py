"""signed-in sessions kept on the server; every link name a campaign has been shared under

Revision ID: d5e1f3a7b9c2
Revises: c4d9e8a1f2b3
Create Date: 2026-11-30 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e1f3a7b9c2'
down_revision = 'c4d9e8a1f2b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'organizer_session',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('organizer_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organizer_id'], ['organizer.id'],
                                name=op.f('fk_organizer_session_organizer_id_organizer')),
        sa.PrimaryKeyConstraint('digest', name=op.f('pk_organizer_session')),
    )
    with op.batch_alter_table('organizer_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizer_session_organizer_id'), ['organizer_id'], unique=False)
    op.create_table(
        'campaign_link',
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'],
                                name=op.f('fk_campaign_link_campaign_id_campaign')),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_campaign_link')),
    )
    with op.batch_alter_table('campaign_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_link_campaign_id'), ['campaign_id'], unique=False)
    # Campaigns already shared keep their link names.
    op.execute(
        "INSERT INTO campaign_link (slug, campaign_id, created_at) "
        "SELECT slug, id, updated_at FROM campaign WHERE status IN ('live', 'closed')"
    )


def downgrade():
    with op.batch_alter_table('campaign_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_link_campaign_id'))
    op.drop_table('campaign_link')
    with op.batch_alter_table('organizer_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizer_session_organizer_id'))
    op.drop_table('organizer_session')
