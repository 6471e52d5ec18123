"""Production settings: read the operator's overrides from the platform's ENV_TOKENS."""


def plugin_settings(settings):
    """Let ``ORA_XBLOCK_*`` keys in the platform's YAML config override the defaults."""
    tokens = getattr(settings, "ENV_TOKENS", {}) or {}
    for name, value in tokens.items():
        if name.startswith("ORA_XBLOCK_"):
            setattr(settings, name, value)
