"""Optional window features; each module has ``install(window)``."""
