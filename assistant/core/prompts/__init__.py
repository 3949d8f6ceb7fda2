"""Modes as data and the one way to turn (mode, values) into a request: mode files (TOML), safe
template rendering in jinja2's sandbox, and the request builder shared by the window, the CLI and
batch runs."""
