"""books have a list of authors"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The author of a row, as a list of one.
AS_A_LIST = {
    "sqlite": "json_array(author)",
    "postgresql": "json_build_array(author)",
}
# The authors of a row, in their order, as one string: "" for an empty list.
AS_ONE_STRING = {
    "sqlite": "(SELECT coalesce(group_concat(value, ', '), '') "
    "FROM (SELECT value FROM json_each(authors) ORDER BY key))",
    "postgresql": "(SELECT coalesce(string_agg(value, ', ' ORDER BY position), '') "
    "FROM json_array_elements_text(authors) WITH ORDINALITY AS a(value, position))",
}


def upgrade() -> None:
    # The column is required once every row has its authors, not before.
    with op.batch_alter_table("books") as batch_op:
        batch_op.add_column(sa.Column("authors", sa.JSON(), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(f"UPDATE books SET authors = {AS_A_LIST[dialect]}")
    with op.batch_alter_table("books") as batch_op:
        batch_op.alter_column("authors", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("author")


def downgrade() -> None:
    # Version 1 has one author: several become one string, and an upgrade
    # makes it a list of one. A downgrade is for a release that went wrong.
    with op.batch_alter_table("books") as batch_op:
        batch_op.add_column(sa.Column("author", sa.String(), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(f"UPDATE books SET author = {AS_ONE_STRING[dialect]}")
    with op.batch_alter_table("books") as batch_op:
        batch_op.alter_column("author", existing_type=sa.String(), nullable=False)
        batch_op.drop_column("authors")
