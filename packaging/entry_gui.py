"""Frozen entry point of ``assistant-gui`` (PyInstaller; windowed on Windows and macOS).

The engine's helper process is started as ``sys.executable --engine-host`` (see
``assistant/core/engine/host_process.py``), so this executable must serve it too.
"""

import sys

from assistant.core.engine.host import HOST_FLAG

if sys.argv[1:2] == [HOST_FLAG]:
    from assistant.core.engine.host import host_main

    raise SystemExit(host_main(sys.argv[2:]))

from assistant.app import main

raise SystemExit(main())
