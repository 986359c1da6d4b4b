#!/usr/bin/env bash
# Installs Debian's docker.io (if missing) and starts dockerd in the background with a runtime
# wrapper that lets privileged containers start on this VM. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive
if ! command -v dockerd >/dev/null || ! command -v jq >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq docker.io jq >/dev/null
fi
install -m 0755 "$here/runc-drop-sys-resource" /usr/local/bin/runc-drop-sys-resource
if docker info >/dev/null 2>&1; then
  echo "dockerd already running"
  exit 0
fi
mkdir -p /etc/docker
cat > /etc/docker/daemon.json <<'JSON'
{
  "runtimes": { "runc-nosysres": { "path": "/usr/local/bin/runc-drop-sys-resource" } },
  "default-runtime": "runc-nosysres"
}
JSON
log=${DOCKERD_LOG:-/var/log/kindlab-dockerd.log}
nohup dockerd >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "dockerd up (log: $log)"; exit 0; fi
  sleep 1
done
echo "dockerd did not come up; last lines of $log:" >&2
tail -n 30 "$log" >&2
exit 1
