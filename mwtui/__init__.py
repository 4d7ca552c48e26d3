"""mwtui: a keyboard-first terminal workspace for small trade businesses."""

__version__ = "0.1.0"
