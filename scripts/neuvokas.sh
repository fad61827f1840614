#!/usr/bin/env bash
# Set up on a fresh machine, then hand over to the Python CLI (bot/cli.py).
#   scripts/neuvokas.sh run    start the whole system
#   scripts/neuvokas.sh test   run every test
# Finds Python 3.8-3.10 (Rasa 3.6), creates .venv, installs the pinned lock when it changed,
# installs Debian's libvoikko1 and voikko-fi when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"

say() { printf '[neuvokas] %s\n' "$*" >&2; }

python_ok() {
  "$1" -c 'import sys, venv; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidates=()
  [ -n "${NEUVOKAS_PYTHON:-}" ] && candidates+=("$NEUVOKAS_PYTHON")
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for v in $(ls -1 "$root/versions" 2>/dev/null | grep -E '^3\.(10|9|8)\.[0-9]+$' | sort -t. -k2,2nr -k3,3nr); do
      candidates+=("$root/versions/$v/bin/python${v%.*}")
    done
  fi
  for v in 3.10 3.9 3.8; do
    command -v "python$v" >/dev/null 2>&1 && candidates+=("$(command -v "python$v")")
  done
  for p in /usr/bin/python3.10 /usr/local/bin/python3.10 python3; do candidates+=("$p"); done
  for p in "${candidates[@]}"; do
    if python_ok "$p"; then echo "$p"; return 0; fi
  done
  return 1
}

ensure_voikko() {
  if ldconfig -p 2>/dev/null | grep 'libvoikko.so.1' >/dev/null && { [ -d /usr/lib/voikko ] || [ -d /usr/share/voikko ]; }; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages libvoikko1 and voikko-fi (Finnish lemmatizer)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvoikko1 voikko-fi >/dev/null
    return 0
  fi
  say "The Finnish lemmatizer needs the Debian packages libvoikko1 and voikko-fi."
  say "Install them as root:  sudo apt-get install libvoikko1 voikko-fi   and run this again."
  exit 1
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    local py
    if ! py=$(find_python); then
      say "No Python 3.8-3.10 found (Rasa 3.6 needs one)."
      say "Install one, e.g. 'pyenv install 3.10.13', or set NEUVOKAS_PYTHON=/path/to/python3.10."
      exit 1
    fi
    say "creating .venv with $py"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing pinned dependencies (requirements.txt), this takes a few minutes the first time"
    local started=$SECONDS
    # (the filter only hides pip's warnings about this machine's local mirror folders)
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip<24" "setuptools<70" wheel \
      2> >(grep -v "is ignored: it is neither" >&2)
    "$VENV/bin/python" -m pip install --quiet -r requirements.txt \
      2> >(grep -v "is ignored: it is neither" >&2)
    "$VENV/bin/python" -m pip check
    echo "$want" > "$stamp"
    say "dependencies installed in $((SECONDS - started)) s"
  fi
}

# The browser tests need Debian's Chromium (Playwright's own browser download is not used) and
# axe-core from npm (package-lock.json pins it).
ensure_test_tools() {
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing Debian packages chromium and chromium-driver (browser tests)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
      say "The browser tests need Debian's chromium:  sudo apt-get install chromium chromium-driver"
      exit 1
    fi
  fi
  if ! [ -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    if ! command -v npm >/dev/null 2>&1; then
      say "The accessibility test needs Node.js and npm (for axe-core):  sudo apt-get install nodejs npm"
      exit 1
    fi
    say "installing axe-core from npm (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error 2> >(grep -v "Unknown user config" >&2)
  fi
}

ensure_voikko
ensure_venv
[ "${1:-}" = "test" ] && ensure_test_tools
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
exec "$VENV/bin/python" -m bot.cli "$@"
