"""Administrative areas of Indonesia (Kemendagri codes) and China (adcodes), in one table.

Indonesia: province → regency/city → district → village (38 / 514 / 7,285 / 83,762 rows).
China: province → prefecture → county; a Chinese address is a county plus the village as text.
Each province carries its IANA time zone (WIB, WITA, WIT or Asia/Shanghai); lower levels inherit it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    INDONESIA = "ID", _("Indonesia")
    CHINA = "CN", _("China")


class Level(models.IntegerChoices):
    PROVINCE = 1, _("province")
    REGENCY = 2, _("regency or city")
    DISTRICT = 3, _("district")
    VILLAGE = 4, _("village")


class Area(models.Model):
    # Dotted Kemendagri code ("72.03.05.2001") or a 6-digit Chinese adcode ("CN-330112"), prefixed "CN-"
    # so the two code spaces never collide.
    code = models.CharField(max_length=16, unique=True)
    country = models.CharField(max_length=2, choices=Country.choices, default=Country.INDONESIA)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    # desa, kelurahan, kabupaten, kota, kecamatan, distrik, 县, 区, 市...
    kind = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=128)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Denormalised ancestors, so "everything in this regency" is one indexed lookup.
    province_code = models.CharField(max_length=16, db_index=True)
    regency_code = models.CharField(max_length=16, blank=True, db_index=True)
    district_code = models.CharField(max_length=16, blank=True, db_index=True)
    postal_codes = models.CharField(max_length=64, blank=True)
    timezone = models.CharField(max_length=32)
    # "Kabupaten Sigi, Sulawesi Tengah": the area with its parents, nearest first.
    path = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"]), models.Index(fields=["level", "name"])]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name
