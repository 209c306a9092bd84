"""relterm: a keyboard-driven terminal app for professional relationships."""

__version__ = "0.1.0"
