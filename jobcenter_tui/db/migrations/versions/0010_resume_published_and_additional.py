"""resumes: one published per job seeker; text of an upload under no known heading

A partial unique index keeps a second published resume for the same job seeker out even if two
staff publish at once; ``additional`` keeps the text of an uploaded resume that had no heading
the section splitter knows.

Revision ID: 0010
Revises: 0007 (0009 once merged)
Create Date: 2026-12-01 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('resume', schema=None) as batch_op:
        batch_op.add_column(sa.Column('additional', sa.Text(), nullable=True))
        batch_op.create_index('uq_resume_published_per_seeker', ['seeker_id'], unique=True,
                              sqlite_where=sa.text("published = 1"), postgresql_where=sa.text("published"))


def downgrade() -> None:
    with op.batch_alter_table('resume', schema=None) as batch_op:
        batch_op.drop_index('uq_resume_published_per_seeker', sqlite_where=sa.text("published = 1"),
                            postgresql_where=sa.text("published"))
        batch_op.drop_column('additional')
