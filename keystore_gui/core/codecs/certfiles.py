"""Codec module: certfiles (registers itself with keystore_gui.core.formats)."""
