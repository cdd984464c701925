"""possible duplicate keeps the kiosk's SSN

A kiosk registration whose SSN is already on file is saved without it (one SSN, one record); the
SSN typed is kept, encrypted, with its blind index, on the possible-duplicate row for staff.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('possible_duplicate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ssn_cipher', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('ssn_index', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_possible_duplicate_ssn_index'), ['ssn_index'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('possible_duplicate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_possible_duplicate_ssn_index'))
        batch_op.drop_column('ssn_index')
        batch_op.drop_column('ssn_cipher')
