"""books have a list of authors"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The author of a row, as a list of one; and a list, as one string.
AS_A_LIST = {
    "sqlite": "json_array(author)",
    "postgresql": "json_build_array(author)",
}
AS_ONE_AUTHOR = {
    "sqlite": "(SELECT group_concat(value, ', ') FROM json_each(authors))",
    "postgresql": "(SELECT string_agg(value, ', ') "
    "FROM json_array_elements_text(authors))",
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
    with op.batch_alter_table("books") as batch_op:
        batch_op.add_column(sa.Column("author", sa.String(), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(f"UPDATE books SET author = {AS_ONE_AUTHOR[dialect]}")
    with op.batch_alter_table("books") as batch_op:
        batch_op.alter_column("author", existing_type=sa.String(), nullable=False)
        batch_op.drop_column("authors")
