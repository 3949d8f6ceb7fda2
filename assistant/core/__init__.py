"""Pure-Python core of the assistant. Nothing here imports Qt (enforced by import-linter)."""
