"""``python -m mwtui.demo.sandbox serve <integration> [--port N]``."""

from mwtui.demo.sandbox.server import main

if __name__ == "__main__":
    raise SystemExit(main())
