"""The command-line interface: the same core, for scripts and headless machines."""
