#!/bin/sh
# `make bench`: times oar against a baseline measured in the same run on
# the same machine (these machines are noisy, so only ratios mean much).
#
# Pull baseline: curl downloading the blob piped into sha256sum (the least
# any verifying client must do). Push baseline: sha256sum of the file (the
# hash pass) plus curl's POST and monolithic PUT. Both against Debian's
# docker-registry on a loopback port. Prints wall time and peak RSS.
set -eu

OAR=$(readlink -f "${OAR:-target/release/oar}")
MIB=${BENCH_MIB:-512}
command -v docker-registry >/dev/null || { echo "docker-registry missing: run make test-deps" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl missing: apt-get install curl" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port, secret: bench}
EOF
docker-registry serve "$work/config.yml" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
i=0
until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null; do
  i=$((i + 1)); [ $i -lt 200 ] || { echo "registry did not start" >&2; exit 1; }; sleep 0.05
done
reg=127.0.0.1:$port

head -c $((MIB * 1024 * 1024)) /dev/urandom > "$work/blob.bin"
digest=sha256:$(sha256sum "$work/blob.bin" | cut -d' ' -f1)

# time_of CMD...: prints "seconds rss_kb"
time_of() { /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>&1; cat "$work/t"; }

# Baseline push into repository "base": hash, POST, PUT.
cat > "$work/base_push.sh" <<EOF
sha256sum "$work/blob.bin" >/dev/null
loc=\$(curl -si -X POST "http://$reg/v2/base/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
case "\$loc" in http*) ;; *) loc="http://$reg\$loc" ;; esac
curl -sf -X PUT -H 'Content-Type: application/octet-stream' -T "$work/blob.bin" "\$loc&digest=$digest" >/dev/null
EOF
bp=$(time_of sh "$work/base_push.sh")
cd "$work"
op=$(time_of "$OAR" push --plain-http "$reg/bench:v1" blob.bin)
bl=$(time_of sh -c "curl -sf http://$reg/v2/base/blobs/$digest | sha256sum")
ol=$(time_of "$OAR" pull --plain-http "$reg/bench:v1" -o out)
cmp blob.bin out/blob.bin
cd - >/dev/null

report() {
  echo "$1" "$2" "$3" | awk '{ printf "%-5s oar %6.2f s (peak RSS %5.1f MB)   baseline %6.2f s   ratio %.2fx\n", $1, $2, $3 / 1024, $4, $2 / ($4 > 0 ? $4 : 0.01) }'
}
echo "oar vs baseline, $MIB MiB blob, $(nproc) cores, $(date -u +%FT%TZ)"
report push "$op" "${bp%% *}"
report pull "$ol" "${bl%% *}"
