"""candidates from one index: seeker_occupation carries the seeker's ZIP, activity, authorization;
covering indexes of job postings by place

Radius job searches count postings per place from ``ix_job_posting_soc_place`` (occupations) or
``ix_job_posting_place`` (words) without reading the posting rows.

``seeker_occupation`` gets copies of the job seeker's authorized_to_work, address_zip and
last_activity_at (kept by triggers) and a covering index, so the first page of candidates for a
posting is ranked without reading every matching job_seeker row.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

from jobcenter_tui.db.job_search import job_search_v2_ddl, job_search_v2_drop_ddl


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('seeker_occupation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorized_to_work', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('address_zip', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True))
        batch_op.add_column(sa.Column('last_activity_at', sa.DateTime(), nullable=True))
    bind = op.get_bind()
    for statement in job_search_v2_ddl(bind.dialect.name):
        op.execute(statement)
    with op.batch_alter_table('seeker_occupation', schema=None) as batch_op:
        batch_op.create_index('ix_seeker_occupation_match', ['soc_code', 'authorized_to_work', 'address_zip',
                                                              'last_activity_at', 'seeker_id', 'source'], unique=False)
    op.create_index('ix_job_posting_soc_place', 'job_posting',
                    ['soc_code', 'latitude', 'longitude', 'status', 'visibility', 'posted_date'], unique=False)
    op.create_index('ix_job_posting_place', 'job_posting',
                    ['latitude', 'longitude', 'status', 'visibility', 'soc_code', 'posted_date', 'id'], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    for statement in job_search_v2_drop_ddl(bind.dialect.name):
        op.execute(statement)
    op.drop_index('ix_job_posting_place', table_name='job_posting')
    op.drop_index('ix_job_posting_soc_place', table_name='job_posting')
    op.drop_index('ix_seeker_occupation_match', table_name='seeker_occupation')
    # plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of the table would break the
    # triggers of job_seeker and resume that write to it
    for column in ('last_activity_at', 'address_zip', 'authorized_to_work'):
        op.drop_column('seeker_occupation', column)
