# shellcheck shell=bash
# Shared helpers for scripts/setup, scripts/run and scripts/test. Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# System packages the build needs (COpenBLAS, CHDF5 via pkg-config) plus h5dump/h5ls.
SYSTEM_PACKAGES=(libopenblas-dev libhdf5-dev zlib1g-dev pkg-config hdf5-tools)

# Conformance venv: kept outside the clone so repeated CI runs reuse it.
SWIFTGARDEN_VENV="${SWIFTGARDEN_VENV:-$HOME/.cache/swiftgarden/venv-tf2.21}"
export SWIFTGARDEN_VENV
CONFORMANCE_REQUIREMENTS="$REPO_ROOT/Tests/Conformance/requirements.txt"
CONFORMANCE_REQUIREMENTS_NODEPS="$REPO_ROOT/Tests/Conformance/requirements-nodeps.txt"
PYTHON_FOR_VENV="${PYTHON_FOR_VENV:-python3.11}"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*"; }
die() { printf '[%s] error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs whichever of SYSTEM_PACKAGES are missing; runs apt-get update once, only if needed.
ensure_system_packages() {
    local missing=() pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        if ! dpkg -s "$pkg" >/dev/null 2>&1 \
            || ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        log "system packages present: ${SYSTEM_PACKAGES[*]}"
        return 0
    fi
    log "apt-get update (missing: ${missing[*]})"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        elif [ -x /opt/swift/bin/swift ]; then
            export PATH="/opt/swift/bin:$PATH"
        else
            die "swift not found on PATH nor under /opt/swift"
        fi
    fi
    log "swift: $(swift --version 2>/dev/null | head -n 1)"
}

# `swift format` (swift-format) ships with Swift 6 toolchains; scripts/test lints with it.
ensure_swift_format() {
    swift format --version >/dev/null 2>&1 \
        || die "'swift format' not found (it ships with Swift 6.0 and later; $(swift --version 2>/dev/null | head -n 1))"
    log "swift format: $(swift format --version)"
}

# Every Swift file `swift format lint` checks (.swift-format at the root): Sources and Tests but
# the generated *.pb.swift, relative to REPO_ROOT, NUL-separated.
swift_lint_files() {
    (cd "$REPO_ROOT" && find Sources Tests -name '*.swift' ! -name '*.pb.swift' -print0 | sort -z)
}

# The marker holds a hash of both requirements files and is written only after a successful
# install, so a half-installed venv, or one built from other requirements, is recreated.
venv_marker() { echo "$SWIFTGARDEN_VENV/.swiftgarden-installed"; }

requirements_hash() { cat "$CONFORMANCE_REQUIREMENTS" "$CONFORMANCE_REQUIREMENTS_NODEPS" | sha256sum | cut -d' ' -f1; }

ensure_venv() {
    [ -f "$CONFORMANCE_REQUIREMENTS" ] || die "missing $CONFORMANCE_REQUIREMENTS"
    local marker want
    marker="$(venv_marker)"
    want="$(requirements_hash)"
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -x "$SWIFTGARDEN_VENV/bin/python" ]; then
        log "venv ready: $SWIFTGARDEN_VENV"
        return 0
    fi
    command -v "$PYTHON_FOR_VENV" >/dev/null 2>&1 || die "$PYTHON_FOR_VENV not found (needed for the conformance venv)"
    log "creating venv $SWIFTGARDEN_VENV with $PYTHON_FOR_VENV (a few minutes the first time)"
    rm -rf "$SWIFTGARDEN_VENV"
    mkdir -p "$(dirname "$SWIFTGARDEN_VENV")"
    "$PYTHON_FOR_VENV" -m venv "$SWIFTGARDEN_VENV"
    log "pip install -r Tests/Conformance/requirements.txt"
    "$SWIFTGARDEN_VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    "$SWIFTGARDEN_VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$CONFORMANCE_REQUIREMENTS"
    log "pip install --no-deps -r Tests/Conformance/requirements-nodeps.txt"
    "$SWIFTGARDEN_VENV/bin/python" -m pip install --disable-pip-version-check -q --no-deps -r "$CONFORMANCE_REQUIREMENTS_NODEPS"
    TF_CPP_MIN_LOG_LEVEL=3 quietly "$SWIFTGARDEN_VENV/bin/python" -c 'import tensorflow, tf_keras, tensorflow_hub, h5py, pytest, tensorboard, tensorflow_text, tf2onnx, onnxruntime, official.nlp.modeling' \
        || die "venv $SWIFTGARDEN_VENV installed but its packages do not import"
    echo "$want" > "$marker"
    log "venv ready: $SWIFTGARDEN_VENV"
}

# Runs a command with its output kept in a log; prints the log's tail only if it fails.
quietly() {
    local logf rc=0
    logf="$(mktemp "${TMPDIR:-/tmp}/swiftgarden.XXXXXX")"
    "$@" >"$logf" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        printf '[%s] failed (exit %d): %s\n' "$(basename "$0")" "$rc" "$*" >&2
        tail -n 100 "$logf" >&2
    fi
    rm -f "$logf"
    return "$rc"
}
