"""``python -m mwtui.importers.sandbox serve <integration> [--port N]``."""

from mwtui.importers.sandbox.server import main

if __name__ == "__main__":
    raise SystemExit(main())
