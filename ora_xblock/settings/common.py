"""Defaults for every environment; operators override them in their own settings."""


def plugin_settings(settings):
    """Add ora_xblock's defaults to the platform's ``settings`` module, keeping any set already."""
    defaults = {
        # Extensions learners may never upload, whatever a problem allows (see the seed list).
        "ORA_XBLOCK_EXTRA_PROHIBITED_EXTENSIONS": [],
    }
    for name, value in defaults.items():
        if not hasattr(settings, name):
            setattr(settings, name, value)
