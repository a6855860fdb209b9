"""The export desk API (/api/export): exporters, RFQs, quotes, contracts, pools.

Every error is ``{code, message, details}`` in the caller's language. Lists show only what the caller
may see: a BUMDes never sees another's quotes; a buyer sees only the quotes on their own RFQs.
"""

from ninja import Router

from lumbung.accounts.api_auth import api_auth

from . import pooling, profiles, shipping, trade

router = Router(tags=["export"], auth=api_auth)
router.add_router("", profiles.router)
router.add_router("", trade.router)
router.add_router("", pooling.router)
router.add_router("", shipping.router)
