#!/usr/bin/env bash
# Installs the peers Lockstep's tests run against:
#   Debian's restic (0.14), rclone, openssh-server, zstd (the tests' frame fixtures), openssl (a test's
#   self-signed certificate) and libjemalloc2 (the allocator the extension gives its backend where the system has
#   it, client/src/backendMemory.ts), with apt-get;
#   restic 0.18 and rest-server 0.13, unpacked from Debian trixie's packages into
#   ${LOCKSTEP_PEERS_DIR:-~/.cache/lockstep-peers}/bin without changing the system's apt state.
# Then scripts/install-e2e.sh: chromium and code-server for the real-VS-Code tests.
# Fast when everything is there. Outside CI, without root, it warns and leaves the tests to skip.
set -euo pipefail
dest=${LOCKSTEP_PEERS_DIR:-$HOME/.cache/lockstep-peers}
missing=()
for pkg in restic:restic rclone:rclone sshd:openssh-server zstd:zstd openssl:openssl; do
  command -v "${pkg%%:*}" >/dev/null 2>&1 || [[ -x /usr/sbin/${pkg%%:*} ]] || missing+=("${pkg##*:}")
done
[[ $(/sbin/ldconfig -p 2>/dev/null) == *libjemalloc.so.2* ]] || missing+=(libjemalloc2)
need_trixie=0
[[ -x $dest/bin/restic-0.18 && -x $dest/bin/restic-rest-server ]] || need_trixie=1
e2e=$(dirname "$0")/install-e2e.sh
if [[ ${#missing[@]} -eq 0 && $need_trixie -eq 0 ]]; then
  echo "peers: restic $(restic version | awk '{print $2}'), restic-0.18 and rest-server in $dest/bin"
  bash "$e2e"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  msg="peers missing (${missing[*]:-} restic-0.18/rest-server) and not root: cannot install them"
  if [[ -n ${CI:-} ]]; then echo "$msg" >&2; exit 1; fi
  echo "warning: $msg; tests that need them will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if [[ ${#missing[@]} -gt 0 ]]; then
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [[ $need_trixie -eq 1 ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/parts" "$work/lists/partial" "$work/archives/partial" "$work/root" "$dest/bin"
  # Same archive as this machine's apt sources, trixie suite; apt state kept in $work only.
  deb822=$(ls /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
  if [[ -n $deb822 ]]; then
    awk 'BEGIN{RS="";ORS="\n\n"} NR==1' "$deb822" | sed -e 's/^Suites:.*/Suites: trixie/' > "$work/parts/trixie.sources"
  else
    grep -h '^deb ' /etc/apt/sources.list | grep -v security | head -n 1 | awk '{print $1, $2, "trixie", "main"}' > "$work/parts/trixie.list"
  fi
  opts=(-o Dir::Etc::sourcelist=- -o Dir::Etc::sourceparts="$work/parts" -o Dir::State::lists="$work/lists"
        -o Dir::Cache::archives="$work/archives" -o Dir::Cache::pkgcache="$work/pkg.bin"
        -o Dir::Cache::srcpkgcache="$work/srcpkg.bin" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq >/dev/null
  (cd "$work" && apt-get "${opts[@]}" download restic restic-rest-server >/dev/null)
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  install -m 0755 "$work/root/usr/bin/restic" "$dest/bin/restic-0.18"
  install -m 0755 "$work/root/usr/bin/restic-rest-server" "$dest/bin/restic-rest-server"
fi
"$dest/bin/restic-0.18" version >/dev/null
echo "peers: restic $(restic version | awk '{print $2}'), restic-0.18 and rest-server in $dest/bin"
bash "$e2e"
