#!/usr/bin/env bash
# Everything a kind node of a Kubernetes release needs here, offline (see docs/lab-node.md):
#   kube-checkout.sh  a git checkout of the release assembled from the Go module proxy, then
#                     the lab's build of it (npm run lab -- --kube-root): every Kubernetes binary
#                     of the release compiled once, with the tree's Go and the node-image flags,
#                     and upstream's e2e.test with the same flags
#   base-image.sh     the node base image (Debian rootfs + kind's base files, containerd, crictl)
#   aux-images.sh     etcd, CoreDNS, pause, kind's CNI and storage images, scenario images
# The last two run side by side, with the toolchain the lab used for the tree; their Go builds
# take turns (one at a time, nice'd). Cached by version under
# ${KINDLAB_LAB_CACHE:-~/.cache/kindlab/lab}/node/: a second run builds nothing.
#
#   lab/node/build.sh [--k8s-version v1.37.2] [--boot-test] [--binaries-only]
#
# --binaries-only stops after the checkout and the lab's build of it (prints KUBE_ROOT=): .ci/run
# builds the older releases after it, beside the images, rather than beside this compile.
#
# Progress goes to stderr; stdout gets the summary as KEY=VALUE lines:
#   BASE_IMAGE=  IMAGES_DIR=  KUBE_ROOT=  KUBEADM=  K8S_VERSION=  NODE_CACHE=
# Needs node and kindlab built (the lab is kindlab's own code: dist/lab/cli.js of this package;
# `kindlab lab node` runs this script from an installed package too).
set -euo pipefail
LOG_TAG=build

boot_test=""
binaries_only=""
while [[ $# -gt 0 ]]; do
  case $1 in
  --k8s-version) export K8S_VERSION=${2:?--k8s-version needs a value} && shift 2 ;;
  --k8s-version=*) export K8S_VERSION=${1#*=} && shift ;;
  --boot-test) boot_test=1 && shift ;;
  --binaries-only) binaries_only=1 && shift ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "unknown argument: $1 (see --help)" >&2
    exit 2
    ;;
  esac
done
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $K8S_VERSION =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--k8s-version wants vX.Y.Z, not $K8S_VERSION"
for c in go docker jq git gcc flock bc; do command -v "$c" >/dev/null || die "$c is not installed"; done
command -v node >/dev/null || die "node is not installed"
[[ -f "$LAB_NODE_DIR/../../dist/lab/cli.js" ]] || die "kindlab is not built (dist/lab/cli.js missing): npm run build"

# one build of a release at a time (a second caller waits, then finds everything cached)
exec {build_lock}>"$NODE_CACHE/build-$K8S_VERSION.lock"
if ! flock -n "$build_lock"; then
  log "another lab/node build of $K8S_VERSION is running: waiting for it"
  flock "$build_lock"
fi

start=$SECONDS
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log "Kubernetes $K8S_VERSION, cache $NODE_CACHE"

timed kube-checkout-all "$LAB_NODE_DIR/kube-checkout.sh" >"$out/checkout"
kube_root_dir=$(sed -n 's/^KUBE_ROOT=//p' "$out/checkout")
log "lab build of $K8S_VERSION from $kube_root_dir"
# the node's binaries and the control plane's (src/source/release-layout.ts GO_BUILT), upstream's
# e2e.test (after them: it compiles only the test packages) and the ginkgo CLI of the same module
# graph (parallel spec runs); what `npm run lab` compiled from this tree before is not compiled again
timed lab-from-tree node "$LAB_NODE_DIR/../../dist/lab/cli.js" --k8s-version "$K8S_VERSION" --kube-root "$kube_root_dir" \
  --components kubeadm,kubelet,kubectl,kube-apiserver,kube-controller-manager,kube-scheduler,kube-proxy,e2e.test,ginkgo >&2
if [[ -n $binaries_only ]]; then
  log "binaries done in $((SECONDS - start)) s (--binaries-only)"
  cat "$out/checkout"
  exit 0
fi
# one toolchain for every Go build here: the one the tree pins (its std library is compiled once)
GOTOOLCHAIN=$(jq -r '.kubernetes.gotoolchain // "local"' "$(lab_k8s_dir)/manifest.json")
export GOTOOLCHAIN
"$LAB_NODE_DIR/base-image.sh" >"$out/base" &
base_pid=$!
rc=0
"$LAB_NODE_DIR/aux-images.sh" >"$out/images" || rc=$?
wait "$base_pid" || rc=$?
[[ $rc == 0 ]] || die "a step failed (see above; logs in $LOG_DIR)"

if [[ -n $boot_test ]]; then
  "$LAB_NODE_DIR/boot-test.sh" "$(sed -n 's/^BASE_IMAGE=//p' "$out/base")"
fi

log "done in $((SECONDS - start)) s"
cat "$out/base" "$out/images" "$out/checkout"
echo "K8S_VERSION=$K8S_VERSION"
echo "NODE_CACHE=$NODE_CACHE"
