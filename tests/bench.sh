#!/bin/sh
# `make bench`: times oar against a baseline measured in the same run on
# the same machine (these machines are noisy, so only ratios mean much).
#
# Pull baseline: curl downloading the blob piped into sha256sum (the least
# any verifying client must do), its digest checked. Push baseline:
# sha256sum of the file (the hash pass) plus curl's POST and monolithic
# PUT. Both against Debian's docker-registry on a loopback port. Every
# command runs BENCH_RUNS times (default 5, each push into a repository of
# its own, each pull into a fresh directory) and the medians are compared.
#
# The bench fails loudly: any command that fails stops it, every pull is
# checked against the blob's digest, and oar's peak RSS must stay within
# BENCH_MAX_RSS_MIB (default 8), the README's "a few MiB whatever the
# artifact size".
set -eu

OAR=$(readlink -f "${OAR:-target/release/oar}")
MIB=${BENCH_MIB:-512}
RUNS=${BENCH_RUNS:-5}
MAX_RSS_MIB=${BENCH_MAX_RSS_MIB:-8}
fail() { echo "bench: $*" >&2; exit 1; }
[ -x "$OAR" ] || fail "$OAR is not built: run make build"
command -v docker-registry >/dev/null || fail "docker-registry missing: run make test-deps"
command -v curl >/dev/null || fail "curl missing: apt-get install curl"
[ -x /usr/bin/time ] || fail "GNU time missing: apt-get install time"

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A header only this registry sends: the proof that the server answering
# on the port is the one started here.
ours="oar-bench-$$"
cat > "$work/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: bench, headers: {X-Oar-Bench: [$ours]}}
EOF
docker-registry serve "$work/config.yml" 2>"$work/registry.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
i=0
until curl -si "http://127.0.0.1:$port/v2/" 2>/dev/null | tr -d '\r' | grep -qx "X-Oar-Bench: $ours"; do
  kill -0 $pid 2>/dev/null || fail "the registry exited: $(cat "$work/registry.log")"
  i=$((i + 1)); [ $i -lt 300 ] || fail "the registry did not answer within 15 s"
  sleep 0.05
done
reg=127.0.0.1:$port

head -c $((MIB * 1024 * 1024)) /dev/urandom > "$work/blob.bin"
digest=sha256:$(sha256sum "$work/blob.bin" | cut -d' ' -f1)

# measure NAME CMD...: runs CMD under GNU time and appends "seconds
# peak-RSS-KiB" to $work/NAME.times; a failing CMD stops the bench.
measure() {
  name=$1
  shift
  if ! /usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/out" 2>"$work/err"; then
    fail "$name failed: $*
$(cat "$work/err")"
  fi
  tail -n 1 "$work/t" >> "$work/$name.times"
}

# Baseline push into a repository of its own: hash, POST, PUT.
cat > "$work/base_push.sh" <<'EOF'
set -eu
sha256sum "$BLOB" >/dev/null
loc=$(curl -sfi -X POST "http://$REG/v2/$REPO/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[ -n "$loc" ] || { echo "no upload location" >&2; exit 1; }
case "$loc" in http*) ;; *) loc="http://$REG$loc" ;; esac
case "$loc" in *\?*) sep='&' ;; *) sep='?' ;; esac
curl -sf -X PUT -H 'Content-Type: application/octet-stream' -T "$BLOB" "$loc${sep}digest=$DIGEST" >/dev/null
EOF
# Baseline pull: curl into sha256sum, the sum kept to be checked.
cat > "$work/base_pull.sh" <<'EOF'
set -eu
curl -sf "http://$REG/v2/base1/blobs/$DIGEST" | sha256sum > "$SUM"
EOF

export BLOB="$work/blob.bin" REG=$reg DIGEST=$digest
cd "$work"
n=1
while [ $n -le "$RUNS" ]; do
  measure base_push env REPO=base$n sh base_push.sh
  measure oar_push "$OAR" push --plain-http "$reg/bench$n:v1" blob.bin
  rm -f curl.sum
  measure base_pull env SUM=curl.sum sh base_pull.sh
  [ "sha256:$(cut -d' ' -f1 curl.sum)" = "$digest" ] || fail "curl pulled other bytes than $digest"
  measure oar_pull "$OAR" pull --plain-http "$reg/bench$n:v1" -o "out$n"
  cmp blob.bin "out$n/blob.bin" || fail "oar pulled other bytes than $digest"
  rm -rf "out$n"
  n=$((n + 1))
done
cd - >/dev/null

# median NAME: the median seconds of NAME's runs.
median() {
  cut -d' ' -f1 "$work/$1.times" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
# peak NAME: the largest peak RSS (KiB) of NAME's runs.
peak() {
  cut -d' ' -f2 "$work/$1.times" | sort -n | tail -n 1
}

report() {
  echo "$1" "$(median "oar_$1")" "$(peak "oar_$1")" "$(median "base_$1")" | awk '{ printf "%-5s oar %6.2f s (peak RSS %5.1f MiB)   baseline %6.2f s   ratio %.2fx\n", $1, $2, $3 / 1024, $4, $2 / ($4 > 0 ? $4 : 0.01) }'
}
echo "oar vs baseline, $MIB MiB blob, median of $RUNS runs, $(nproc) cores, $(date -u +%FT%TZ)"
report push
report pull
for op in push pull; do
  kib=$(peak "oar_$op")
  [ "$kib" -le $((MAX_RSS_MIB * 1024)) ] ||
    fail "oar $op peaked at $kib KiB, over the README's few MiB (BENCH_MAX_RSS_MIB=$MAX_RSS_MIB)"
done
