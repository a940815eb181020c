# Sourced by .ci/run: make sure Debian's Chromium is installed for the browser tests
# (tests/test_pages_browser.py drives it headless through Playwright's Python package,
# which is pointed at /usr/bin/chromium: no browser is ever downloaded).
# Returns 0 when /usr/bin/chromium (or `chromium` on PATH) runs, 1 when it cannot be had.
# Works when sourced under `set -e` with `||` (errexit is off there; each step is checked).

_tz_chromium_log() { echo "ci/chromium: $*" >&2; }

_tz_chromium_found() {
    command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]
}

_tz_chromium_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            _tz_chromium_log "Chromium is not installed and this user cannot install it"
            return 1
        fi
    fi
    command -v apt-get >/dev/null 2>&1 || { _tz_chromium_log "no apt-get: install Chromium yourself"; return 1; }
    _tz_chromium_log "installing Chromium from Debian's packages"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
        >/dev/null || return 1
}

if _tz_chromium_found || _tz_chromium_install; then
    _tz_chromium_log "$(chromium --version 2>/dev/null || /usr/bin/chromium --version 2>/dev/null)"
    return 0
fi
return 1
