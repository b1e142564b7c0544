#!/bin/sh
# `make bench`: times oar against baselines measured in the same run on the
# same machine (these machines are noisy, so only ratios mean much), and
# prints one table of ratios with issue 14's targets, PASS or MISS.
#
#   pull    BENCH_MIB (1024) MiB blob. Baseline: curl | tee FILE | openssl
#           dgst -sha256 (receive, store and verify, the least any verifying
#           client must do); also shown: curl -o FILE alone (the wire).
#   push    the same blob into a repository of its own. Baseline: openssl
#           dgst -sha256 of the file (the hash limit, also shown alone), then
#           curl's POST and monolithic PUT with that digest.
#   tty     oar's pull on a pseudo-terminal (script(1)), drawing progress,
#           against the same pull without a terminal.
#   small   BENCH_FILES (200) files of 4 KiB, pushed as one artifact and
#           pulled back. Baseline: tests/bench/keepalive.py, one persistent
#           connection making exactly the necessary requests (it lists them).
#   cp      a 5-layer, BENCH_CP_MIB (200) MiB artifact copied from one
#           registry to another, then again into a second repository of the
#           destination. Baseline: skopeo copy, doing the same. The
#           destination's access log counts the blob uploads (PUT
#           …/blobs/uploads/) and mounts of each second copy.
#   oras-py push and pull of the same blob and files (BENCH_PYTHON, the
#           virtualenv `make test-deps` makes), for comparison only.
#   RSS     every oar command's peak RSS (GNU time %M), bound by
#           BENCH_MAX_RSS_MIB (6); and the static binary's size
#           (OAR_STATIC, `make static`'s), at most 3 MiB.
#
# Registries are Debian's docker-registry on loopback ports. Every command
# runs BENCH_RUNS (5) times, each time into fresh repositories and fresh
# output directories, and medians are compared. Each oar command gets an
# empty cache directory (XDG_CACHE_HOME) except the second copy of a pair,
# which gets the first one's; each run's cp artifact is new random data,
# so no cache (oar's or skopeo's) can know it before its first copy.
# (skopeo runs with --insecure-policy and no credentials, and keeps its
# blob-info cache where it always does: /var/lib/containers/cache as root.)
#
# The bench fails loudly: any command that fails stops it, every pulled
# and copied artifact is checked against its digest, and an oar command
# over the RSS bound fails it. A missed target fails it after the table
# unless BENCH_ENFORCE=0. BENCH_SMOKE=1 (run by `make test`) uses tiny
# sizes and one run, takes seconds, runs every command above and enforces
# only commands, digests and the RSS bound (12 MiB for a debug build).
# BENCH_KEEP=1 keeps the work directory (registry access logs, timings).
set -eu

if [ "${BENCH_SMOKE:-0}" = 1 ]; then
  d_mib=8 d_files=20 d_cp=5 d_runs=1 d_rss=12 d_enforce=0
else
  d_mib=1024 d_files=200 d_cp=200 d_runs=5 d_rss=6 d_enforce=1
fi
MIB=${BENCH_MIB:-$d_mib}
FILES=${BENCH_FILES:-$d_files}
CP_MIB=${BENCH_CP_MIB:-$d_cp}
RUNS=${BENCH_RUNS:-$d_runs}
MAX_RSS_MIB=${BENCH_MAX_RSS_MIB:-$d_rss}
ENFORCE=${BENCH_ENFORCE:-$d_enforce}
MAX_STATIC_MIB=3
here=$(cd "$(dirname "$0")" && pwd)

fail() { echo "bench: $*" >&2; exit 1; }
OAR=$(readlink -f "${OAR:-target/release/oar}")
[ -x "$OAR" ] || fail "$OAR is not built: run make build"
STATIC=$(readlink -f "${OAR_STATIC:-target/x86_64-unknown-linux-musl/release/oar}") || STATIC=
# (a virtualenv's python is a symbolic link that must not be resolved)
PY=${BENCH_PYTHON:-target/test-venv/bin/python}
case $PY in /*) ;; *) PY=$PWD/$PY ;; esac
[ -x "$PY" ] && "$PY" -c 'import oras' 2>/dev/null || fail "no oras-py in ${BENCH_PYTHON:-target/test-venv}: run make test-deps"
for c in docker-registry curl openssl skopeo script; do
  command -v $c >/dev/null || fail "$c missing: run make test-deps"
done
[ -x /usr/bin/time ] || fail "GNU time missing: run make test-deps"

# The load before the bench adds its own: how quiet the machine was.
load=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
. "$here/registry.sh"
cleanup() {
  stop_registries
  [ -n "${BENCH_KEEP:-}" ] && echo "bench: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
# A signal (even SIGPIPE, as in `make bench | head`) must not leave the
# registries running: exit, so that the EXIT trap runs.
trap 'exit 130' HUP INT PIPE TERM

start_registry src A
start_registry dst B

cd "$work"
head -c $((MIB * 1024 * 1024)) /dev/urandom > blob.bin
digest=sha256:$(openssl dgst -sha256 -r blob.bin | cut -d' ' -f1)
mkdir small
"$PY" -c 'import os, sys
for i in range(int(sys.argv[1])):
    open("small/f%04d" % i, "wb").write(os.urandom(4096))' "$FILES"
files=$(cd small && ls)
echo '{}' > auth.json

# measure NAME CMD...: runs CMD under GNU time and appends "microseconds
# peak-RSS-KiB" to $work/NAME.times, its stdout and stderr left in
# $work/out and $work/err; a failing CMD stops the bench.
measure() {
  name=$1
  shift
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%M' -o "$work/t" "$@" >"$work/out" 2>"$work/err"; then
    fail "$name failed: $*
$(tail -n 20 "$work/err")"
  fi
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000)) $(tail -n 1 "$work/t")" >> "$work/$name.times"
}
# same DIR: fails unless DIR holds exactly the small files, byte for byte.
same() {
  diff -r small "$1" >/dev/null || fail "$1 holds other files than those pushed"
  rm -rf "$1"
}
# manifest_digest REF: the digest a registry gives the manifest REF
# (host:port/repo:tag).
manifest_digest() {
  curl -sfI -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://${1%%/*}/v2/$(echo "${1#*/}" | sed 's/:/\/manifests\//')" |
    tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}
# uploads REPO / mounts REPO: the blob uploads completed (an upload always
# ends with a PUT) and the mounts granted in REPO of the destination.
uploads() { grep -c "\"PUT /v2/$1/blobs/uploads/" dst.access || true; }
mounts() { grep "\"POST /v2/$1/blobs/uploads/?[^ ]*mount=" dst.access | grep -c '" 201 ' || true; }

# Baseline push into a repository of its own: hash, POST, PUT.
cat > base_push.sh <<'EOF'
set -eu
d=sha256:$(openssl dgst -sha256 -r "$BLOB" | cut -d' ' -f1)
loc=$(curl -sfi -X POST "http://$REG/v2/$REPO/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
[ -n "$loc" ] || { echo "no upload location" >&2; exit 1; }
case "$loc" in http*) ;; *) loc="http://$REG$loc" ;; esac
case "$loc" in *\?*) sep='&' ;; *) sep='?' ;; esac
curl -sf -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' -T "$BLOB" "$loc${sep}digest=$d" >/dev/null
EOF
export BLOB="$work/blob.bin" REG=$A

n=1
while [ $n -le "$RUNS" ]; do
  # The big blob: push, then every client pulls what oar pushed.
  measure base_push env REPO=base$n sh base_push.sh
  measure oar_push env XDG_CACHE_HOME="$work/cache/push$n" "$OAR" push --plain-http "$A/oar$n:v1" blob.bin
  measure py_push "$PY" "$here/bench/oraspy.py" push "$A" "py$n:v1" blob.bin
  measure hash openssl dgst -sha256 -r blob.bin
  [ "sha256:$(cut -d' ' -f1 out)" = "$digest" ] || fail "openssl hashed other bytes than $digest"
  measure wire curl -sf -o wire.bin "http://$A/v2/oar$n/blobs/$digest"
  cmp -s blob.bin wire.bin || fail "curl -o fetched other bytes than $digest"
  rm -f wire.bin
  measure base_pull sh -c "curl -sf 'http://$A/v2/oar$n/blobs/$digest' | tee curl.bin | openssl dgst -sha256 -r"
  [ "sha256:$(cut -d' ' -f1 out)" = "$digest" ] || fail "curl pulled other bytes than $digest"
  cmp -s blob.bin curl.bin || fail "curl stored other bytes than $digest"
  rm -f curl.bin
  for c in oar_pull oar_tty py_pull; do
    case $c in
      oar_pull) measure $c env XDG_CACHE_HOME="$work/cache/pull$n" "$OAR" pull --plain-http "$A/oar$n:v1" -o "$c" ;;
      oar_tty)
        measure $c script -qfec "XDG_CACHE_HOME='$work/cache/tty$n' '$OAR' pull --plain-http '$A/oar$n:v1' -o '$c'" /dev/null
        grep -q '100.00%' out || fail "oar drew no progress on a terminal: $(tail -c 300 out)" ;;
      py_pull) measure $c "$PY" "$here/bench/oraspy.py" pull "$A" "oar$n:v1" "$c" ;;
    esac
    cmp -s blob.bin "$c/blob.bin" || fail "$c pulled other bytes than $digest"
    rm -rf "$c"
  done

  # Small files, pushed from inside their directory (titles are names).
  cd small
  measure base_spush "$PY" "$here/bench/keepalive.py" push "$A" "ka$n" v1 $files
  grep -qx "requests=$((3 * (FILES + 1) + 1)) connections=1" ../err || fail "keepalive push: $(cat ../err)"
  # shellcheck disable=SC2086
  measure oar_spush env XDG_CACHE_HOME="$work/cache/spush$n" "$OAR" push --plain-http "$A/small$n:v1" $files
  measure py_spush "$PY" "$here/bench/oraspy.py" push "$A" "pysmall$n:v1" $files
  cd ..
  measure base_spull "$PY" "$here/bench/keepalive.py" pull "$A" "small$n" v1 kapull
  grep -qx "requests=$((FILES + 1)) connections=1" err || fail "keepalive pull: $(cat err)"
  same kapull
  measure oar_spull env XDG_CACHE_HOME="$work/cache/spull$n" "$OAR" pull --plain-http "$A/small$n:v1" -o oarpull
  same oarpull
  measure py_spull "$PY" "$here/bench/oraspy.py" pull "$A" "small$n:v1" pypull
  same pypull

  # cp: a new 5-layer artifact in the source registry, copied twice by
  # each tool; the second copy of a pair shares the first one's cache.
  mkdir cp
  for l in 1 2 3 4 5; do head -c $((CP_MIB * 1024 * 1024 / 5)) /dev/urandom > cp/layer$l.bin; done
  (cd cp && XDG_CACHE_HOME="$work/cache/src$n" "$OAR" push --plain-http "$A/cp$n:v1" layer1.bin layer2.bin layer3.bin layer4.bin layer5.bin >/dev/null) ||
    fail "oar push of the cp artifact failed"
  rm -rf cp
  src=$(manifest_digest "$A/cp$n:v1")
  [ -n "$src" ] || fail "no manifest digest for $A/cp$n:v1"
  measure oar_cp1 env XDG_CACHE_HOME="$work/cache/cp$n" "$OAR" cp --from-plain-http --to-plain-http "$A/cp$n:v1" "$B/oar-a$n:v1"
  measure oar_cp2 env XDG_CACHE_HOME="$work/cache/cp$n" "$OAR" cp --from-plain-http --to-plain-http "$A/cp$n:v1" "$B/oar-b$n:v1"
  measure sko_cp1 skopeo copy --quiet --insecure-policy --src-no-creds --dest-no-creds --src-tls-verify=false --dest-tls-verify=false "docker://$A/cp$n:v1" "docker://$B/sko-a$n:v1"
  measure sko_cp2 skopeo copy --quiet --insecure-policy --src-no-creds --dest-no-creds --src-tls-verify=false --dest-tls-verify=false "docker://$A/cp$n:v1" "docker://$B/sko-b$n:v1"
  for r in oar-a oar-b sko-a sko-b; do
    [ "$(manifest_digest "$B/$r$n:v1")" = "$src" ] || fail "$B/$r$n:v1 is not the manifest $src"
  done
  echo "$(uploads oar-b$n) $(mounts oar-b$n)" >> oar_cp2.blobs
  echo "$(uploads sko-b$n) $(mounts sko-b$n)" >> sko_cp2.blobs
  n=$((n + 1))
done

# median NAME: the median seconds of NAME's runs.
median() {
  cut -d' ' -f1 "$1.times" | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1e6 }'
}
# peak NAME: the largest peak RSS (KiB) of NAME's runs.
peak() { cut -d' ' -f2 "$1.times" | sort -n | tail -n 1; }
# worst FILE COLUMN: the largest value of a column of a .blobs file.
worst() { cut -d' ' -f"$2" "$1" | sort -n | tail -n 1; }

misses=
result=
# judge OK LABEL: sets result to PASS if OK is 1, else to MISS and
# remembers LABEL among the misses.
judge() {
  if [ "$1" = 1 ]; then result=PASS; else result=MISS misses="$misses
  $2"; fi
}
# mib KIB: KiB in MiB, one decimal.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# line LABEL OAR-TIME OAR-RSS BASELABEL BASE-TIME BASE-RSS RATIO TARGET
# RESULT: one line of the table.
line() {
  printf '%-25s %8s %9s   %-27s %8s %10s %7s  %-9s %s\n' "$@"
}
# row LABEL OAR BASELABEL BASE TARGET: the line comparing the medians of
# OAR and BASE; TARGET is the largest ratio meeting it, or - for a
# comparison only. The exact ratio is judged; three decimals are shown.
row() {
  ratio=$(awk -v a="$(median "$2")" -v b="$(median "$4")" 'BEGIN { printf "%.6f", a / (b > 0 ? b : 0.001) }')
  if [ "$5" = - ]; then target= result=; else
    target="<= ${5}x"
    judge "$(awk -v r="$ratio" -v t="$5" 'BEGIN { print (r <= t) }')" "$1 vs $3: $(printf %.3f "$ratio")x"
  fi
  line "$1" "$(printf %.2f "$(median "$2")") s" "$(mib "$(peak "$2")") MiB" "$3" "$(printf %.2f "$(median "$4")") s" "$(mib "$(peak "$4")") MiB" \
    "$(awk -v r="$ratio" 'BEGIN { printf "%.3fx", r }')" "$target" "$result"
}

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
echo
echo "oar bench, $(date -u +%F): median of $RUNS runs; $(nproc) cores ($cpu); load before: $load"
[ "$ENFORCE" = 1 ] || echo "(targets reported, not enforced)"
line measurement "oar" "peak RSS" baseline "time" "peak RSS" ratio target
row "pull $MIB MiB" oar_pull "curl | tee | openssl" base_pull 1.05
row "push $MIB MiB" oar_push "openssl, curl POST + PUT" base_push 1.10
row "pull $MIB MiB on a TTY" oar_tty "the same pull, no TTY" oar_pull 1.05
row "push $FILES x 4 KiB" oar_spush "keep-alive, $((3 * (FILES + 1) + 1)) requests" base_spush 1.15
row "pull $FILES x 4 KiB" oar_spull "keep-alive, $((FILES + 1)) requests" base_spull 1.15
row "cp 5 layers, $CP_MIB MiB" oar_cp1 "skopeo copy" sko_cp1 1.00
row "cp again, 2nd repository" oar_cp2 "skopeo copy" sko_cp2 1.00
up=$(worst oar_cp2.blobs 1)
judge "$([ "$up" = 0 ] && echo 1)" "blob uploads on the second copy: $up"
line "  blobs uploaded, mounted" "$up, $(worst oar_cp2.blobs 2)" "" "skopeo copy" "$(worst sko_cp2.blobs 1), $(worst sko_cp2.blobs 2)" "" "" "0 uploads" "$result"
row "pull $MIB MiB" oar_pull "curl -o, no hash (wire)" wire -
row "push $MIB MiB" oar_push "openssl dgst -sha256 alone" hash -
row "pull $MIB MiB" oar_pull "oras-py" py_pull -
row "push $MIB MiB" oar_push "oras-py" py_push -
row "pull $FILES x 4 KiB" oar_spull "oras-py" py_spull -
row "push $FILES x 4 KiB" oar_spush "oras-py" py_spush -

# Peak RSS of every oar command, against the bound.
rss=0 rsscmd=
for c in oar_push oar_pull oar_tty oar_spush oar_spull oar_cp1 oar_cp2; do
  k=$(peak $c)
  [ "$k" -le "$rss" ] || { rss=$k; rsscmd=$c; }
done
rss_ok=$([ "$rss" -le $((MAX_RSS_MIB * 1024)) ] && echo 1 || true)
judge "$rss_ok" "peak RSS $rss KiB (${rsscmd#oar_})"
line "peak RSS, every oar run" "" "$(mib "$rss") MiB" "(the largest: ${rsscmd#oar_})" "" "" "" "<= $MAX_RSS_MIB MiB" "$result"
if [ -n "$STATIC" ] && [ -f "$STATIC" ]; then
  size=$(stat -c %s "$STATIC")
  judge "$([ "$size" -le $((MAX_STATIC_MIB * 1048576)) ] && echo 1)" "static binary $size bytes"
  line "static binary (musl)" "" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB" "$size bytes" "" "" "" "<= $MAX_STATIC_MIB MiB" "$result"
else
  [ "$ENFORCE" != 1 ] || fail "no static binary at ${OAR_STATIC:-target/x86_64-unknown-linux-musl/release/oar}: run make static"
  line "static binary (musl)" "" "" "not built (make static)" "" "" "" "" ""
fi

[ -n "$rss_ok" ] || fail "an oar command peaked at $rss KiB (${rsscmd#oar_}), over BENCH_MAX_RSS_MIB=$MAX_RSS_MIB"
if [ -n "$misses" ]; then
  [ "$ENFORCE" = 1 ] && fail "targets missed:$misses"
  echo "targets missed (not enforced):$misses"
fi
