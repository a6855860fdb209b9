"""PostgreSQL: the searched tsvector as a stored column, with its own statistics (no-op on SQLite).

Until now the full-text index was on the expression to_tsvector('simple', search_stemmed). Two
things went wrong at 1M products (docs/performance.md):
- the index is partial (WHERE is_published), and PostgreSQL ignores a partial index's statistics
  when it estimates rows, so every word was guessed at 0.5 % of the catalogue: "kopi" (13 %) and a
  village name in 19 products looked alike, and the plans for rare words walked the whole table;
- a plan that walks the id index for the newest matches re-ran to_tsvector on every row it passed
  (16 µs each: 450 ms for 27k rows).
A generated column is computed once per write, has ordinary column statistics (kept long, for the
long tail of village names), and is cheap to test row by row. The services never write it.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE catalog_product ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_stemmed)) STORED",
    "ALTER TABLE catalog_product ALTER COLUMN search_vector SET STATISTICS 1000",
    "DROP INDEX IF EXISTS catalog_product_stem_fts",
    "CREATE INDEX IF NOT EXISTS catalog_product_vector_fts ON catalog_product "
    "USING gin (search_vector) WHERE is_published",
    "ANALYZE catalog_product",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_vector_fts",
    "CREATE INDEX IF NOT EXISTS catalog_product_stem_fts ON catalog_product "
    "USING gin (to_tsvector('simple'::regconfig, search_stemmed)) WHERE is_published",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_words")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
