"""Catalogue errors: what a seller or buyer reads when something is refused."""

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict, NotFound, ValidationFailed


class SoldOut(Conflict):
    """Not enough stock left for the quantity asked; nothing was reserved."""

    code = "sold_out"
    default_message = _("Sorry, this item is sold out (not enough stock left).")


class StockChanged(Conflict):
    code = "stock_changed"
    default_message = _(
        "The stock changed while you were editing. Please check the new figure and try again."
    )


class ProductNotFound(NotFound):
    code = "product_not_found"
    default_message = _("Product not found.")


class ShopNotFound(NotFound):
    code = "shop_not_found"
    default_message = _("Shop not found.")


class InvalidPhoto(ValidationFailed):
    code = "invalid_photo"
    default_message = _("That file is not a photo we can read. Please upload a JPEG, PNG or WebP picture.")


def invalid(field: str, message) -> ValidationFailed:
    """A validation error about one field: ``details={"field": ..., "errors": {field: [message]}}``."""
    return ValidationFailed(message, details={"field": field, "errors": {field: [str(message)]}})
