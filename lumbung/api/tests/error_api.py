"""A small API built exactly like the real one (LumbungAPI + install_error_handlers), whose
operations each fail in one way, so the tests can see every kind of error's answer."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from ninja import Schema
from ninja.errors import AuthorizationError, HttpError, Throttled
from ninja.security import HttpBearer

from lumbung.api.base import LumbungAPI
from lumbung.api.errors import install_error_handlers
from lumbung.core.errors import Conflict


class NobodyIsLoggedIn(HttpBearer):
    def authenticate(self, request, token):
        return None


class OrderIn(Schema):
    quantity: int
    note: str


api = LumbungAPI(title="Errors under test", urls_namespace="error_api", docs_url=None)
install_error_handlers(api)


@api.get("/conflict")
def conflict(request):
    raise Conflict(details={"stock": 0})


@api.post("/orders")
def create_order(request, payload: OrderIn):
    return {"ok": True}


@api.get("/private", auth=NobodyIsLoggedIn())
def private(request):
    return {"secret": True}


@api.get("/forbidden")
def forbidden(request):
    raise AuthorizationError()


@api.get("/permission-denied")
def permission_denied(request):
    raise PermissionDenied


@api.get("/missing")
def missing(request):
    raise Http404("Order 42 does not exist in table orders_order")


@api.get("/teapot")
def teapot(request):
    raise HttpError(400, "Cannot parse request body")


@api.get("/throttled")
def throttled(request):
    raise Throttled(wait=30)


@api.get("/boom")
def boom(request):
    raise RuntimeError("password=hunter2 at line 42")


urlpatterns = [path("api/", api.urls)]
