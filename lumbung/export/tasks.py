"""Periodic jobs of the export desk (plain services registered with lumbung.core.periodic)."""

from __future__ import annotations
