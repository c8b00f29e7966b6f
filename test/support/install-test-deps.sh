#!/usr/bin/env bash
# Installs the Debian packages the tests need (redis-server, postgresql, chromium, w3m, lynx).
# As root: apt-get installs whatever is missing (apt-get update first, only when needed).
# Not root: names what is missing and carries on; the tests that need it fail with a message
# naming the package. Quiet and quick when everything is present.
set -euo pipefail

# package -> how we recognise that it is installed (a binary on this machine)
has_package() {
  case "$1" in
    redis-server) command -v redis-server >/dev/null 2>&1 ;;
    postgresql) compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null 2>&1 && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null 2>&1 ;;
    chromium) command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] ;;
    w3m) command -v w3m >/dev/null 2>&1 ;;
    lynx) command -v lynx >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

missing=()
for package in redis-server postgresql chromium w3m lynx; do
  has_package "$package" || missing+=("$package")
done

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "${EUID:-$(id -u)}" -ne 0 ]; then
  echo "install-test-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-test-deps: install them with: sudo apt-get install ${missing[*]} (or run npm run test:all as root)" >&2
  echo "install-test-deps: continuing; the tests that need them will fail and name the package" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing packages ${missing[*]} and apt-get is not available; install them by hand" >&2
  exit 1
fi

echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-test-deps: apt-get failed to install ${missing[*]}" >&2
  exit 1
fi

still_missing=()
for package in "${missing[@]}"; do
  has_package "$package" || still_missing+=("$package")
done
if [ "${#still_missing[@]}" -gt 0 ]; then
  echo "install-test-deps: still missing after apt-get install: ${still_missing[*]}" >&2
  exit 1
fi
