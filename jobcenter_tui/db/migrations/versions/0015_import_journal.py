"""import journal: the lines of an import file already saved

One row per committed batch, written in the batch's own transaction, keyed by the SHA-256 of the
whole file: re-running an import that was killed skips the lines already saved.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'import_journal',
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('first_line', sa.Integer(), nullable=False),
        sa.Column('last_line', sa.Integer(), nullable=False),
        sa.Column('lines', sa.Text(), nullable=False),
        sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('saved_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint('kind', 'file_sha256', 'first_line', name=op.f('pk_import_journal')),
    )


def downgrade() -> None:
    op.drop_table('import_journal')
