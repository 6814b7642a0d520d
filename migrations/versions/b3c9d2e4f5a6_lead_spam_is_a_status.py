"""a lead is spam when its status says so: drop leads.is_spam

Revision ID: b3c9d2e4f5a6
Revises: 57df0d7c9952
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c9d2e4f5a6'
down_revision = '57df0d7c9952'
branch_labels = None
depends_on = None


def upgrade():
    # The flag could disagree with the status (staff moving a lead to spam left it
    # false); the status is the truth, so the flag goes without being read.
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_is_spam'))
        batch_op.drop_column('is_spam')


def downgrade():
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_spam', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f('ix_leads_is_spam'), ['is_spam'], unique=False)
    op.execute("UPDATE leads SET is_spam = (status = 'spam')")
