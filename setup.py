"""The one thing pyproject.toml cannot say: the top-level ``resources/`` folder (icons, desktop
entry, MIME types) ships inside the package as ``keystore_gui.resources``, so pip installs —
editable or not — and PyInstaller builds find it at ``keystore_gui/resources``."""

from setuptools import find_namespace_packages, find_packages, setup

RESOURCES = ["keystore_gui.resources"]
RESOURCES += [f"keystore_gui.resources.{name}" for name in find_namespace_packages("resources")]

setup(
    packages=[*find_packages(include=["keystore_gui*"]), *RESOURCES],
    package_dir={"keystore_gui.resources": "resources"},
)
