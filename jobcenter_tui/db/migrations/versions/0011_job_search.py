"""job search: posting words index, where postings are, the occupations seekers look for, hires

Postings get latitude/longitude (from their ZIP, offline ``zipcodes`` data, filled here for the
postings already stored); an FTS5 index of posting titles and descriptions; ``seeker_occupation``
(kept by triggers from desired occupations and published resumes) for candidate matching; a
referral's outcome records who, and a hire its date and wage.

Revision ID: 0011
Revises: 0007 (0010 once the other streams' migrations are merged)
Create Date: 2026-12-01 10:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

from jobcenter_tui.db.job_search import job_search_ddl, job_search_drop_ddl


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'seeker_occupation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seeker_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column('soc_code', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('resume_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seeker_occupation')),
    )
    with op.batch_alter_table('seeker_occupation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seeker_occupation_resume_id'), ['resume_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seeker_occupation_seeker_id'), ['seeker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seeker_occupation_soc_code'), ['soc_code'], unique=False)
    with op.batch_alter_table('job_posting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.create_index(batch_op.f('ix_job_posting_latitude'), ['latitude'], unique=False)
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('hire_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('hire_wage', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('hire_wage_unit', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
    bind = op.get_bind()
    for statement in job_search_ddl(bind.dialect.name):
        op.execute(statement)
    _locate_postings(bind)


def _locate_postings(bind: sa.engine.Connection) -> None:
    """Latitude and longitude of the postings already stored, from their ZIP."""
    rows = bind.execute(sa.text("SELECT id, zip FROM job_posting WHERE zip IS NOT NULL")).all()
    if not rows:
        return
    from jobcenter_tui.db.geo import zip_point

    for posting_id, zip_code in rows:
        point = zip_point(zip_code)
        if point is not None:
            bind.execute(sa.text("UPDATE job_posting SET latitude = :lat, longitude = :lon WHERE id = :id"),
                         {"lat": point[0], "lon": point[1], "id": posting_id})


def downgrade() -> None:
    bind = op.get_bind()
    for statement in job_search_drop_ddl(bind.dialect.name):
        op.execute(statement)
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('hire_wage_unit')
        batch_op.drop_column('hire_wage')
        batch_op.drop_column('hire_date')
        batch_op.drop_column('outcome_by')
    with op.batch_alter_table('job_posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_posting_latitude'))
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
    with op.batch_alter_table('seeker_occupation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seeker_occupation_soc_code'))
        batch_op.drop_index(batch_op.f('ix_seeker_occupation_seeker_id'))
        batch_op.drop_index(batch_op.f('ix_seeker_occupation_resume_id'))
    op.drop_table('seeker_occupation')
