"""appointments: practitioners, time off, booked times the database keeps apart

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None

# Two appointments holding time (any status but cancelled) for one practitioner
# must not overlap. The database decides, inside the writer's own transaction, so
# no check-then-insert race in the application can double-book.
SQLITE_OVERLAP = """
CREATE TRIGGER appointments_no_overlap_{event}
BEFORE {clause} ON appointments
WHEN NEW.status != 'cancelled' AND EXISTS (
    SELECT 1 FROM appointments AS other
    WHERE other.practitioner_id = NEW.practitioner_id
      AND other.status != 'cancelled'
      AND other.id IS NOT NEW.id
      AND other.starts_at < NEW.ends_at
      AND NEW.starts_at < other.ends_at
)
BEGIN
    SELECT RAISE(ABORT, 'appointments_no_overlap');
END
"""
POSTGRESQL_OVERLAP = """
ALTER TABLE appointments ADD CONSTRAINT appointments_no_overlap
EXCLUDE USING gist (practitioner_id WITH =, tsrange(starts_at, ends_at) WITH &&)
WHERE (status <> 'cancelled')
"""


def upgrade():
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'is_practitioner', sa.Boolean(), nullable=False, server_default=sa.false()
        ))
        batch_op.add_column(sa.Column('display_name', sa.String(length=120)))
        batch_op.add_column(sa.Column('working_hours', sa.String(length=200)))
        batch_op.add_column(sa.Column('treatments', sa.Text()))
        batch_op.add_column(sa.Column('calendar_key', sa.String(length=64)))
        batch_op.create_unique_constraint(
            'uq_staff_users_calendar_key', ['calendar_key']
        )
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.alter_column('is_practitioner', server_default=None)

    op.create_table(
        'time_off',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practitioner_id', sa.Integer(), nullable=True),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['practitioner_id'], ['staff_users.id'], ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_time_off_practitioner_id', 'time_off', ['practitioner_id'])
    op.create_index('ix_time_off_last_day', 'time_off', ['last_day'])

    op.create_table(
        'appointments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('practitioner_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name='ck_appointments_length'),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['practitioner_id'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
    )
    op.create_index('ix_appointments_lead_id', 'appointments', ['lead_id'])
    op.create_index('ix_appointments_starts_at', 'appointments', ['starts_at'])
    if op.get_bind().dialect.name == 'postgresql':
        # btree_gist lets one exclusion constraint mix = on an integer with && on
        # a range; it ships with PostgreSQL and is trusted since version 13.
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(POSTGRESQL_OVERLAP)
    else:
        op.execute(SQLITE_OVERLAP.format(event='insert', clause='INSERT'))
        op.execute(SQLITE_OVERLAP.format(
            event='update',
            clause='UPDATE OF practitioner_id, starts_at, ends_at, status',
        ))

    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_id', sa.Integer()))
        batch_op.create_index('ix_outbox_emails_appointment_id', ['appointment_id'])
        batch_op.create_foreign_key(
            'fk_outbox_emails_appointment_id', 'appointments',
            ['appointment_id'], ['id'], ondelete='CASCADE',
        )


def downgrade():
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_emails_appointment_id', type_='foreignkey')
        batch_op.drop_index('ix_outbox_emails_appointment_id')
        batch_op.drop_column('appointment_id')
    op.drop_index('ix_appointments_starts_at', table_name='appointments')
    op.drop_index('ix_appointments_lead_id', table_name='appointments')
    op.drop_table('appointments')  # its triggers or constraint go with it
    op.drop_index('ix_time_off_last_day', table_name='time_off')
    op.drop_index('ix_time_off_practitioner_id', table_name='time_off')
    op.drop_table('time_off')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_staff_users_calendar_key', type_='unique')
        for column in (
            'calendar_key', 'treatments', 'working_hours', 'display_name',
            'is_practitioner',
        ):
            batch_op.drop_column(column)
