"""Writes of the export desk, one module per stage. Each entry point owns its transaction."""
