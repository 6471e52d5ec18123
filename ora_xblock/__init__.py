"""ora_xblock: Open Response Assessment for Open edX."""

__version__ = "1.0.0"
