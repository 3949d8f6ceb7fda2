"""Frozen entry point of ``assistant`` (PyInstaller): the command line, the window, the engine host."""

from assistant.cli.main import main

raise SystemExit(main())
