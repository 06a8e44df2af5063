"""Feature modules: each adds its actions to the main window with ``install(window)``."""
