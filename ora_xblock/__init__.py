"""ora_xblock: Open Response Assessment for Open edX."""

__version__ = "0.1.0"
