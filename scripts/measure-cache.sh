#!/bin/sh
# Times `snapshots` and an unchanged backup over REST (restic's rest-server) with and without the local cache.
# Usage: sh scripts/measure-cache.sh [FILES] [SNAPSHOTS]   (run from the worktree after `node esbuild.mjs`)
set -eu
FILES=${1:-2000}
SNAPSHOTS=${2:-20}
PEERS=${LOCKSTEP_PEERS_DIR:-$HOME/.cache/lockstep-peers}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$PEERS/bin/restic-rest-server" --listen 127.0.0.1:$PORT --path "$WORK/server" --no-auth >/dev/null 2>&1 &
SERVER=$!
sleep 1
export RESTIC_REPOSITORY=rest:http://127.0.0.1:$PORT/repo/ RESTIC_PASSWORD=measure LOCKSTEP_KDF_N=1024 LOCKSTEP_KDF_R=8 LOCKSTEP_KDF_P=1
L="node dist/cli.js"
mkdir -p "$WORK/tree"
i=0; while [ $i -lt $FILES ]; do mkdir -p "$WORK/tree/d$((i / 100))"; echo "file $i" > "$WORK/tree/d$((i / 100))/f$i"; i=$((i + 1)); done
$L init >/dev/null
i=0; while [ $i -lt $SNAPSHOTS ]; do $L backup -q --tag s$i "$WORK/tree" >/dev/null; i=$((i + 1)); done
CACHE="$WORK/cache"
$L --cache-dir "$CACHE" snapshots >/dev/null   # fills the cache
t() { s=$(date +%s%N); "$@" >/dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); }
for run in 1 2 3; do
  echo "run $run: snapshots no-cache $(t $L --no-cache snapshots) ms, cached $(t $L --cache-dir "$CACHE" snapshots) ms;" \
    "unchanged backup no-cache $(t $L --no-cache backup -q "$WORK/tree") ms, cached $(t $L --cache-dir "$CACHE" backup -q "$WORK/tree") ms"
done
