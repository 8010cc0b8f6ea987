#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster:
#
#   bash scripts/with-postgres.sh ctest --test-dir build -R store
#
# The cluster lives in a fresh temporary directory, is owned by an
# unprivileged user (initdb and postgres refuse to run as root), listens only
# on a Unix socket inside that directory (no TCP), trusts local connections,
# and is stopped and removed when the command ends, however it ends.
#
# The command sees:
#   MGOV_TEST_POSTGRES_URL    libpq URI of an empty database, e.g.
#                             postgresql://mgov@/mgov_test?host=/tmp/mgov-pg.x/socket
#   MGOV_REQUIRE_POSTGRES=1   tests fail (not skip) when the URL is missing
#   MGOV_TEST_PG_RESTART_CMD  a shell command that restarts the server
#                             (pg_ctl restart -m fast) and returns when it
#                             accepts connections again
#   MGOV_PG_BIN               the server's bin directory
#
# Exits with the command's exit code, or 2 when the cluster cannot start.
# Needs the Debian `postgresql` package (scripts/install-deps.sh --test).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

bin=${MGOV_PG_BIN:-}
if [ -z "$bin" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server found under /usr/lib/postgresql/*/bin;" \
       "install it with: bash scripts/install-deps.sh --test" >&2
  exit 2
fi

# The server must not run as root: use the `postgres` account the Debian
# package creates, else a system account made for the purpose.
as_owner=()
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  if ! id -u "$owner" >/dev/null 2>&1; then
    owner=mgov-pg
    id -u "$owner" >/dev/null 2>&1 ||
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner"
  fi
  as_owner=(runuser -u "$owner" --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mgov-pg.XXXXXX")
chmod 0755 "$dir"
data="$dir/data"
socket="$dir/socket"
mkdir -p "$data" "$socket"
chown -R "$owner" "$dir"

stop_cluster() {
  if [ -f "$data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "${as_owner[@]}" "$bin/initdb" -D "$data" -U mgov --auth=trust --encoding=UTF8 \
       --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 2
fi

# Durability stays on (fsync, synchronous_commit): the crash tests rely on it.
pg_opts="-c listen_addresses='' -c unix_socket_directories='$socket'"
pg_opts+=" -c max_connections=100 -c shared_buffers=64MB -c log_min_messages=warning"
ctl=("${as_owner[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -o "$pg_opts" -w -t 60)
if ! "${ctl[@]}" start >/dev/null; then
  echo "with-postgres: the server did not start:" >&2
  cat "$dir/server.log" >&2
  exit 2
fi
if ! "$bin/psql" -h "$socket" -U mgov -d postgres -q -v ON_ERROR_STOP=1 \
       -c "CREATE DATABASE mgov_test" >/dev/null; then
  echo "with-postgres: cannot create the test database" >&2
  exit 2
fi

export MGOV_PG_BIN="$bin"
export MGOV_TEST_POSTGRES_URL="postgresql://mgov@/mgov_test?host=$socket"
export MGOV_REQUIRE_POSTGRES=1
printf -v MGOV_TEST_PG_RESTART_CMD '%q ' "${ctl[@]}" restart -m fast
export MGOV_TEST_PG_RESTART_CMD="${MGOV_TEST_PG_RESTART_CMD% } >/dev/null"

set +e
"$@"
rc=$?
set -e
exit "$rc"
