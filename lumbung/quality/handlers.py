"""What the gate does when catalog says something happened (registered in QualityConfig.ready).

catalog emits ``catalog.product_submitted`` after a seller creates a product for sale, submits a
draft, or changes a product's category. The handler runs after catalog's transaction commits.
"""

from __future__ import annotations

import logging

from django.db import transaction

from lumbung.catalog.models import Product
from lumbung.catalog.services import PRODUCT_SUBMITTED
from lumbung.core import events

from .models import PublicationRequest
from .services import gate_apply, publication_request_record

log = logging.getLogger(__name__)


@events.on(PRODUCT_SUBMITTED)
def on_product_submitted(*, product_id: str, **_payload) -> None:
    with transaction.atomic():
        product = Product.objects.select_related("shop", "category").filter(public_id=product_id).first()
        if product is None:
            return
        result = gate_apply(product=product)
        # Our own "request publication" already recorded the request in the submitting transaction.
        already = PublicationRequest.objects.filter(
            product=product, requested_at__gte=product.updated_at
        ).exists()
        if not already:
            publication_request_record(product=product, actor=None, result=result)
