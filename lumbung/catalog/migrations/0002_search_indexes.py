"""PostgreSQL search indexes over the text the services keep (no-op on SQLite).

- GIN over to_tsvector('simple', search_stemmed): the Python stemmer already did the Indonesian
  work, so the 'simple' config (lower-case, no stemming) is right; the built-in 'indonesian'
  Snowball config would stem a second time and damages words ("kemasan" → "masan").
- GIN trigram index over search_document, for typos (the <% word-similarity operator) and for
  substring (LIKE) matching of Chinese names.
Both are partial on is_published: only published products are searched.
See docs/adr/0004-indonesian-search.md.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS catalog_product_stem_fts ON catalog_product "
    "USING gin (to_tsvector('simple'::regconfig, search_stemmed)) WHERE is_published",
    "CREATE INDEX IF NOT EXISTS catalog_product_doc_trgm ON catalog_product "
    "USING gin (search_document gin_trgm_ops) WHERE is_published",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_doc_trgm",
    "DROP INDEX IF EXISTS catalog_product_stem_fts",
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
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
