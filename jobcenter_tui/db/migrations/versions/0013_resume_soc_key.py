"""a published resume's occupations reach the candidate index

The resume builder writes a work-history occupation as ``soc``; the resume triggers of 0011/0012
read only ``soc_code``, so resumes made in the console never made their job seeker a candidate.
The triggers now read either key, and the resume rows of ``seeker_occupation`` are filled again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 13:00:00.000000
"""
from typing import Sequence, Union

from alembic import op

from jobcenter_tui.db.job_search import job_search_v3_ddl, job_search_v3_drop_ddl


revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    for statement in job_search_v3_ddl(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in job_search_v3_drop_ddl(op.get_bind().dialect.name):
        op.execute(statement)
