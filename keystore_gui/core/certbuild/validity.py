"""Validity periods: from a number of days, months or years, or from two dates."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..model import Certificate
from .names import CertificateInputError

PERIOD_UNITS = ("days", "months", "years")
DEFAULT_PERIOD = (1, "years")


def add_period(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """``start`` plus whole days, months or years (Jan 31 + 1 month = Feb 28/29)."""
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit not in ("months", "years"):
        raise CertificateInputError(f"unknown period unit '{unit}' (use days, months or years)")
    months = amount * (12 if unit == "years" else 1)
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9998:
        raise CertificateInputError("the validity period is too long")
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Validity:
    not_before: dt.datetime
    not_after: dt.datetime

    @classmethod
    def from_period(
        cls, amount: int, unit: str = "days", start: dt.datetime | None = None
    ) -> Validity:
        if amount <= 0:
            raise CertificateInputError("the validity period must be at least 1")
        begin = _utc(start) if start is not None else _now()
        return cls.between(begin, add_period(begin, amount, unit))

    @classmethod
    def between(cls, start: dt.datetime, end: dt.datetime) -> Validity:
        begin, finish = _utc(start), _utc(end)
        if finish <= begin:
            raise CertificateInputError("the end of validity must come after its start")
        if finish.year > 9999:
            raise CertificateInputError("the end of validity is after the year 9999")
        return cls(begin, finish)

    @classmethod
    def default(cls) -> Validity:
        return cls.from_period(*DEFAULT_PERIOD)

    def within(self, issuer: Certificate) -> Validity:
        """This validity, ending no later than ``issuer`` does (a CA cannot vouch beyond it)."""
        if self.not_after <= issuer.not_after:
            return self
        if issuer.not_after <= self.not_before:
            raise CertificateInputError(
                f"the CA '{issuer.common_name()}' expires on {issuer.not_after:%Y-%m-%d}, before "
                "this certificate would start"
            )
        return Validity.between(self.not_before, issuer.not_after)


def _utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
