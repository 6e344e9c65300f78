#!/bin/sh
# PostgreSQL for the database tests (tests/nodes/postgres.py starts a throw-away server on
# 127.0.0.1). Installed when we are root on Debian; elsewhere those tests skip and say why.
for initdb in /usr/lib/postgresql/*/bin/initdb; do
  [ -x "$initdb" ] && exit 0
done
command -v initdb >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the database tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends postgresql >/dev/null \
    || echo "Could not install PostgreSQL; the PostgreSQL tests will be skipped" >&2
else
  echo "PostgreSQL is not installed; the PostgreSQL tests will be skipped" \
       "(install Debian's 'postgresql' package to run them)" >&2
fi
exit 0
