"""job posting status history

Every status move of a job order (draft → active → on hold / filled / closed) with who, when and
why; a posting imported or created gets its first row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'job_posting_status_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('posting_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(['posting_id'], ['job_posting.id'],
                                name=op.f('fk_job_posting_status_change_posting_id_job_posting')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_posting_status_change')),
    )
    with op.batch_alter_table('job_posting_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_posting_status_change_posting_id'), ['posting_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job_posting_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_posting_status_change_posting_id'))
    op.drop_table('job_posting_status_change')
