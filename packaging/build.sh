#!/usr/bin/env bash
# Builds, from a clean checkout, everything packaging/README.md describes:
#   dist/assistant/                               the PyInstaller one-folder bundle
#   dist/assistant-VERSION-linux-ARCH.tar.gz      the bundle for any Linux distribution
#   dist/assistant_VERSION_ARCH.deb               the Debian package (when dpkg-deb is there)
# The Python packages (the app with its `packaging` extra, PyInstaller among them) go into a
# build venv of their own, build/venv (PYTHON picks the interpreter; it needs a shared libpython).
# ASSISTANT_BUILD_PYTHON=/path/to/python skips that venv and uses one that already has them.
# The commit being built is baked into the bundle (assistant --version, Help → About).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PYTHON="${PYTHON:-python3}"
if [ -n "${ASSISTANT_BUILD_PYTHON:-}" ]; then
  BUILD_PYTHON="$ASSISTANT_BUILD_PYTHON"
else
  [ -x build/venv/bin/python ] || "$PYTHON" -m venv build/venv
  echo "== build venv: the app and PyInstaller"
  build/venv/bin/python -m pip install -q --disable-pip-version-check ".[packaging]"
  BUILD_PYTHON=build/venv/bin/python
fi

VERSION=$("$BUILD_PYTHON" -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  COMMIT="$COMMIT-dirty"
fi
mkdir -p build/buildinfo
printf '%s\n' "$COMMIT" > build/buildinfo/BUILD
echo "== PyInstaller: assistant $VERSION (build $COMMIT)"
rm -rf dist/assistant
ASSISTANT_BUILD_FILE="$ROOT/build/buildinfo/BUILD" "$BUILD_PYTHON" -m PyInstaller \
  --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/assistant.spec

echo "== bundle: $(du -sh dist/assistant | cut -f1)"
dist/assistant/assistant --version

case "$(uname -s)" in
  Linux)
    ARCH=$(uname -m)
    TARBALL="dist/assistant-$VERSION-linux-$ARCH.tar.gz"
    tar -C dist -czf "$TARBALL" assistant
    echo "== $TARBALL: $(du -h "$TARBALL" | cut -f1)"
    if command -v dpkg-deb >/dev/null; then
      # The Debian tools the package needs (installed with apt-get when missing, as tests/run.sh does).
      DEB_TOOLS=(dpkg-dev patchelf binutils lintian appstream desktop-file-utils)
      missing=()
      for package in "${DEB_TOOLS[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
      done
      if ((${#missing[@]})); then
        echo "== installing the Debian package tools: ${missing[*]}"
        if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
          "${missing[@]}" >/dev/null
      fi
      "$BUILD_PYTHON" packaging/icons.py build/icons >/dev/null
      bash packaging/deb/make_deb.sh "$VERSION" dist/assistant build/icons dist
    else
      echo "dpkg-deb not found (not Debian/Ubuntu): no .deb; the bundle and the .tar.gz are built"
    fi
    ;;
  *)
    echo "== not Linux: the bundle is dist/assistant (see packaging/README.md)"
    ;;
esac
