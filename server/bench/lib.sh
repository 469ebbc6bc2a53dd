# Shared by the server benches (sourced, not run): start a server on localhost and stop it on exit, and write the
# wrk script that posts one file and counts the answers by status.

tmp=$(mktemp -d)
server_pid=
bench_pids=()
cleanup() {
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# start_server PORT [server flags...]: runs $JAR with $JAVA_OPTS, waits for /health, prints its first line
start_server() {
  local port=$1
  shift
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --host 127.0.0.1 --port "$port" "$@" > "$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -m1 'listening' "$tmp/server.log" || true
}

# post_lua FILE OUT: a wrk script that POSTs FILE and, at the end, prints "status CODE COUNT" per status
post_lua() {
  cat > "$2" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
local f = assert(io.open("$1", "rb"))
wrk.body = f:read("*a")
f:close()
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) codes = {} end
function response(status, headers, body) codes[status] = (codes[status] or 0) + 1 end
function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do agg[k] = (agg[k] or 0) + v end
  end
  for k, v in pairs(agg) do io.write(string.format("status %d %d\n", k, v)) end
end
LUA
}
