# Sourced by tests/bench.sh, tests/cross_smoke.sh and tests/publish.sh:
# starts Debian's docker-registry on free loopback ports under $work, and
# stops every one started when the sourcing script exits. Needs $work and
# a fail function.

pids=
stop_registries() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
}

# free_port: a loopback port nobody listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry NAME VAR [HTPASSWD]: a registry storing under $work/NAME,
# its access log (stdout) in $work/NAME.access, requiring basic auth
# against the file HTPASSWD if given; sets VAR to host:port once it
# answers. A header only this registry sends is the
# proof that the server on the port is the one started here.
start_registry() {
  port=$(free_port)
  ours="oar-$$-$1"
  auth=
  [ -n "${3:-}" ] && auth="auth: {htpasswd: {realm: basic-realm, path: $3}}"
  cat > "$work/$1.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: false}}
storage: {filesystem: {rootdirectory: $work/$1}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: oar-test, headers: {X-Oar-Started: [$ours]}}
$auth
YML
  docker-registry serve "$work/$1.yml" >"$work/$1.access" 2>"$work/$1.log" &
  rpid=$!
  pids="$pids $rpid"
  i=0
  until curl -si "http://127.0.0.1:$port/v2/" 2>/dev/null | tr -d '\r' | grep -qx "X-Oar-Started: $ours"; do
    kill -0 $rpid 2>/dev/null || fail "registry $1 exited: $(cat "$work/$1.log")"
    i=$((i + 1)); [ $i -lt 300 ] || fail "registry $1 did not answer within 15 s"
    sleep 0.05
  done
  eval "$2=127.0.0.1:$port"
}
