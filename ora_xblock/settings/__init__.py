"""Settings that edx-platform merges into the LMS and Studio through plugin_app."""
