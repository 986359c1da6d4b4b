#!/usr/bin/env bash
# Makes this machine cold the way docs/lab.md's cold figures were measured, then runs the README's
# two commands on a fresh clone, one after the other, and prints how long each took:
#
#   - kind clusters deleted, dockerd stopped, Debian's docker packages purged, /var/lib/docker and
#     /var/lib/containerd wiped;
#   - HOME caches emptied: the Go module and build caches (toolchains included), npm's cache,
#     kindlab's caches and tools (~/.cache/kindlab, ~/.cache/kindlab-tools);
#   - a fresh clone of <repo> (default: this repository) at its HEAD;
#   - command 1: npm ci && node bin/kindlab.js lab build && node bin/kindlab.js test --provider local
#   - command 2: bash .ci/run   (CI=true, no stdin)
#
#   bash .ci/cold-machine.sh --yes [--repo <dir>] [--out <dir>] [--keep-cluster NAME]... [-- <args for .ci/run>]
#   bash .ci/cold-machine.sh --empty-home [--repo <dir>] [--out <dir>]
#
# --empty-home times command 1 alone and destroys nothing: it runs in a HOME of its own (only
# ~/.npmrc, ~/.gitconfig and ~/.config/go/env copied), so the Go module and build caches, npm's
# and kindlab's caches are empty, and removes that HOME afterwards. Command 1 builds nothing in
# docker, so for it this is as cold as a wiped machine.
#
# It destroys every docker container, image and volume on the machine and the caches above, so it
# asks for --yes. --keep-cluster NAME keeps a kind cluster that is not this script's to delete (and
# so dockerd, Debian's docker packages and /var/lib/docker): every other container, every image
# tag, volume and build cache is removed instead, and the images the kept nodes run lose their tags. Logs and a summary (cold-summary.txt) go to --out (default: a new /tmp dir).
set -euo pipefail
# One compound command: bash parses all of it before it runs, so an edit of this file during the
# hour it runs (it lives in the repository it clones) cannot change what runs.
{
repo=$(cd "$(dirname "$0")/.." && pwd)
out=""
yes=""
ci_args=()
keep=()
empty_home=""
while [[ $# -gt 0 ]]; do
  case $1 in
  --yes) yes=1 && shift ;;
  --repo) repo=${2:?--repo needs a directory} && shift 2 ;;
  --out) out=${2:?--out needs a directory} && shift 2 ;;
  --keep-cluster) keep+=("${2:?--keep-cluster needs a kind cluster name}") && shift 2 ;;
  --empty-home) empty_home=1 && shift ;;
  --) shift && ci_args=("$@") && break ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "cold-machine.sh: unknown argument $1 (see --help)" >&2
    exit 2
    ;;
  esac
done
command1() {
  (npm ci --no-audit --no-fund && node bin/kindlab.js lab build && node bin/kindlab.js test --provider local) </dev/null
}
if [[ -n $empty_home ]]; then
  out=${out:-$(mktemp -d /tmp/kindlab-cold.XXXXXX)}
  home=$(mktemp -d /tmp/kindlab-cold-home.XXXXXX)
  mkdir -p "$home/.config/go" "$out"
  for f in .npmrc .gitconfig .config/go/env; do [[ ! -f $HOME/$f ]] || cp "$HOME/$f" "$home/$f"; done
  git clone -q "$repo" "$home/kindlab"
  echo "[cold] command 1 of $(git -C "$home/kindlab" rev-parse --short HEAD) with an empty HOME ($home; logs in $out)" >&2
  t0=$(date +%s)
  rc=0
  (cd "$home/kindlab" && HOME=$home command1) >"$out/command1.log" 2>&1 || rc=$?
  t1=$(date +%s)
  echo "[cold] command 1 (npm ci && node bin/kindlab.js lab build && node bin/kindlab.js test --provider local): exit $rc, $((t1 - t0)) s; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/cold-summary.txt" >&2
  grep -E '^(lab: built|total )' "$out/command1.log" >&2 || true
  chmod -R u+w "$home" 2>/dev/null || true
  rm -rf "$home"
  exit "$rc"
fi
if [[ -z $yes ]]; then
  echo "cold-machine.sh wipes every docker image, container and volume and the Go/npm/kindlab caches of $HOME; pass --yes to go on" >&2
  exit 2
fi
[[ $(id -u) == 0 ]] || {
  echo "cold-machine.sh must run as root (it purges Debian packages and /var/lib/docker)" >&2
  exit 2
}
out=${out:-$(mktemp -d /tmp/kindlab-cold.XXXXXX)}
# checked before anything is wiped: the clone goes to $out/kindlab
if [[ -e $out/kindlab ]]; then
  echo "cold-machine.sh: $out/kindlab exists (an earlier run's clone); pass another --out" >&2
  exit 2
fi
mkdir -p "$out"
say() { printf '[cold %s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$out/cold-summary.txt" >&2; }

say "making the machine cold (repo $repo, logs in $out)"
k=$(command -v kind || echo "$HOME/.cache/kindlab-tools/bin/kind")
if [[ ${#keep[@]} -gt 0 ]]; then
  # docker stays up for the kept clusters; everything else in it goes
  kept_containers=()
  for c in "${keep[@]}"; do
    mapfile -t -O "${#kept_containers[@]}" kept_containers < <(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$c")
    [[ ${#kept_containers[@]} -gt 0 ]] || { echo "cold-machine.sh: no kind cluster named $c to keep" >&2; exit 2; }
  done
  for c in $("$k" get clusters 2>/dev/null || true); do
    [[ " ${keep[*]} " == *" $c "* ]] || "$k" delete cluster --name "$c" >/dev/null 2>&1 || true
  done
  for id in $(docker ps -aq); do
    [[ " ${kept_containers[*]} " == *" $id "* ]] || docker rm -f -v "$id" >/dev/null
  done
  # every tag goes; an image a kept node runs stays as an untagged image (docker will not drop it)
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' | xargs -r docker rmi -f >/dev/null 2>&1 || true
  docker image prune -af >/dev/null
  # --all (named volumes too) needs API 1.42; before it, prune already removes every unused volume
  docker volume prune -af >/dev/null 2>&1 || docker volume prune -f >/dev/null
  docker builder prune -af >/dev/null
  docker_note="docker kept for the kind clusters ${keep[*]}: every other container, every tag, volume and build cache removed"
else
  for c in $("$k" get clusters 2>/dev/null || true); do "$k" delete cluster --name "$c" >/dev/null 2>&1 || true; done
  pkill -x dockerd 2>/dev/null || true
  pkill -x containerd 2>/dev/null || true
  for _ in $(seq 30); do pgrep -x dockerd >/dev/null || pgrep -x containerd >/dev/null || break; sleep 1; done
  export DEBIAN_FRONTEND=noninteractive
  apt-get purge -y -qq docker.io containerd runc >/dev/null 2>&1 || true
  apt-get autoremove -y -qq >/dev/null 2>&1 || true
  # leftover overlay mounts would keep the wipe from finishing
  grep -oE ' /var/lib/(docker|containerd)[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf /var/lib/docker /var/lib/containerd /run/docker /run/containerd
  docker_note="docker purged and wiped"
fi
gomodcache=$(go env GOMODCACHE 2>/dev/null || echo "$HOME/go/pkg/mod")
gocache=$(GOTOOLCHAIN=local go env GOCACHE 2>/dev/null || echo "$HOME/.cache/go-build")
chmod -R u+w "$gomodcache" 2>/dev/null || true
rm -rf "$gomodcache" "$gocache" "$HOME/.npm" "$HOME/.cache/kindlab" "$HOME/.cache/kindlab-tools" "$HOME/.kube/kindlab"
say "cold: $docker_note; caches emptied ($gomodcache, $gocache, ~/.npm, ~/.cache/kindlab*)"

clone=$out/kindlab
git clone -q "$repo" "$clone"
say "fresh clone of $(git -C "$clone" rev-parse --short HEAD) in $clone"

# command 1 needs docker only for what .ci/run installs; the README's first command runs on what
# a developer has: node, npm and Go (the local provider starts real binaries, no containers).
cd "$clone"
t0=$(date +%s)
set +e
command1 >"$out/command1.log" 2>&1
rc1=$?
t1=$(date +%s)
say "command 1 (npm ci && node bin/kindlab.js lab build && node bin/kindlab.js test --provider local): exit $rc1, $((t1 - t0)) s"
CI=true bash .ci/run "${ci_args[@]}" </dev/null >"$out/command2.log" 2>&1
rc2=$?
t2=$(date +%s)
set -e
say "command 2 (bash .ci/run ${ci_args[*]}): exit $rc2, $((t2 - t1)) s ($(((t2 - t1 + 30) / 60)) min)"
sed -n '/^=== stages/,$p' "$out/command2.log" | tee -a "$out/cold-summary.txt" >&2
[[ $rc1 == 0 && $rc2 == 0 ]]
exit
}
