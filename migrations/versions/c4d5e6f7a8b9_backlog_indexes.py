"""indexes for a fast backlog: leads by lower(email), pending emails by id

Revision ID: c4d5e6f7a8b9
Revises: b3c9d2e4f5a6
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'b3c9d2e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    # The oldest pending email, read off the index rather than sorted per claim.
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_status')
        batch_op.create_index('ix_outbox_emails_status_id', ['status', 'id'])
    # Without it the sender scanned every recent lead for each acknowledgement: a
    # backlog of thousands drained at a few dozen a second on PostgreSQL.
    op.create_index(
        'ix_leads_email_lower', 'leads', [sa.text('lower(email)')], unique=False
    )


def downgrade():
    op.drop_index('ix_leads_email_lower', table_name='leads')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_status_id')
        batch_op.create_index('ix_outbox_emails_status', ['status'])
