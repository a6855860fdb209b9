"""The real API: health, its own 404/405, the OpenAPI document and the offline docs page."""

from html.parser import HTMLParser

from django.urls import reverse

from .test_errors import assert_error_shape


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_routes_and_methods_under_api_answer_json(client):
    for path in ("/api/", "/api/nothing-here", "/api/regions/nothing/here/either"):
        body = assert_error_shape(client.get(path), 404, "not_found")
        assert body["details"] == {"docs": "/api/docs"}
    assert_error_shape(client.post("/api/health"), 405, "method_not_allowed")


def test_unknown_page_outside_api_is_the_sites_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_openapi_document_describes_our_error_schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Lumbung API"
    schemas = spec["components"]["schemas"]
    error = schemas["Error"]
    assert set(error["properties"]) == {"code", "message", "details"}
    assert set(error["required"]) == {"code", "message"}
    assert schemas["HealthOut"]["properties"]["status"]["type"] == "string"

    health = spec["paths"]["/api/health"]["get"]
    assert health["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/HealthOut")
    # Every operation, whichever app it comes from, points its failures at the Error schema.
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            ref = operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", f"{method} {path}"
    # Every $ref resolves inside the document.
    refs = _refs(spec)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref


def _refs(node):
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if tag in ("script", "link", "img") and a.get(key):
                self.urls.append(a[key])


def test_docs_page_needs_no_internet(client):
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    parser = _Resources()
    parser.feed(response.content.decode())
    assert parser.urls, "the docs page should load its own assets"
    outside = [u for u in parser.urls if u.startswith(("http:", "https:", "//"))]
    assert outside == []
    assert b"/api/health" in response.content or b"swagger" in response.content
