#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (src/store and the layers above it).
#
#   .ci/postgres.sh start DIR [PORT]   create a cluster in DIR (empty or absent), start it on
#                                      127.0.0.1:PORT (default: first free port from 54329) and
#                                      print its URL on stdout (everything else goes to stderr)
#   .ci/postgres.sh stop DIR           stop that cluster and delete DIR
#
# As root it installs Debian's `postgresql` if no server binaries are found, and runs the server
# as the `postgres` user (the server refuses to run as root). As any other user it runs the
# server as that user and needs the binaries to be installed already.
# Durability settings (fsync, synchronous_commit) are left at their defaults on purpose: the
# store's tests should see the commit costs production sees. Only initdb skips its own fsync.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# Finds initdb/pg_ctl: on PATH, else the newest /usr/lib/postgresql/<ver>/bin (Debian keeps the
# server binaries there, off PATH).
find_bindir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $dir && -x $dir/pg_ctl && -x $dir/initdb ]] && echo "$dir"
}

install_postgres() {
  [[ $(id -u) -eq 0 ]] || die "PostgreSQL server binaries not found; install Debian's 'postgresql' (or set SHIMING_TEST_PG_URL)"
  log "installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -q -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # Lists may be missing on a fresh image; update only when the install cannot resolve.
  "${apt[@]}" install postgresql-common >&2 || { apt-get -q update >&2 && "${apt[@]}" install postgresql-common >&2; }
  # No default 'main' cluster on port 5432: we only want the binaries (same trick as the
  # official postgres Docker image).
  sed -ri 's/^#?\s*create_main_cluster\s*=.*$/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  "${apt[@]}" install postgresql >&2
}

free_port() {
  local port
  for port in $(seq "${1:-54329}" 54429); do
    # A successful connect means something listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port in ${1:-54329}-54429"
}

# Runs a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=${1:?usage: postgres.sh start DIR [PORT]} port bindir password url
  bindir=$(find_bindir || true)
  if [[ -z $bindir ]]; then
    install_postgres
    bindir=$(find_bindir) || die "postgresql installed but pg_ctl/initdb not found"
  fi
  if [[ $(id -u) -eq 0 ]]; then
    id -u "$PG_OWNER" >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER"
  fi
  mkdir -p "$dir"
  [[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
  chmod 700 "$dir"
  [[ $(id -u) -ne 0 ]] || chown "$PG_OWNER" "$dir"

  port=${2:-$(free_port 54329)}
  password=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$password" >"$dir/pwfile")
  [[ $(id -u) -ne 0 ]] || chown "$PG_OWNER" "$dir/pwfile"

  log "initdb ($("$bindir/postgres" --version)) in $dir/data"
  as_owner "$bindir/initdb" -D "$dir/data" -U shiming --pwfile="$dir/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  rm -f "$dir/pwfile"

  # Loopback only; the socket goes into DIR so no system directory is needed.
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >&2 ||
    { cat "$dir/server.log" >&2; die "pg_ctl start failed"; }

  url="postgres://shiming:$password@127.0.0.1:$port/shiming_test"
  PGPASSWORD=$password "$bindir/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U shiming -d postgres \
    -c 'CREATE DATABASE shiming_test' >&2
  log "running on 127.0.0.1:$port"
  echo "$url"
}

stop() {
  local dir=${1:?usage: postgres.sh stop DIR} bindir
  if [[ -f $dir/data/postmaster.pid ]]; then
    bindir=$(find_bindir) || die "pg_ctl not found"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || log "pg_ctl stop failed"
  fi
  rm -rf "$dir"
}

PG_OWNER=${SHIMING_PG_OWNER:-postgres}
case ${1:-} in
  start) start "${@:2}" ;;
  stop) stop "${@:2}" ;;
  *) die "usage: postgres.sh start DIR [PORT] | stop DIR" ;;
esac
