"""Typed request and response bodies of the accounts API. Public ids only, never primary keys."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class AccountAreaOut(Schema):
    code: str
    name: str
    path: str


class OtpRequestIn(Schema):
    phone: str = Field(max_length=40, examples=["0812-3456-7890"])
    language: str | None = Field(default=None, max_length=8)


class OtpRequestOut(Schema):
    sent: bool
    expires_in: int


class OtpVerifyIn(Schema):
    phone: str = Field(max_length=40)
    code: str = Field(max_length=12)
    language: str | None = Field(default=None, max_length=8)
    issue_token: bool = False
    token_name: str = Field(default="API", max_length=80)


class MeOut(Schema):
    public_id: str
    phone: str
    name: str
    language: str
    village: AccountAreaOut | None
    has_password: bool
    needs_profile: bool


class OtpVerifyOut(Schema):
    user: MeOut
    created: bool
    token: str | None = None


class MeUpdateIn(Schema):
    name: str = Field(max_length=120)
    language: str = Field(max_length=8)
    village_code: str | None = Field(default=None, max_length=16)


class TokenOut(Schema):
    prefix: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str = Field(max_length=80)


class TokenCreatedOut(TokenOut):
    token: str = Field(description="Shown only now; store it safely. Only its hash is kept.")


class OrganisationOut(Schema):
    public_id: str
    kind: str
    name: str
    village: AccountAreaOut
    address: str
    phone: str
    my_roles: list[str]


class OrganisationCreateIn(Schema):
    kind: str = Field(max_length=20)
    name: str = Field(max_length=160)
    village_code: str = Field(max_length=16)
    address: str = Field(default="", max_length=255)
    phone: str = Field(default="", max_length=40)


class MemberOut(Schema):
    user_public_id: str
    name: str
    phone: str
    role: str


class MemberAddIn(Schema):
    phone: str = Field(max_length=40)
    role: str = Field(max_length=24)


class PersonOut(Schema):
    public_id: str
    name: str
    phone: str
    has_own_phone: bool


class GrantOut(Schema):
    public_id: str
    agent: PersonOut
    villager: PersonOut
    centre: str | None
    purpose: str
    consent_method: str
    status: str
    created_at: datetime
    consented_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None


class GrantStartIn(Schema):
    villager_phone: str = Field(max_length=40)
    purpose: str = Field(max_length=20)
    centre: str = Field(max_length=16, description="public id of your service centre")


class GrantConfirmIn(Schema):
    code: str = Field(max_length=12)


class NewVillagerIn(Schema):
    name: str = Field(max_length=120)
    village_code: str = Field(max_length=16)


class GrantInPersonIn(Schema):
    villager_id: str | None = Field(
        default=None, max_length=16, description="the villager's public id or no-phone id (NP-...)"
    )
    new_villager: NewVillagerIn | None = None
    purpose: str = Field(max_length=20)
    centre: str = Field(max_length=16)
    consent_note: str = Field(max_length=255)
