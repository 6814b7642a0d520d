"""staff accounts run from the site: invitations, two-step sign-in, reset links, and
outbox emails to staff

Revision ID: a8b9c0d1e2f3
Revises: f7a8b9c0d1e2
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8b9c0d1e2f3'
down_revision = 'f7a8b9c0d1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('is_admin', sa.Boolean(), nullable=False),
        sa.Column('is_practitioner', sa.Boolean(), nullable=False),
        sa.Column('display_name', sa.String(length=120), nullable=True),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('accepted_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['invited_by_id'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_invitations_email', 'invitations', ['email'])
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_recovery_codes_staff_id', 'recovery_codes', ['staff_id'])
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enrolled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('reset_nonce', sa.String(length=32), nullable=True))
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.alter_column('lead_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outbox_emails_staff_id', ['staff_id'])
        batch_op.create_index('ix_outbox_emails_invitation_id', ['invitation_id'])
        batch_op.create_foreign_key(
            'fk_outbox_emails_staff_id', 'staff_users', ['staff_id'], ['id'],
            ondelete='CASCADE',
        )
        batch_op.create_foreign_key(
            'fk_outbox_emails_invitation_id', 'invitations', ['invitation_id'], ['id'],
            ondelete='CASCADE',
        )


def downgrade():
    # Staff emails have no lead: they go before the column may refuse an empty one.
    op.execute('DELETE FROM outbox_emails WHERE lead_id IS NULL')
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_emails_invitation_id', type_='foreignkey')
        batch_op.drop_constraint('fk_outbox_emails_staff_id', type_='foreignkey')
        batch_op.drop_index('ix_outbox_emails_invitation_id')
        batch_op.drop_index('ix_outbox_emails_staff_id')
        batch_op.drop_column('invitation_id')
        batch_op.drop_column('staff_id')
        batch_op.alter_column('lead_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('reset_nonce')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enrolled_at')
        batch_op.drop_column('totp_secret')
    op.drop_index('ix_recovery_codes_staff_id', table_name='recovery_codes')
    op.drop_table('recovery_codes')
    op.drop_index('ix_invitations_email', table_name='invitations')
    op.drop_table('invitations')
