"""occupation titles a state imports from O*NET

The state's titles and descriptions for SOC occupations (``jobcenter occupations import``), read by
the occupation search beside the shipped SOC 2018 titles.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 14:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('occupation_title',
    sa.Column('onet_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('soc_code', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.PrimaryKeyConstraint('onet_code', name=op.f('pk_occupation_title'))
    )
    with op.batch_alter_table('occupation_title', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occupation_title_soc_code'), ['soc_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('occupation_title', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupation_title_soc_code'))
    op.drop_table('occupation_title')
