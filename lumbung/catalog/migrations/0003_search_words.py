"""The typo vocabulary (SearchWord) with a trigram index, filled from the products already there.

Typo matching compares the typed word with this small table of distinct words instead of with
every product's text; see SearchWord and docs/performance.md.
"""

import re

from django.db import migrations, models

_WORD = re.compile(r"[a-z0-9]+")
_FILL_SQL = """
INSERT INTO catalog_searchword (word)
SELECT DISTINCT w FROM catalog_product, regexp_split_to_table(search_document, '[^a-z0-9]+') AS w
WHERE length(w) BETWEEN 3 AND 64 AND w ~ '[a-z]'
ON CONFLICT DO NOTHING
"""


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS catalog_searchword_trgm ON catalog_searchword "
                "USING gin (word gin_trgm_ops)"
            )
            cursor.execute(_FILL_SQL)
        return
    Product = apps.get_model("catalog", "Product")
    SearchWord = apps.get_model("catalog", "SearchWord")
    words: set[str] = set()
    for text in Product.objects.values_list("search_document", flat=True).iterator(chunk_size=2000):
        words.update(w for w in _WORD.findall(text) if 3 <= len(w) <= 64 and not w.isdigit())
    SearchWord.objects.bulk_create([SearchWord(word=w) for w in sorted(words)], ignore_conflicts=True)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS catalog_searchword_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_indexes")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=64, primary_key=True, serialize=False))],
            options={"verbose_name": "search word", "verbose_name_plural": "search words"},
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
