"""What a buyer, seller or agent reads when an order action is refused."""

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict, NotFound, ValidationFailed


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_message = _("Order not found.")


class IllegalTransition(Conflict):
    code = "order_illegal_transition"
    default_message = _("This order cannot go from %(from)s to %(to)s.")


class PriceChanged(Conflict):
    """A price changed since the buyer saw it; they must look and confirm before paying."""

    code = "price_changed"
    default_message = _("Some prices changed since you added them. Please check the new prices and confirm.")


class CartEmpty(ValidationFailed):
    code = "cart_empty"
    default_message = _("Your cart is empty.")


class RefundTooLarge(Conflict):
    code = "refund_too_large"
    default_message = _("That is more than is left to refund on this order.")


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    default_message = _("You have already reviewed this item.")


class ShippingUnavailable(ValidationFailed):
    code = "shipping_unavailable"
    default_message = _("We cannot ship this order to that address.")


def invalid(field: str, message) -> ValidationFailed:
    """A validation error about one field: ``details={"field": ..., "errors": {field: [message]}}``."""
    return ValidationFailed(message, details={"field": field, "errors": {field: [str(message)]}})
