#!/usr/bin/env bash
# The test command (README.md): installs what the tests need, then runs every check.
#   system packages (apt-get, when missing): Qt's xcb/EGL libraries, Xvfb, D-Bus and GNOME Keyring,
#   a CJK font (Chinese must render), poppler-utils (pdftotext reads the exported PDFs) and patch
#   (the diffs of `assistant run --diff` are applied with it)
#   Python packages: the project with its `test` extra, in .venv (PYTHON picks the interpreter)
#   checks: ruff, ruff format, mypy, import-linter ("core imports no Qt"), pytest (incl. e2e)
# Extra arguments go to pytest, e.g. `bash tests/run.sh -m "not e2e"`.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  dbus dbus-x11 gnome-keyring xvfb xdotool
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core
  fonts-wqy-microhei poppler-utils patch
)
missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

export QT_QPA_PLATFORM=offscreen
# The end-to-end tests use the real built-in model, installed here by the app's own command into a
# cache kept between runs (downloaded once; later runs find it in place).
MODEL_HOME="${ASSISTANT_TEST_HOME:-$HOME/.cache/assistant-test}"
export ASSISTANT_MODEL_CACHE="$MODEL_HOME/data/models"
echo "== built-in model"; ASSISTANT_HOME="$MODEL_HOME" .venv/bin/assistant models install
echo "== ruff";          .venv/bin/ruff check assistant tests
echo "== ruff format";   .venv/bin/ruff format --check assistant tests
echo "== mypy";          .venv/bin/mypy
echo "== import rules";  .venv/bin/lint-imports
echo "== pytest";        .venv/bin/python -m pytest "$@"

# The packaging stage (packaging/README.md): packaging/build.sh builds the bundle and the .deb, which
# is installed with apt-get, smoke-tested (--version, the window, the built-in engine) and removed.
# On CI (CI=true) or with ASSISTANT_PACKAGING=1; needs root (or sudo); 4–6 min here (2 cores).
if [ "${CI:-}" = true ] || [ "${ASSISTANT_PACKAGING:-}" = 1 ]; then
  PACKAGING_TOOLS=(dpkg-dev lintian appstream desktop-file-utils binutils patchelf)
  missing=()
  for package in "${PACKAGING_TOOLS[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  echo "== packaging (build, install the .deb, smoke test, remove)"
  ASSISTANT_PACKAGING_STAGE=1 .venv/bin/python -m pytest -p no:cacheprovider -s tests/packaging/test_installed_package.py
fi
