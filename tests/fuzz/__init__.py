"""Fuzzing at depth: every JSON handler, the multipart handlers, the OLX reader and the editor codec (marked slow)."""
