"""Logistics writes. Quoting is a read and lives in ``selectors``; it is re-exported here because
checkout (orders) calls it next to the writes it makes.

Rate cards are written by platform admins through the Django admin (see ``admin.py``).
"""

from __future__ import annotations

from .selectors import shipping_quote, shipping_quote_detail

__all__ = ["shipping_quote", "shipping_quote_detail"]
