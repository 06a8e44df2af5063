"""The frozen app's entry point (PyInstaller runs a script, not a console_scripts entry).

One binary, two commands: started as ``keystore-cli`` (the Debian package's
``/usr/bin/keystore-cli`` is a link to it) it is the command line, without loading Qt; under
any other name it is the window.
"""

import os
import sys


def main() -> int:
    if os.path.basename(sys.argv[0]) == "keystore-cli":
        from keystore_gui.cli import main as cli

        return cli()
    from keystore_gui.gui.app import main as gui

    return gui()


if __name__ == "__main__":
    sys.exit(main())
