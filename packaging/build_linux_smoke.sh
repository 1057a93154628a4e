#!/usr/bin/env bash
# Linux smoke test of the Windows spec: build packaging/ecodesk.spec here (PyInstaller cannot
# cross-build, but the same spec proves the hidden imports, the data files and the Qt hooks), then
# run the frozen EcoDesk --self-test offscreen and the frozen command line.
#
#   bash packaging/build_linux_smoke.sh          # uses the active venv (or .venv / /work/venv)
#
# Output goes to build/ and dist/ (git-ignored). Exits non-zero if the build or a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
  for venv in .venv /work/venv; do
    if [ -f "$venv/bin/activate" ]; then
      # shellcheck disable=SC1090,SC1091
      . "$venv/bin/activate"
      break
    fi
  done
fi

start=$(date +%s)
echo "== install the package extra (PyInstaller)"
python -m pip install -q -e ".[package]"
python -m PyInstaller --version

echo "== build packaging/ecodesk.spec"
built_from=$(date +%s)
python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/ecodesk.spec
built=$(( $(date +%s) - built_from ))
bundle=dist/EcoDesk
size=$(du -sm "$bundle" | cut -f1)
echo "built $bundle in ${built} s, ${size} MB"

echo "== frozen command line"
"$bundle/ecodesk-cli" --version
cli_db="build/smoke-cli/ecodesk.db"
rm -rf build/smoke-cli
"$bundle/ecodesk-cli" --db "$cli_db" -q init --town 清水镇  # runs the Alembic chain from the bundle
"$bundle/ecodesk-cli" --db "$cli_db" check | tail -3

echo "== frozen EcoDesk --self-test (offscreen)"
report=build/selftest-report.txt
rm -f "$report"
tested_from=$(date +%s)
QT_QPA_PLATFORM=offscreen "$bundle/EcoDesk" --self-test "$report"
echo "self-test took $(( $(date +%s) - tested_from )) s"
grep -q "^自检通过" "$report"

echo "== no test or build tools in the bundle"
if find "$bundle/_internal" -maxdepth 1 \( -name 'pytest*' -o -name '_pytest' -o -name 'PyInstaller' \
     -o -name 'libQt6WebEngine*' -o -name 'libQt63D*' -o -name 'libQt6Multimedia*' \) | grep .; then
  echo "the bundle carries something it should not" >&2
  exit 1
fi
echo "Linux smoke build passed in $(( $(date +%s) - start )) s (bundle ${size} MB)"
