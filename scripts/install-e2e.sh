#!/usr/bin/env bash
# Installs what the real-VS-Code tests need (research/env-feasibility.md §4.4): Debian's chromium, and
# code-server 4.100.3 (VS Code 1.100.3 on Node 20) into ${LOCKSTEP_PEERS_DIR:-~/.cache/lockstep-peers}/code-server.
# code-server's npm install needs build tools for its native modules, a ripgrep download seeded from Debian's
# ripgrep (no GitHub access here), --unsafe-perm as root, and npm_config_yes for node-gyp. Fast when done.
set -euo pipefail
dest=${LOCKSTEP_PEERS_DIR:-$HOME/.cache/lockstep-peers}
cs_dir=$dest/code-server
cs_bin=$cs_dir/node_modules/.bin/code-server
if [[ -x $cs_bin && -x /usr/bin/chromium ]]; then
  echo "e2e: code-server $(cd "$cs_dir" && node -p "require('code-server/package.json').version") and $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  msg="code-server/chromium missing and not root: cannot install them"
  if [[ -n ${CI:-} ]]; then echo "$msg" >&2; exit 1; fi
  echo "warning: $msg; the VS Code tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium ripgrep libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev build-essential python3 >/dev/null
if [[ ! -x $cs_bin ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/rg" "$cs_dir"
  cp /usr/bin/rg "$work/rg/rg"
  rg_cache=${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11
  mkdir -p "$rg_cache"
  tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg
  [[ -f $cs_dir/package.json ]] || echo '{"name":"lockstep-e2e-peers","private":true}' > "$cs_dir/package.json"
  (cd "$cs_dir" && npm_config_yes=true npm install code-server@4.100.3 --unsafe-perm --foreground-scripts --no-audit --no-fund >"$work/npm.log" 2>&1) || {
    tail -n 40 "$work/npm.log" >&2
    exit 1
  }
fi
echo "e2e: code-server in $cs_dir, $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
