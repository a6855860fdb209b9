"""Phone-first people, organisations, scoped roles, acting-for consent, one-time codes, API tokens."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lumbung.core.ids import new_public_id


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields) -> User:
        from .phones import normalize_phone

        user = self.model(phone=normalize_phone(phone), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The login is the phone number in E.164; the password is optional."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    phone = models.CharField(_("phone number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="id")
    village = models.ForeignKey(
        "regions.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village"),
    )
    # A villager without a phone of their own can still be a user: an agent registers them and
    # records their consent in person. Such users never log in.
    has_own_phone = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.phone

    def get_full_name(self) -> str:
        return self.name or self.phone

    def get_short_name(self) -> str:
        return (self.name or self.phone).split(" ")[0]


class OrganisationKind(models.TextChoices):
    HOUSEHOLD = "household", _("household")
    BUSINESS = "business", _("business")
    BUMDES = "bumdes", _("BUMDes (village-owned enterprise)")
    PRODUCER_GROUP = "producer_group", _("producer group")
    SERVICE_CENTRE = "service_centre", _("village service centre")
    CARRIER = "carrier", _("carrier")
    TRADE_DESK = "trade_desk", _("export trade desk")
    PLATFORM = "platform", _("platform operator")


class Organisation(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=160)
    village = models.ForeignKey(
        "regions.Area", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("village")
    )
    # A Chinese address is a county plus the village as text; an Indonesian one adds street and RT/RW.
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    STAFF = "staff", _("staff")
    MEMBER = "member", _("member producer")
    CENTRE_AGENT = "centre_agent", _("centre agent")
    BUMDES_MANAGER = "bumdes_manager", _("BUMDes manager")
    QUALITY_INSPECTOR = "quality_inspector", _("quality inspector")
    EXPORT_FACILITATOR = "export_facilitator", _("export facilitator")
    OFFICIAL = "official", _("official")
    COURIER = "courier", _("courier")
    PLATFORM_ADMIN = "platform_admin", _("platform admin")


class Membership(models.Model):
    """A role held in a scope: an organisation (shop, centre, BUMDes, carrier...) or an area (officials)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    area = models.ForeignKey(
        "regions.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~(Q(organisation__isnull=False) & Q(area__isnull=False)),
                name="membership_one_scope",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_org_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area"],
                condition=Q(area__isnull=False),
                name="membership_unique_area_role",
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.organisation or self.area or ''}"


class CodePurpose(models.TextChoices):
    LOGIN = "login", _("log in")
    CONSENT = "consent", _("consent to an agent")


class OneTimeCode(models.Model):
    """A 6-digit code sent by SMS. Only its hash is stored; it expires and dies after 5 wrong tries."""

    phone = models.CharField(max_length=20, db_index=True)
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # For consent codes: which acting-for grant the code confirms.
    acting_for = models.ForeignKey(
        "ActingFor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["phone", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.phone} at {self.created_at:%Y-%m-%d %H:%M}"


class FailedAttempt(models.Model):
    """One wrong code or password for a phone number, kept an hour for the per-account lockout.

    Counted per phone number whether or not an account exists, so the lockout never reveals one.
    """

    phone = models.CharField(max_length=20)
    kind = models.CharField(max_length=16)  # "code" or "password"
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["phone", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} failure for {self.phone} at {self.at:%Y-%m-%d %H:%M}"


# A villager without a phone is registered by an agent under a non-dialable id ("NP-7K3M9QZ2"):
# it fills the unique login field, can never receive an SMS and can never log in.
NO_PHONE_PREFIX = "NP-"


class AssistPurpose(models.TextChoices):
    """What an agent may do for a villager under one grant. Later apps ask for one of these."""

    BUY = "buy", _("buy goods and pay for them")
    SELL = "sell", _("list products and sell them")
    DIGITAL = "digital", _("phone credit, bills and tickets")
    AFTERSALES = "aftersales", _("returns and complaints")


class ConsentMethod(models.TextChoices):
    CODE = "code", _("one-time code to the villager's phone")
    IN_PERSON = "in_person", _("recorded in-person consent")


class ActingFor(models.Model):
    """An agent acting on behalf of a villager, for a purpose, with the villager's consent."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    agent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="acting_for_grants")
    villager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assisted_by_grants")
    centre = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="acting_for_grants"
    )
    purpose = models.CharField(_("purpose"), max_length=200, choices=AssistPurpose.choices)
    consent_method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    # For in-person consent: who witnessed it and what was shown (e.g. KTP checked, thumbprint on slip).
    consent_note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    consented_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # In-person consent is only valid with a note of what was checked and signed.
            models.CheckConstraint(
                condition=~(Q(consent_method="in_person") & Q(consent_note="")),
                name="acting_for_in_person_needs_note",
            )
        ]
        indexes = [models.Index(fields=["agent", "expires_at"])]
        verbose_name = _("acting-for grant")
        verbose_name_plural = _("acting-for grants")

    def __str__(self) -> str:
        return f"{self.agent} → {self.villager}: {self.purpose}"

    def is_valid(self, at=None) -> bool:
        at = at or timezone.now()
        return self.consented_at is not None and self.revoked_at is None and self.expires_at > at


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the prefix identifies it in lists."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
