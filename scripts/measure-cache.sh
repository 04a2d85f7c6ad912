#!/bin/sh
# Times `snapshots` and an unchanged backup of a remote repository with and without the local cache, over REST
# (restic's rest-server) or SFTP (OpenSSH's sshd), both on 127.0.0.1.
# Usage: sh scripts/measure-cache.sh [FILES] [SNAPSHOTS] [rest|sftp]   (after `node esbuild.mjs`)
set -eu
FILES=${1:-2000}
SNAPSHOTS=${2:-20}
KIND=${3:-rest}
PEERS=${LOCKSTEP_PEERS_DIR:-$HOME/.cache/lockstep-peers}
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export RESTIC_PASSWORD=measure LOCKSTEP_KDF_N=1024 LOCKSTEP_KDF_R=8 LOCKSTEP_KDF_P=1
if [ "$KIND" = sftp ]; then
  ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$WORK/client_key"
  cp "$WORK/client_key.pub" "$WORK/authorized_keys"
  printf '%s\n' "Port $PORT" 'ListenAddress 127.0.0.1' "HostKey $WORK/host_key" "PidFile $WORK/sshd.pid" \
    'PermitRootLogin prohibit-password' 'UsePAM no' "AuthorizedKeysFile $WORK/authorized_keys" \
    'Subsystem sftp internal-sftp' 'StrictModes no' > "$WORK/sshd_config"
  /usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>/dev/null &
  SERVER=$!
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1-2 "$WORK/host_key.pub")" > "$WORK/known_hosts"
  export RESTIC_REPOSITORY="sftp://$(id -un)@127.0.0.1:$PORT/$WORK/repo" LOCKSTEP_SFTP_IDENTITY="$WORK/client_key" LOCKSTEP_SFTP_KNOWN_HOSTS="$WORK/known_hosts"
else
  "$PEERS/bin/restic-rest-server" --listen 127.0.0.1:$PORT --path "$WORK/server" --no-auth >/dev/null 2>&1 &
  SERVER=$!
  export RESTIC_REPOSITORY=rest:http://127.0.0.1:$PORT/repo/
fi
sleep 1
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
