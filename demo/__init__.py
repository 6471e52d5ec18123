"""The local demo site: the xblock-sdk workbench with personas and an accessible landing page."""
