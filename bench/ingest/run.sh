#!/usr/bin/env bash
# The ingest benchmark: sealed envelopes through nginx (TLS 1.3, client
# certificates, PROXY protocol, the shipped pipelines/nginx/wear-stream.conf),
# systemd-socket-activate (one wear-decrypt --proxy-protocol per connection,
# into a FIFO), side by side in the same run with the plain pipe
# `wear-decrypt < file` over the same envelopes.
#
#   bench/ingest/run.sh [--records N] [--devices D] [--connections C] [--repeat K]
#                       [--stages] [--no-build]
#
#   --records N      envelopes (default 400,000) from D devices (default 4,000),
#                    `wear sim` (a clean fleet)
#   --connections C  client connections at once (default 4), each an
#                    `openssl s_client` with its own device certificate; the
#                    envelopes are split over them by device (every device's
#                    records on one connection, in order)
#   --stages         behind the FIFO (and after the plain pipe) the three
#                    long-running stages wear-filter | wear-score | wear-alert
#                    --sink stdout instead of `wc -l`
#   --repeat K       runs of each path, the best counts (default 3)
#   --no-build       use the release binaries already in .build-release
#   WEAR_BIN=DIR     (with --no-build) the binaries in DIR instead (a smoke run of
#                    the script with a debug build; its figures mean nothing)
#
# Release binaries (`swift build -c release --scratch-path .build-release`).
# Each run checks its accounting: every envelope is one wear-decrypt record
# in and out (the summary lines of all connections add up), and the FIFO's
# reader got every record. CPU seconds (user + sys) per process kind come
# from /usr/bin/time (apt package time) and nginx's worker's /proc stat.
# Output: a table on stdout; files in bench/out/ingest.
set -euo pipefail

records=400000 devices=4000 connections=4 repeat=3 stages=0 build=1
while (($#)); do
    case "$1" in
        --records) records="$2"; shift 2 ;;
        --devices) devices="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --stages) stages=1; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
    esac
done
for value in "$records" "$devices" "$connections" "$repeat"; do
    [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --records, --devices, --connections and --repeat take a positive integer" >&2; exit 64; }
done
((connections <= devices && connections <= 60)) || { echo "run.sh: --connections must be at most 60 and at most --devices" >&2; exit 64; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/bench/out/ingest"
mkdir -p "$out"
cd "$root"
fail() { echo "run.sh: FAILED: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }
for tool in nginx openssl systemd-socket-activate python3; do
    command -v "$tool" > /dev/null || fail "$tool is missing (scripts/deps.sh installs nginx, libnginx-mod-stream, systemd, openssl)"
done
[[ -r /usr/lib/nginx/modules/ngx_stream_module.so ]] || fail "nginx's stream module is missing: apt-get install libnginx-mod-stream"
# timed FILE COMMAND...: runs COMMAND, its user and sys CPU seconds into FILE (when /usr/bin/time exists).
timed() {
    local file="$1"; shift
    if [[ -x /usr/bin/time ]]; then /usr/bin/time -f '%U %S' -o "$file" "$@"; else "$@"; fi
}
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

# --- build ------------------------------------------------------------------
scratch=(--scratch-path .build-release -c release)
products=(wear wear-decrypt); ((stages)) && products+=(wear-filter wear-score wear-alert)
if ((build)); then
    for product in "${products[@]}"; do
        note "building $product (release, .build-release)"
        swift build "${scratch[@]}" --product "$product" 2>&1 | tail -n 1 >&2
    done
fi
bin="${WEAR_BIN:-$(swift build "${scratch[@]}" --show-bin-path)}"
for tool in "${products[@]}"; do [[ -x "$bin/$tool" ]] || fail "$bin/$tool not built (run without --no-build)"; done

# --- keys, envelopes, certificates --------------------------------------------
umask 077
key="$out/master.key" pseudonym="$out/pseudonym.key"
[[ -s "$key" ]] || "$bin/wear" keys new --out "$key"
[[ -s "$pseudonym" ]] || "$bin/wear" keys new --out "$pseudonym"
input="$out/envelopes-r$records-d$devices.ndjson"
if [[ ! -s "$input" ]]; then
    note "generating $input (wear sim --devices $devices)"
    "$bin/wear" sim --devices "$devices" --duration "$((records / devices + 5))s" --seed 3 --master-key "$key" 2> /dev/null \
        | head -n "$records" > "$input.tmp" || true
    (($(wc -l < "$input.tmp") == records)) || fail "the simulator gave fewer than $records envelopes"
    mv "$input.tmp" "$input"
fi
parts="$out/parts-r$records-d$devices-c$connections"
if [[ ! -s "$parts/0.ndjson" ]]; then
    mkdir -p "$parts"
    python3 - "$input" "$parts" "$connections" <<'EOF'
import base64, json, sys, zlib
source, folder, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
outs = [open(f"{folder}/{i}.ndjson", "w") for i in range(count)]
for line in open(source):
    header = json.loads(line)["jwe"].split(".", 1)[0]
    kid = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
    outs[zlib.crc32(kid.encode()) % count].write(line)
EOF
fi
tls="$out/tls"
if [[ ! -s "$tls/client-$((connections - 1)).crt" ]]; then
    note "making a CA, a server certificate and $connections device certificates (EC P-256)"
    rm -rf "$tls" && mkdir -p "$tls"
    (
        cd "$tls"
        ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > server.ext
        openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 30 -subj "/CN=wear bench CA" 2> /dev/null
        openssl req -new "${ec[@]}" -keyout server.key -out server.csr -subj "/CN=localhost" 2> /dev/null
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial 1 -days 30 -extfile server.ext -out server.crt 2> /dev/null
        for ((i = 0; i < connections; i++)); do
            openssl req -new "${ec[@]}" -keyout "client-$i.key" -out "client-$i.csr" -subj "/CN=gateway-$i" 2> /dev/null
            openssl x509 -req -in "client-$i.csr" -CA ca.crt -CAkey ca.key -set_serial $((100 + i)) -days 30 -out "client-$i.crt" 2> /dev/null
        done
    )
fi
umask 022 # nginx's workers (nobody / www-data) must reach the ingest socket in $out/run
chmod 0755 "$out"
bytes=$(stat -c %s "$input")
cat "$input" "$parts"/*.ndjson > /dev/null # into the page cache

# --- the ingest path ------------------------------------------------------------
run="$out/run"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 -- "-$pid" 2> /dev/null || true; done; }
trap cleanup EXIT

# reader_command: what reads the FIFO (and the plain pipe's output).
if ((stages)); then
    reader="'$bin/wear-filter' --rules '$root/pipelines/rules/default.rules' 2> '$run/filter.err' | '$bin/wear-score' 2> '$run/score.err' | '$bin/wear-alert' --sink stdout --pseudonym-key '$pseudonym' 2> '$run/alert.err' > '$run/receipts.ndjson'"
else
    reader="wc -l > '$run/reader.count'"
fi

# cpu FILE...: the user + sys seconds /usr/bin/time wrote into FILEs, added up.
cpu() { cat "$@" 2> /dev/null | awk '{ s += $1 + $2 } END { printf "%.2f", s }'; }
# worker_cpu PID: an nginx worker's user + sys seconds so far.
worker_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

ingest_run() {
    rm -rf "$run" && mkdir -p "$run"
    mkfifo "$run/decrypted.fifo"
    # The reader holds the FIFO; we hold a write end (systemd's ListenFIFO=) until every connection is done.
    # (exec first: a redirection after "a | b | c" would be c's stdin alone.)
    setsid bash -c "set -o pipefail; exec < '$run/decrypted.fifo'; $reader" & local reader_pid=$!
    local timer=""
    [[ -x /usr/bin/time ]] && timer="/usr/bin/time -f '%U %S' -o '$run/cpu-decrypt-'\$\$"
    local decrypt="exec $timer '$bin/wear-decrypt' --proxy-protocol --atomic-lines --master-key '$key' >> '$run/decrypted.fifo'"
    setsid systemd-socket-activate --accept --inetd -l "$run/ingest.sock" /bin/sh -c "$decrypt" 2> "$run/activator.err" &
    local activator_pid=$!
    pids+=("$reader_pid" "$activator_pid")
    for _ in $(seq 100); do [[ -S "$run/ingest.sock" ]] && break; sleep 0.05; done
    chmod 666 "$run/ingest.sock"
    sed -e "s#listen 8443 ssl;#listen 127.0.0.1:$port ssl;#" -e "s#/etc/wear/tls/server#$tls/server#g" \
        -e "s#/etc/wear/tls/devices-ca.crt#$tls/ca.crt#" -e "s#/var/log/nginx/#$run/#g" \
        -e "s#unix:/run/wear/ingest.sock#unix:$run/ingest.sock#" \
        -e "s#limit_conn wear_per_address 4;#limit_conn wear_per_address 64;#" \
        "$root/pipelines/nginx/wear-stream.conf" > "$run/wear-stream.conf"
    cat > "$run/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes 1;
pid $run/nginx.pid;
error_log $run/nginx.error.log notice;
events { worker_connections 1024; }
stream {
    include $root/pipelines/nginx/wear-log.conf;
    include $run/wear-stream.conf;
}
EOF
    setsid nginx -p "$run" -c "$run/nginx.conf" 2> "$run/nginx.err" & local nginx_pid=$!
    pids+=("$nginx_pid")
    for _ in $(seq 100); do [[ -s "$run/nginx.pid" ]] && ss -ltn | grep -q "127.0.0.1:$port " && break; sleep 0.05; done
    local worker; worker=$(pgrep -P "$nginx_pid" | head -n 1)
    local worker_before; worker_before=$(worker_cpu "$worker")

    # Our write end, opened after the activator and nginx started (they must not inherit it).
    exec 9<> "$run/decrypted.fifo"
    local start; start=$(date +%s.%N)
    local clients=()
    for ((i = 0; i < connections; i++)); do
        timed "$run/cpu-client-$i" openssl s_client -connect "127.0.0.1:$port" -tls1_3 \
            -servername localhost -CAfile "$tls/ca.crt" -cert "$tls/client-$i.crt" -key "$tls/client-$i.key" \
            -quiet -no_ign_eof -nocommands < "$parts/$i.ndjson" > /dev/null 2> "$run/client-$i.err" 9>&- &
        clients+=($!)
    done
    for pid in "${clients[@]}"; do wait "$pid" || fail "a TLS client failed: $(cat "$run"/client-*.err | tail -n 3)"; done
    for _ in $(seq 6000); do
        (($(grep -c '^Child .* died' "$run/activator.err" || true) >= connections)) && break
        sleep 0.01
    done
    local decrypted; decrypted=$(date +%s.%N)
    exec 9>&-
    wait "$reader_pid" || fail "the FIFO's reader failed: $(cat "$run"/*.err | tail -n 3)"
    local done_at; done_at=$(date +%s.%N)
    local worker_after; worker_after=$(worker_cpu "$worker")
    kill -QUIT "$nginx_pid"; wait "$nginx_pid" 2> /dev/null || true
    kill -9 -- "-$activator_pid" 2> /dev/null || true; wait "$activator_pid" 2> /dev/null || true

    local in; in=$(grep -o 'wear-decrypt: info: in=[0-9]*' "$run/activator.err" | awk -F= '{ s += $2 } END { print s + 0 }')
    local outn; outn=$(grep -o 'out=[0-9]*' "$run/activator.err" | awk -F= '{ s += $2 } END { print s + 0 }')
    ((in == records && outn == records)) || fail "ingest: wear-decrypt read $in and wrote $outn of $records envelopes"
    check_reader "$run"
    local wall; wall=$(calc "$done_at - $start")
    ((stages)) || wall=$(calc "$decrypted - $start")
    result="$wall $(cpu "$run"/cpu-client-*) $(calc "$worker_after - $worker_before") $(cpu "$run"/cpu-decrypt-*)"
}

# check_reader DIR: the FIFO's reader (or the pipe's) got every record.
check_reader() {
    if ((stages)); then
        local filter_in; filter_in=$(grep -o 'wear-filter: info: in=[0-9]*' "$1/filter.err" | tail -n 1 | cut -d= -f2)
        [[ "$filter_in" == "$records" ]] || fail "wear-filter read ${filter_in:-nothing}, not $records"
        grep -q 'wear-alert: info: in=' "$1/alert.err" || fail "wear-alert wrote no summary"
    else
        [[ "$(cat "$1/reader.count")" == "$records" ]] || fail "the reader counted $(cat "$1/reader.count"), not $records"
    fi
}

plain_run() {
    rm -rf "$run" && mkdir -p "$run"
    local start; start=$(date +%s.%N)
    if ((stages)); then
        timed "$run/cpu-decrypt" "$bin/wear-decrypt" --master-key "$key" < "$input" 2> "$run/decrypt.err" \
            | bash -c "set -o pipefail; $reader" || fail "plain pipe failed"
    else
        timed "$run/cpu-decrypt" "$bin/wear-decrypt" --master-key "$key" < "$input" 2> "$run/decrypt.err" \
            | bash -c "$reader" || fail "plain pipe failed"
    fi
    local end; end=$(date +%s.%N)
    grep -q "in=$records out=$records " "$run/decrypt.err" || fail "plain: $(tail -n 1 "$run/decrypt.err")"
    check_reader "$run"
    result="$(calc "$end - $start") 0 0 $(cpu "$run/cpu-decrypt")"
}

best() { sort -n | head -n 1; }
note "$records envelopes ($bytes bytes), $devices devices, $connections connections, best of $repeat; behind: $( ((stages)) && echo 'wear-filter | wear-score | wear-alert' || echo 'wc -l')"
ingest_results=() plain_results=()
for ((k = 0; k < repeat; k++)); do
    ingest_run
    ingest_results+=("$result")
    plain_run
    plain_results+=("$result")
    note "run $((k + 1)): ingest ${ingest_results[-1]%% *} s, plain ${plain_results[-1]%% *} s"
done
ingest=$(printf '%s\n' "${ingest_results[@]}" | best)
plain=$(printf '%s\n' "${plain_results[@]}" | best)
read -r iw ic ing idc <<< "$ingest"
read -r pw _ _ pdc <<< "$plain"
irate=$(awk "BEGIN { printf \"%d\", $records / $iw }") prate=$(awk "BEGIN { printf \"%d\", $records / $pw }")
echo
echo "| path | wall s | records/s | MB/s | CPU s: clients | nginx worker | wear-decrypt |"
echo "|---|--:|--:|--:|--:|--:|--:|"
printf '| nginx + TLS 1.3 + PROXY + %d x wear-decrypt%s | %.3f | %s | %.1f | %s | %.2f | %s |\n' "$connections" \
    "$( ((stages)) && echo ' + stages')" "$iw" "$irate" "$(calc "$bytes / $iw / 1000000")" "$ic" "$ing" "$idc"
printf '| plain pipe: wear-decrypt < file%s | %.3f | %s | %.1f | - | - | %s |\n' \
    "$( ((stages)) && echo ' | stages')" "$pw" "$prate" "$(calc "$bytes / $pw / 1000000")" "$pdc"
printf '\nratio ingest / plain pipe: %.2f\n' "$(calc "$irate / $prate")"
