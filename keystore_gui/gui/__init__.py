"""The Qt window: a thin layer over :mod:`keystore_gui.core`."""
