# Shared by bin/demo and bin/test: find (or install) PostgreSQL server binaries and run a throwaway
# cluster on 127.0.0.1 and a free port. Source it; do not run it.

# Prints the bin directory of the newest PostgreSQL server installed, installing Debian's package if none is.
# Debian's packages put each major under /usr/lib/postgresql/<major>/bin (RM_POSTGRES_PACKAGES: another root, as the
# tests use to play a machine without any).
rm_find_postgres() {
  if [[ -n "${PG_BIN:-}" && -x "$PG_BIN/postgres" ]]; then echo "$PG_BIN"; return; fi
  local packages=${RM_POSTGRES_PACKAGES:-/usr/lib/postgresql}
  rm_newest_postgres "$packages" && return
  if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
    echo "PostgreSQL server not found: installing Debian's postgresql package..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib) >&2
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
    echo "PostgreSQL server not found: installing it with sudo apt-get install postgresql..." >&2
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib) >&2
  else
    echo "error: PostgreSQL server binaries are missing. Install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) or set PG_BIN to the folder holding 'postgres' and 'initdb'." >&2
    return 1
  fi
  rm_newest_postgres "$packages" && return
  echo "error: apt-get installed no PostgreSQL server under $packages. Install one (apt-get install postgresql) or set PG_BIN to the folder holding 'postgres' and 'initdb'." >&2
  return 1
}

# rm_newest_postgres ROOT: prints ROOT/<newest major>/bin when it holds a server; fails otherwise.
rm_newest_postgres() {
  local dir
  dir=$(ls -d "$1"/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [[ -n "$dir" && -x "$dir/postgres" ]] && echo "$dir"
}

rm_free_port() {
  local port
  for port in $(seq 15432 15999 | shuf); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "error: no free port found between 15432 and 15999" >&2; return 1
}

# Runs a command as the postgres system user when we are root (initdb and postgres refuse root).
rm_as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# rm_start_postgres BIN DIR PORT SUPERPASSWORD: initdb + start; password login over TCP, trust on the socket.
rm_start_postgres() {
  local bin=$1 dir=$2 port=$3 password=$4
  mkdir -p "$dir"
  printf '%s' "$password" >"$dir/pwfile"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; fi
  rm_as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$dir/pwfile"
  rm_as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
}

rm_stop_postgres() {
  local bin=$1 dir=$2
  rm_as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
