"""Rules the CLI and the window share: how bad a finding is, when a certificate counts as
expiring, and which passwords a store type's Java readers accept."""

from __future__ import annotations

import datetime as dt
from enum import Enum, IntEnum

from .model import Certificate, StoreType

DEFAULT_WARNING_DAYS = 30
"""A certificate expiring within this many days is flagged (health report, trust paths, tree)."""


class Severity(IntEnum):
    """How bad a finding or a link of a trust path is; ``OK`` and ``INFO`` are the same level."""

    INFO = 0
    OK = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class Status(Enum):
    NONE = ""
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"


def certificate_status(
    cert: Certificate, now: dt.datetime, warning_days: int = DEFAULT_WARNING_DAYS
) -> tuple[Status, str, int]:
    """The status, its text (``expires in 12 days``) and the days left (negative once expired)."""
    return validity_status(cert.not_before, cert.not_after, now, warning_days)


def validity_status(
    not_before: dt.datetime,
    not_after: dt.datetime,
    now: dt.datetime,
    warning_days: int = DEFAULT_WARNING_DAYS,
) -> tuple[Status, str, int]:
    """:func:`certificate_status` from the validity dates."""
    days = (not_after - now).days
    if now < not_before:
        return Status.NOT_YET_VALID, "not yet valid", days
    if not_after < now:
        return Status.EXPIRED, "expired", days
    if days <= warning_days:
        if days == 0:
            return Status.EXPIRING, "expires today", days
        return Status.EXPIRING, f"expires in {days} day{'s' if days != 1 else ''}", days
    return Status.VALID, "valid", days


def store_password_must_be_ascii(store_type: StoreType) -> bool:
    """keytool refuses a non-ASCII PKCS#12 password, and cannot open a file made with one."""
    return store_type is StoreType.PKCS12


def key_password_must_be_ascii(store_type: StoreType) -> bool:
    """Java cannot use a non-ASCII JCEKS key password."""
    return store_type is StoreType.JCEKS
