#!/usr/bin/env bash
# Proves a node container of the base image boots on this host and runs a pod sandbox:
# systemd up, containerd answering, the pause image imported into containerd's k8s.io
# namespace, `crictl runp` of a minimal pod → Ready (IP from the CNI plugins). Removes the
# container afterwards.
#
#   lab/node/boot-test.sh [BASE_IMAGE]     (default: the one base-image.sh builds)
# Needs the pause archive of kind's sandbox reference in the images folder (aux-images.sh).
set -euo pipefail
LOG_TAG=boot-test
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

base=${1:-}
[[ -n $base ]] || base=$("$LAB_NODE_DIR/base-image.sh" | sed -n 's/^BASE_IMAGE=//p')
sandbox=$(kind_sandbox_image)
archive=$(images_dir)/$(echo "$sandbox.tar" | tr '/:@' '__-')
[[ -s $archive ]] || die "no $archive: run lab/node/aux-images.sh first"

name=kindlab-lab-boot-$$
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
in_node() { docker exec "$name" "$@" 2> >(grep -v 'DEPRECATION: The support for cgroup v1' >&2); }

log "docker run $base"
docker run -d --name "$name" --hostname "$name" --privileged --cgroupns=private --tmpfs /run --tmpfs /tmp -v /var \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined "$base" >/dev/null
state=""
for _ in $(seq 60); do
  state=$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)
  [[ $state == running || $state == degraded ]] && break
  sleep 1
done
log "systemd: $state"
[[ $state == running || $state == degraded ]] || {
  docker logs "$name" 2>&1 | tail -20 >&2
  die "systemd did not come up"
}
crit=$(in_node criu check 2>&1 | tail -1)
log "criu $(in_node criu --version | sed -n 's/^Version: //p'): $crit"
[[ $crit == "Looks good." ]] || die "criu check failed inside the node"
in_node ctr version | sed -n 's/^ *Version: */containerd /p' | head -2 >&2
docker cp "$archive" "$name:/kind/sandbox.tar"
in_node ctr -n k8s.io images import --all-platforms --no-unpack --digests /kind/sandbox.tar >/dev/null
in_node ctr -n k8s.io images ls -q | grep -qxF "$sandbox" || die "$sandbox not in containerd after the import"
log "imported $sandbox"
in_node mkdir -p /etc/cni/net.d
"$LAB_NODE_DIR/cni-agent.sh" render 10.244.0.0/24 | docker exec -i "$name" sh -c 'cat > /etc/cni/net.d/10-kindnet.conflist'
echo '{"metadata":{"name":"lab-sandbox","namespace":"default","uid":"lab-sandbox-uid","attempt":1},"linux":{"cgroup_parent":"kubelet.slice"},"log_directory":"/tmp"}' |
  docker exec -i "$name" sh -c 'cat > /kind/pod.json'
for _ in $(seq 10); do # the CRI plugin picks up the CNI config within a few seconds
  id=$(in_node crictl runp /kind/pod.json 2>/dev/null) && break
  sleep 1
done
[[ -n ${id:-} ]] || { in_node crictl runp /kind/pod.json; die "crictl runp failed"; }
in_node crictl pods >&2
st=$(in_node crictl inspectp "$id" | jq -r '"\(.status.state) \(.status.network.ip)"')
log "sandbox ${id:0:13}: $st"
[[ $st == SANDBOX_READY* ]] || die "the sandbox is not ready"
in_node crictl stopp "$id" >/dev/null
in_node crictl rmp "$id" >/dev/null
log "ok: $base boots and runs a pod sandbox"
