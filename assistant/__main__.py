"""`python -m assistant` behaves like the `assistant` command."""

from assistant.cli.main import main

raise SystemExit(main())
