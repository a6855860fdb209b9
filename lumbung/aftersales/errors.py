"""What a buyer, seller or mediator reads when an after-sales act is refused."""

from django.utils.translation import gettext_lazy as _

from lumbung.core.errors import Conflict, NotFound, ValidationFailed


class CaseNotFound(NotFound):
    code = "case_not_found"
    default_message = _("Case not found.")


class IllegalCaseMove(Conflict):
    code = "case_illegal_transition"
    default_message = _("This case cannot go from “%(from)s” to “%(to)s”.")


class WindowClosed(Conflict):
    code = "case_window_closed"
    default_message = _("The time to report a problem with this order has passed.")


class CaseAlreadyOpen(Conflict):
    code = "case_already_open"
    default_message = _("A case is already open for this order.")


def invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field, "errors": {field: [str(message)]}})
