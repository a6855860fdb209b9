"""Centre writes: the drawer (``cash``), drop-off intake (``intake``), the last mile (``lastmile``)
assisted commerce (``assisted``) and the pickup-code lockout (``lockout``). Keyword-only; each checks permission itself and nests in the
caller's transaction (the view, API operation or job owns it).
"""

from .assisted import (
    assisted_case_open,
    assisted_cash_take,
    assisted_order_accept,
    assisted_order_place,
    assisted_product_list,
    consent_for,
)
from .cash import (
    HOURS_FIELDS,
    cash_account_open,
    cash_deposit_record,
    centre_create,
    centre_set_villages,
)
from .intake import drop_off_intake, order_is_for_centre, weight_far_off
from .lastmile import (
    door_deliver,
    door_delivery_start,
    parcel_arrive,
    photo_to_webp,
    pickup_code_issue,
    pickup_hand_over,
    uncollected_return,
)

__all__ = [
    "HOURS_FIELDS",
    "assisted_case_open",
    "assisted_cash_take",
    "assisted_order_accept",
    "assisted_order_place",
    "assisted_product_list",
    "cash_account_open",
    "cash_deposit_record",
    "centre_create",
    "centre_set_villages",
    "consent_for",
    "door_deliver",
    "door_delivery_start",
    "drop_off_intake",
    "order_is_for_centre",
    "parcel_arrive",
    "photo_to_webp",
    "pickup_code_issue",
    "pickup_hand_over",
    "uncollected_return",
    "weight_far_off",
]
