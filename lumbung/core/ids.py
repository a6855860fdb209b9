"""Opaque public ids: what URLs and the API show instead of sequential primary keys."""

import secrets

# Crockford's base32 without I, L, O, U: readable aloud at a counter, no look-alike letters.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
PUBLIC_ID_LENGTH = 16


def new_public_id() -> str:
    """16 characters, 80 random bits."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def new_code(length: int = 8) -> str:
    """A short human code (order, parcel, pickup reference), upper-case base32."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length)).upper()
