"""Keystore GUI: a keystore explorer for JKS, JCEKS and PKCS#12 files."""

__version__ = "0.1.0"
