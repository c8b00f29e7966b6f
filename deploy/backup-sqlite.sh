#!/usr/bin/env bash
# Online backup of the SQLite database while the app runs (Debian package sqlite3).
# Example cron line: 15 2 * * * karify /opt/karify/deploy/backup-sqlite.sh /var/backups/karify
# (as root, first: install -d -o karify -g karify /var/backups/karify). SQLITE_FILE as in
# /etc/karify/karify.env, when it is not the default.
set -euo pipefail
database="${SQLITE_FILE:-/opt/karify/data/karify.sqlite3}"
target_dir="${1:-/var/backups/karify}"
keep_days="${KEEP_DAYS:-14}"
mkdir -p "$target_dir"
target="$target_dir/karify-$(date +%Y%m%d-%H%M%S).sqlite3"
sqlite3 "$database" ".backup '$target'"
sqlite3 "$target" "PRAGMA integrity_check;" | grep -qx ok
gzip "$target"
find "$target_dir" -name 'karify-*.sqlite3.gz' -mtime +"$keep_days" -delete
echo "backup written: $target.gz"
