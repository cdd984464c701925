"""privilege seeker.upgrade for the default case roles

Taking over a self-service account (making it staff-assisted) is case work, not front-desk work:
it gets its own privilege. Stores made before it exist grant it to the default roles that do case
work (case_manager, supervisor, admin); a store's own roles are left as their administrator set them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 12:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ROLES = ("case_manager", "supervisor", "admin")


def upgrade() -> None:
    for role in ROLES:
        op.execute(sa.text(
            "INSERT INTO role_privilege (role, privilege) SELECT name, 'seeker.upgrade' FROM role WHERE name = :role "
            "AND NOT EXISTS (SELECT 1 FROM role_privilege WHERE role = :role AND privilege = 'seeker.upgrade')"
        ).bindparams(role=role))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM role_privilege WHERE privilege = 'seeker.upgrade'"))
