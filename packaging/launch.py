"""Entry point of the standalone build (PyInstaller runs this file as the program).

Double-clicked with no arguments it opens the game, exactly like `customer-sim`; given
arguments it is the whole command line (validate, run, doctor, ...).
"""

import sys

from simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
