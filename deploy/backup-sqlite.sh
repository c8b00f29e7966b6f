#!/usr/bin/env bash
# Online backup of the SQLite database while the app runs (Debian package sqlite3).
# Cron line, in /etc/cron.d/karify-backup (as root, first: install -d -m 0700 -o karify -g karify
# /var/backups/karify):
#   15 2 * * * karify /opt/karify/deploy/backup-sqlite.sh /var/backups/karify
# SQLITE_FILE as in /etc/karify/karify.env, when it is not the default (a line SQLITE_FILE=… above
# the cron line). Restoring: README, "Deployment on one server".
set -euo pipefail
# Backups hold patients' names, addresses, phone numbers and password hashes: readable by the
# karify user only (files 0600, a folder made here 0700).
umask 077
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
