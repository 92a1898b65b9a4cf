#!/usr/bin/env bash
# Set up the project: find a Python >= 3.12, make .venv with it, install the package.
#
# Usage: bootstrap.sh [EXTRA]. Without EXTRA, the package and its core dependencies only:
# what `make run` needs (no pyabc, Dask, Solara, Jupyter or test tools). With EXTRA (an
# extra of pyproject.toml: `dev` for `make test`, `dashboard` for `make dashboard`), that
# extra too. Each set is installed once: a stamp per set, newer than pyproject.toml.
#
# Finds the interpreter by itself, in this order: $ESCSIM_PYTHON, python3.13, python3.12,
# python3 on PATH, then pyenv's versions (newest first). Exits 1 with a clear message if
# none is 3.12 or newer. Idempotent: a second run only checks (the install is skipped
# while .venv/.installed-stamp is newer than pyproject.toml).
#
# Environment: ESCSIM_PYTHON (an interpreter to use), ESCSIM_VENV (the venv's path,
# default .venv), ESCSIM_PYENV_ROOTS (colon-separated pyenv roots to search; default:
# `pyenv root`, $PYENV_ROOT, ~/.pyenv).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV="${ESCSIM_VENV:-.venv}"
EXTRA="${1:-}"
MIN_MINOR=12

is_suitable() {  # $1: an interpreter; true if it runs and is Python 3.12+
  "$1" -c "import sys; sys.exit(0 if sys.version_info >= (3, $MIN_MINOR) else 1)" >/dev/null 2>&1
}

candidates() {
  [ -n "${ESCSIM_PYTHON:-}" ] && echo "$ESCSIM_PYTHON"
  for name in python3.13 python3.12 python3; do
    command -v "$name" 2>/dev/null || true
  done
  local roots="${ESCSIM_PYENV_ROOTS:-}"
  if [ -z "$roots" ]; then
    roots="$(pyenv root 2>/dev/null || true):${PYENV_ROOT:-}:$HOME/.pyenv"
  fi
  local IFS=':'
  for root in $roots; do
    [ -n "$root" ] && [ -d "$root/versions" ] || continue
    # Newest first: sort the version directories by version number, descending.
    ls -1 "$root/versions" 2>/dev/null | grep -E '^3\.[0-9]+' | sort -t. -k1,1n -k2,2n -k3,3n -r \
      | while read -r v; do echo "$root/versions/$v/bin/python"; done
  done
}

find_python() {
  local tried=()
  while read -r candidate; do
    [ -n "$candidate" ] || continue
    tried+=("$candidate")
    if is_suitable "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done < <(candidates)
  {
    echo "escsim set-up: no Python 3.$MIN_MINOR or newer found (Mesa 3.5 needs it)."
    if [ ${#tried[@]} -gt 0 ]; then
      echo "Tried:"
      for t in "${tried[@]}"; do
        echo "  $t ($("$t" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo 'does not run'))"
      done
    else
      echo "Tried: nothing found on PATH or under pyenv."
    fi
    echo "Fix: install Python 3.12 or newer (e.g. 'pyenv install 3.12'), or set"
    echo "ESCSIM_PYTHON=/path/to/python3.12 and run this again."
  } >&2
  return 1
}

venv_ok() { [ -x "$VENV/bin/python" ] && is_suitable "$VENV/bin/python"; }

if ! venv_ok; then
  PYTHON="$(find_python)" || exit 1
  echo "escsim set-up: using $PYTHON ($("$PYTHON" -c 'import sys; print(sys.version.split()[0])'))"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi

fresh() { [ -f "$1" ] && ! [ pyproject.toml -nt "$1" ]; }  # $1: a stamp

STAMP="$VENV/.installed-${EXTRA:-core}"
# The dev extra includes every other one: its stamp covers them all.
if ! fresh "$STAMP" && ! fresh "$VENV/.installed-dev"; then
  if [ -n "$EXTRA" ]; then
    echo "escsim set-up: installing the package with its '$EXTRA' extra into $VENV"
  else
    echo "escsim set-up: installing the package and its core dependencies into $VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".${EXTRA:+[$EXTRA]}"
  touch "$STAMP"
fi
