"""Shared fixtures: real keystores made by keytool and openssl."""

from __future__ import annotations
