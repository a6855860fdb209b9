"""Reviews: after delivery the buyer rates each line once (1–5 stars and a few words).

The shop's rating (average and count) is kept on the shop through catalog's ``shop_set_rating``,
recomputed from the reviews in the same transaction. A product's rating is read from the reviews
(``selectors.product_rating``): catalog keeps no product rating field.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext_lazy as _

from lumbung.catalog.services import shop_set_rating
from lumbung.core.permissions import require

from ..errors import AlreadyReviewed, IllegalTransition, invalid
from ..models import OrderLine, Review
from ..states import OrderStatus
from .lifecycle import order_lock

REVIEWABLE = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
MAX_TEXT = 2000


@transaction.atomic
def review_create(*, actor, line: OrderLine, stars, text: str = "") -> Review:
    order = order_lock(line.order_id)
    require(actor, "orders.review", order)
    if order.status not in REVIEWABLE:
        raise IllegalTransition(_("You can review an item once it has been delivered."))
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise invalid("stars", _("Choose from 1 to 5 stars."))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise invalid("text", _("Please keep the review under 2000 characters."))
    if Review.objects.filter(line=line).exists():
        raise AlreadyReviewed()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                line=line, buyer=actor, shop=order.shop, product_id=line.product_id, stars=stars, text=text
            )
    except IntegrityError:
        raise AlreadyReviewed() from None
    figures = Review.objects.filter(shop=order.shop).aggregate(avg=Avg("stars"), count=Count("id"))
    shop_set_rating(
        shop=order.shop, rating_avg=Decimal(str(figures["avg"] or 0)), rating_count=figures["count"]
    )
    return review
