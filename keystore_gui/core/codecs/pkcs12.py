"""Codec module: pkcs12 (registers itself with keystore_gui.core.formats)."""
