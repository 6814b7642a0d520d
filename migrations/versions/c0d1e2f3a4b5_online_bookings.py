"""online bookings: which appointments the patient booked on the site

Revision ID: c0d1e2f3a4b5
Revises: b9c0d1e2f3a4
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0d1e2f3a4b5'
down_revision = 'b9c0d1e2f3a4'
branch_labels = None
depends_on = None


# Plain ALTER TABLE statements: a batch rebuild on SQLite would drop the table's
# overlap triggers and its AUTOINCREMENT (b9c0d1e2f3a4).


def upgrade():
    # Existing appointments were booked before anyone counted: the front desk's.
    op.add_column(
        'appointments',
        sa.Column('online', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # Each online booking counts the others of the last minutes (the spike alert).
    op.create_index('ix_appointments_created_at', 'appointments', ['created_at'])
    # Every staff page asks whether an alert was sent lately.
    op.create_index(
        'ix_outbox_emails_kind_created_at', 'outbox_emails', ['kind', 'created_at']
    )


def downgrade():
    op.drop_index('ix_outbox_emails_kind_created_at', 'outbox_emails')
    op.drop_index('ix_appointments_created_at', 'appointments')
    op.drop_column('appointments', 'online')
