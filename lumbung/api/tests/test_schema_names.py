"""django-ninja keys OpenAPI components by class name: two schemas with one name silently share a
component, and the spec then describes one app's response with another app's fields."""

from collections import defaultdict

from ninja import Schema

from lumbung.api.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_lumbung_schema_has_a_unique_name():
    api.get_openapi_schema()  # imports every router and its schemas
    by_name = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("lumbung.") and ".tests" not in schema.__module__:
            by_name[schema.__name__].add(schema.__module__)
    clashes = {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1}
    assert not clashes, clashes


def test_the_catalog_product_is_described_by_the_catalog_schema():
    spec = api.get_openapi_schema()
    ref = spec["paths"]["/api/catalog/products/{public_id}"]["get"]["responses"][200]["content"][
        "application/json"
    ]["schema"]["$ref"]
    component = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"name_id", "variants"} <= set(component["properties"])
