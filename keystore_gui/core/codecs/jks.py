"""Codec module: jks (registers itself with keystore_gui.core.formats)."""
