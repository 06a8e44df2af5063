"""Shared fixtures: real keystores made by keytool and openssl."""

from __future__ import annotations

from tests.certfactory import dsa_cert_der, two_certs  # noqa: F401
