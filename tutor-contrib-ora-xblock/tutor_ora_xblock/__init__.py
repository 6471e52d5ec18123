"""Tutor plugin for ora-xblock. Its version is the version of ora-xblock it installs."""

__version__ = "1.0.0"
