#!/usr/bin/env bash
# Makes dist/assistant_VERSION_ARCH.deb from the PyInstaller bundle (called by packaging/build.sh):
#   /opt/assistant/                    the bundle
#   /usr/bin/assistant, assistant-gui  links to its two executables
#   /usr/share/applications, icons/hicolor (SVG + PNG 16…512), metainfo, man1, doc, lintian overrides
# Depends: is what dpkg-shlibdeps finds for every ELF file of the bundle that the bundle does not
# bring itself, plus fonts (a CJK one: the UI speaks 简体中文). No maintainer scripts: the icon
# cache and desktop database are refreshed by the triggers of hicolor-icon-theme and
# desktop-file-utils. Then lintian checks the package when it is installed (warnings are listed).
# Usage: make_deb.sh VERSION BUNDLE_DIR ICONS_DIR OUT_DIR
set -euo pipefail
VERSION=$1 BUNDLE=$(realpath "$2") ICONS=$(realpath "$3") OUT=$(realpath "$4")
HERE=$(cd "$(dirname "$0")" && pwd)
PACKAGING=$(dirname "$HERE")
ARCH=$(dpkg --print-architecture)
APP_ID=io.github.assistant.Assistant
STAGE=$(realpath -m "build/deb/assistant_${VERSION}_${ARCH}")
DEB="$OUT/assistant_${VERSION}_${ARCH}.deb"

rm -rf "$STAGE"
mkdir -p "$STAGE"/{DEBIAN,opt,usr/bin,usr/share/applications,usr/share/metainfo} \
  "$STAGE"/usr/share/{doc/assistant,man/man1,lintian/overrides,icons}
cp -a "$BUNDLE" "$STAGE/opt/assistant"
ln -s /opt/assistant/assistant "$STAGE/usr/bin/assistant"
ln -s /opt/assistant/assistant-gui "$STAGE/usr/bin/assistant-gui"
install -m644 "$PACKAGING/assistant.desktop" "$STAGE/usr/share/applications/assistant.desktop"
cp -r "$ICONS" "$STAGE/usr/share/icons/hicolor"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u +%F)/" "$HERE/$APP_ID.metainfo.xml" \
  > "$STAGE/usr/share/metainfo/$APP_ID.metainfo.xml"
install -m644 "$HERE/copyright" "$STAGE/usr/share/doc/assistant/copyright"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -u -R)/" "$HERE/changelog" \
  | gzip -9n > "$STAGE/usr/share/doc/assistant/changelog.gz"
sed -e "s/@VERSION@/$VERSION/" "$HERE/assistant.1" | gzip -9n > "$STAGE/usr/share/man/man1/assistant.1.gz"
echo ".so man1/assistant.1" | gzip -9n > "$STAGE/usr/share/man/man1/assistant-gui.1.gz"
install -m644 "$HERE/lintian-overrides" "$STAGE/usr/share/lintian/overrides/assistant"
# Libraries as Debian ships them: stripped of debug symbols (not the two executables: PyInstaller
# appends the app's archive to them), no search path of the build machine (pyenv's
# RUNPATH=/root/.pyenv/…), not executable.
find "$STAGE/opt" -type f -name '*.so*' -exec strip --strip-unneeded --remove-section=.comment \
  --remove-section=.note {} +
find "$STAGE/opt" -type f -name '*.so*' -print0 | while IFS= read -r -d '' library; do
  case "$(patchelf --print-rpath "$library" 2>/dev/null)" in
    /*) patchelf --remove-rpath "$library" ;;
  esac
done
find "$STAGE" -type d -exec chmod 755 {} +
find "$STAGE/usr/share" -type f -exec chmod 644 {} +
find "$STAGE/opt" -type f -exec chmod 644 {} +
chmod 755 "$STAGE/opt/assistant/assistant" "$STAGE/opt/assistant/assistant-gui"

# Libraries the bundle needs from the system: dpkg-shlibdeps over every ELF file, the bundle's own
# folders being searched first (what is found there is not a dependency).
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/debian"
printf 'Source: assistant\n\nPackage: assistant\nArchitecture: any\n' > "$SCRATCH/debian/control"
mapfile -t ELF_FILES < <(find "$STAGE/opt/assistant" -type f \( -name '*.so*' -o -perm -u+x \) \
  -exec sh -c 'head -c4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
LIB_DIRS=()
while IFS= read -r dir; do LIB_DIRS+=("-l$dir"); done < <(
  find "$STAGE/opt/assistant" -name '*.so*' -printf '%h\n' | sort -u)
(cd "$SCRATCH" && dpkg-shlibdeps -O --ignore-missing-info --warnings=0 "${LIB_DIRS[@]}" \
  -e"${ELF_FILES[@]}" 2>"$SCRATCH/errors") > "$SCRATCH/shlibs" \
  || { cat "$SCRATCH/errors" >&2; exit 1; }
SHLIBS=$(sed -n 's/^shlibs:Depends=//p' "$SCRATCH/shlibs")
DEPENDS="$SHLIBS, fontconfig, fonts-dejavu-core, fonts-noto-cjk | fonts-wqy-microhei"

INSTALLED_SIZE=$(du -sk --apparent-size "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<EOF
Package: assistant
Version: $VERSION
Architecture: $ARCH
Maintainer: The Assistant developers <assistant@example.org>
Installed-Size: $INSTALLED_SIZE
Depends: $DEPENDS
Recommends: ca-certificates, hicolor-icon-theme, desktop-file-utils
Suggests: gnome-keyring
Section: editors
Priority: optional
Homepage: https://example.org/assistant
Description: desktop writing and coding assistant with a built-in local model
 Pick a mode (article, ad copy, code completion, explanation, fix, tests,
 translation, summary, chat), fill a few fields or paste text or code, and
 watch the answer stream in. It speaks the OpenAI chat protocol to OpenAI and
 compatible servers (Ollama, LM Studio, vLLM, DeepSeek, Qwen) and ships a
 built-in llama.cpp engine that works offline with no key.
 .
 This package installs a self-contained bundle (Python, Qt, llama.cpp) in
 /opt/assistant. Settings, history, models and keys stay in the user's home
 and keyring when it is removed.
EOF

mkdir -p "$OUT"
rm -f "$DEB"
dpkg-deb --root-owner-group -Zgzip --build "$STAGE" "$DEB" >/dev/null
echo "== $DEB: $(du -h "$DEB" | cut -f1)"
echo "   Depends: $DEPENDS"
if command -v lintian >/dev/null; then
  echo "== lintian (errors fail the build; warnings are listed)"
  lintian --tag-display-limit 0 "$DEB" | tee "$OUT/lintian.txt" || true
  if grep -q '^E:' "$OUT/lintian.txt"; then
    echo "lintian found errors" >&2
    exit 1
  fi
else
  echo "lintian not installed (apt-get install lintian): not checked"
fi
