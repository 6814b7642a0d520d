"""outbox claims name their sender, so a dead sender's claims are taken over at once

Revision ID: d1e2f3a4b5c6
Revises: c0d1e2f3a4b5
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e2f3a4b5c6'
down_revision = 'c0d1e2f3a4b5'
branch_labels = None
depends_on = None


# A plain ALTER TABLE: a batch rebuild on SQLite would drop AUTOINCREMENT.


def upgrade():
    op.add_column('outbox_emails', sa.Column('claimed_by', sa.String(length=120)))


def downgrade():
    op.drop_column('outbox_emails', 'claimed_by')
