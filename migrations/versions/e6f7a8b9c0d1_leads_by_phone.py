"""leads by phone, and the open leads in queue order

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6f7a8b9c0d1'
down_revision = 'd5e6f7a8b9c0'
branch_labels = None
depends_on = None


OPEN = "status IN ('new', 'contacted', 'no_show')"


def upgrade():
    # A patient's other leads are found by phone as by email.
    op.create_index('ix_leads_phone', 'leads', ['phone'], unique=False)
    # The queue's first page in order off the index, not a sort of every open lead.
    op.create_index(
        'ix_leads_open_queue', 'leads', ['created_at', 'id'], unique=False,
        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN),
    )


def downgrade():
    op.drop_index('ix_leads_open_queue', table_name='leads')
    op.drop_index('ix_leads_phone', table_name='leads')
