#!/usr/bin/env bash
# The kind node base image, offline: a Debian rootfs from mmdebstrap with the packages kind's
# base Dockerfile installs (+ criu, runc, CNI plugins), kind's base files and Dockerfile steps
# applied to it, containerd and crictl built from the Go module proxy.
#
#   lab/node/base-image.sh        prints BASE_IMAGE=<tag> on stdout
#
# Cached: the Debian rootfs by its package list (<cache>/node/rootfs/), the Go tools by version
# (<cache>/node/tools/), the image by a hash of all inputs (a docker tag; nothing is rebuilt
# while it exists).
set -euo pipefail
LOG_TAG=base
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# What kind's images/base/Dockerfile installs, plus Debian's runc and CNI plugins (host-local,
# loopback, ptp, portmap, bridge, ...), and criu for container checkpoints.
PACKAGES=(
  systemd
  conntrack iptables nftables iproute2 ethtool util-linux mount kmod
  libseccomp2 pigz fuse-overlayfs
  nfs-common open-iscsi
  e2fsprogs
  bash ca-certificates curl jq procps
  runc containernetworking-plugins
)
# criu comes from a newer suite: bookworm's 3.17 cannot dump on this kernel (6.18): "vdso:
# Unexpected rt vDSO area bounds" in `criu check`; trixie's 4.1 passes and dumps. It brings a
# newer libc6 along (backward compatible).
CRIU_SUITE=${CRIU_SUITE:-trixie}
# like debian's slim images: no manuals, docs (but copyrights) or translations
DPKG_OPTS=(
  'path-exclude=/usr/share/man/*'
  'path-exclude=/usr/share/doc/*'
  'path-include=/usr/share/doc/*/copyright'
  'path-exclude=/usr/share/locale/*'
  'path-exclude=/usr/share/info/*'
)

rootfs_key() { printf '%s\n' "$DEBIAN_SUITE" minbase "${PACKAGES[@]}" "${DPKG_OPTS[@]}" "criu/$CRIU_SUITE" | short_hash; }
rootfs_tar() { echo "$NODE_CACHE/rootfs/$DEBIAN_SUITE-$(rootfs_key).tar"; }

# 1. Debian rootfs (no Go; runs beside the Go builds)
build_rootfs() {
  local out
  out=$(rootfs_tar)
  if [[ -s $out ]]; then
    log "rootfs: cached $(basename "$out")"
    return
  fi
  command -v mmdebstrap >/dev/null || {
    log "installing mmdebstrap"
    apt-get install -y -qq mmdebstrap >&2 || { apt-get update -qq >&2 && apt-get install -y -qq mmdebstrap >&2; }
  }
  mkdir -p "$(dirname "$out")"
  local opts=() o
  for o in "${DPKG_OPTS[@]}"; do opts+=(--dpkgopt="$o"); done
  log "rootfs: mmdebstrap $DEBIAN_SUITE (${#PACKAGES[@]} packages; log: $LOG_DIR/mmdebstrap.log)"
  # no mirror given: mmdebstrap's default Debian mirror (+ updates and security for a stable suite)
  # criu: the chroot's first apt line with the suite swapped (no mirror written here), only
  # for this install
  # shellcheck disable=SC2016 # $1 is the hook's argument (the rootfs), expanded by mmdebstrap
  local criu_hook='set -e
    grep -m1 -E "^deb .* '"$DEBIAN_SUITE"' " "$1/etc/apt/sources.list" | sed "s/ '"$DEBIAN_SUITE"' / '"$CRIU_SUITE"' /" >"$1/etc/apt/sources.list.d/criu.list"
    chroot "$1" apt-get update -qq
    chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t '"$CRIU_SUITE"' criu
    rm "$1/etc/apt/sources.list.d/criu.list"
    chroot "$1" apt-get update -qq'
  if ! nice -n 5 mmdebstrap --format=tar --variant=minbase --include="$(IFS=,; echo "${PACKAGES[*]}")" "${opts[@]}" \
    --customize-hook="$criu_hook" "$DEBIAN_SUITE" "$out.tmp" >"$LOG_DIR/mmdebstrap.log" 2>&1; then
    tail -20 "$LOG_DIR/mmdebstrap.log" >&2
    rm -f "$out.tmp"
    die "mmdebstrap failed"
  fi
  mv "$out.tmp" "$out"
  # older rootfs builds of the suite (other package lists) are not needed any more
  find "$(dirname "$out")" -maxdepth 1 -name "$DEBIAN_SUITE-*.tar" ! -name "$(basename "$out")" -delete
}

# 2. containerd (containerd, ctr, containerd-shim-runc-v2), static, from the module proxy
containerd_dir() { echo "$TOOLS_DIR/containerd-$CONTAINERD_VERSION"; }
build_containerd() {
  local dir pkg=github.com/containerd/containerd/v2 rev
  dir=$(containerd_dir)
  if [[ -x $dir/containerd && -x $dir/ctr && -x $dir/containerd-shim-runc-v2 ]]; then
    log "containerd $CONTAINERD_VERSION: cached"
    return
  fi
  rev=$(module_json "$pkg@$CONTAINERD_VERSION" | jq -r '.Origin.Hash // "unknown"')
  local ld="-s -w -X $pkg/version.Version=$CONTAINERD_VERSION -X $pkg/version.Revision=$rev -X $pkg/version.Package=$pkg"
  local tags='no_aufs no_zfs no_btrfs no_devmapper urfave_cli_no_docs'
  log "containerd $CONTAINERD_VERSION: go build (log: $LOG_DIR/containerd.log)"
  mkdir -p "$dir.tmp"
  {
    CGO_ENABLED=0 go_tool_build "$pkg" "$CONTAINERD_VERSION" "$pkg/cmd/containerd" "$dir.tmp/containerd" -tags "$tags" -ldflags "$ld" &&
      CGO_ENABLED=0 go_tool_build "$pkg" "$CONTAINERD_VERSION" "$pkg/cmd/ctr" "$dir.tmp/ctr" -tags "$tags" -ldflags "$ld" &&
      CGO_ENABLED=0 go_tool_build "$pkg" "$CONTAINERD_VERSION" "$pkg/cmd/containerd-shim-runc-v2" "$dir.tmp/containerd-shim-runc-v2" -tags "$tags no_grpc" -ldflags "$ld"
  } >"$LOG_DIR/containerd.log" 2>&1 || {
    tail -20 "$LOG_DIR/containerd.log" >&2
    die "containerd build failed"
  }
  "$dir.tmp/containerd" --version >&2
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# 2b. runc from the module proxy (cgo, libseccomp): Debian bookworm's 1.1.5 runs pods, but
# containerd only offers user namespaces (hostUsers: false) with a runc that reports idmapped
# mounts in `runc features` (≥ 1.2); kind ships 1.4.3.
runc_file() { echo "$TOOLS_DIR/runc-$RUNC_VERSION/runc"; }
build_runc() {
  local out
  out=$(runc_file)
  if [[ -x $out ]]; then
    log "runc $RUNC_VERSION: cached"
    return
  fi
  dpkg -s libseccomp-dev pkg-config >/dev/null 2>&1 ||
    apt-get install -y -qq libseccomp-dev pkg-config >&2 || { apt-get update -qq >&2 && apt-get install -y -qq libseccomp-dev pkg-config >&2; }
  log "runc $RUNC_VERSION: go build (log: $LOG_DIR/runc.log)"
  CGO_ENABLED=1 go_tool_build github.com/opencontainers/runc "$RUNC_VERSION" github.com/opencontainers/runc "$out" \
    -tags seccomp -ldflags "-s -w -X main.version=${RUNC_VERSION#v}" >"$LOG_DIR/runc.log" 2>&1 || {
    tail -20 "$LOG_DIR/runc.log" >&2
    die "runc build failed"
  }
}

# 3. crictl from sigs.k8s.io/cri-tools
crictl_file() { echo "$TOOLS_DIR/crictl-$CRICTL_VERSION/crictl"; }
build_crictl() {
  local out
  out=$(crictl_file)
  if [[ -x $out ]]; then
    log "crictl $CRICTL_VERSION: cached"
    return
  fi
  log "crictl $CRICTL_VERSION: go build (log: $LOG_DIR/crictl.log)"
  CGO_ENABLED=0 go_tool_build sigs.k8s.io/cri-tools "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl "$out" \
    -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" >"$LOG_DIR/crictl.log" 2>&1 || {
    tail -20 "$LOG_DIR/crictl.log" >&2
    die "crictl build failed"
  }
  "$out" --version >&2
}

base_files() { echo "$(kind_dir)/images/base/files"; }

# The tag covers every input: this script, the package list, kind's base files, tool versions.
base_tag() {
  local h
  h=$({
    cat "$LAB_NODE_DIR/base-image.sh" "$LAB_NODE_DIR/lib.sh"
    rootfs_key
    echo "$KIND_VERSION $CONTAINERD_VERSION $CRICTL_VERSION $RUNC_VERSION"
    (cd "$(base_files)" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  } | short_hash)
  echo "kindlab-lab/base:$DEBIAN_SUITE-containerd-${CONTAINERD_VERSION#v}-$h"
}

# 4. assemble: kind's base files and Dockerfile steps, applied to the rootfs in a chroot
assemble() {
  local tag=$1 work r files cdir
  work=$(mktemp -d "$NODE_CACHE/base-work.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  r=$work/rootfs
  files=$(base_files)
  cdir=$(containerd_dir)
  mkdir -p "$r"
  log "assembling the rootfs in $work"
  tar -C "$r" -xf "$(rootfs_tar)"

  # COPY --chmod=0755 files/usr/local/bin/* /usr/local/bin/ ; 0644 for the rest; 0755 for /kind/bin
  install -m 0755 "$files"/usr/local/bin/* "$r/usr/local/bin/"
  mkdir -p "$r/kind/bin" "$r/LICENSES"
  (cd "$files/kind" && find . -type f | while read -r f; do install -D -m 0644 "$f" "$r/kind/$f"; done)
  install -m 0755 "$files"/kind/bin/* "$r/kind/bin/"
  install -m 0644 "$files"/LICENSES/* "$r/LICENSES/"
  install -m 0644 "$files"/etc/*.yaml "$r/etc/"
  mkdir -p "$r/etc/containerd" "$r/etc/default" "$r/etc/sysctl.d" "$r/etc/systemd/system/kubelet.service.d"
  install -m 0644 "$files"/etc/containerd/* "$r/etc/containerd/"
  install -m 0644 "$files"/etc/default/* "$r/etc/default/"
  install -m 0644 "$files"/etc/sysctl.d/* "$r/etc/sysctl.d/"
  install -m 0644 "$files"/etc/systemd/system/*.service "$files"/etc/systemd/system/*.slice "$r/etc/systemd/system/"
  install -m 0644 "$files"/etc/systemd/system/kubelet.service.d/* "$r/etc/systemd/system/kubelet.service.d/"

  # the Dockerfile's RUN steps
  chmod 755 "$r/kind" "$r/kind/bin"
  find "$r/lib/systemd/system/sysinit.target.wants/" -name "systemd-tmpfiles-setup.service" -delete
  rm -f "$r"/lib/systemd/system/multi-user.target.wants/*
  rm -f "$r"/etc/systemd/system/*.wants/*
  rm -f "$r"/lib/systemd/system/local-fs.target.wants/*
  rm -f "$r"/lib/systemd/system/sockets.target.wants/*udev*
  rm -f "$r"/lib/systemd/system/sockets.target.wants/*initctl*
  rm -f "$r"/lib/systemd/system/basic.target.wants/*
  echo "ReadKMsg=no" >>"$r/etc/systemd/journald.conf"
  ln -sf /usr/lib/systemd/systemd "$r/sbin/init"
  chroot "$r" systemctl enable kubelet.service containerd.service undo-mount-hacks.service >&2
  chroot "$r" systemctl mask systemd-binfmt.service >&2
  mkdir -p "$r/etc/kubernetes/manifests"

  # containerd, its base OCI spec (as kind's Dockerfile makes it), runc, crictl, CNI plugins
  install -m 0755 "$cdir/containerd" "$cdir/ctr" "$cdir/containerd-shim-runc-v2" "$r/usr/local/bin/"
  chroot "$r" /usr/local/bin/ctr oci spec |
    jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
    jq 'del(.process.rlimits)' >"$r/etc/containerd/cri-base.json"
  install -m 0755 "$(crictl_file)" "$r/usr/local/bin/crictl"
  # ahead of Debian's /usr/sbin/runc on containerd's PATH
  install -m 0755 "$(runc_file)" "$r/usr/local/sbin/runc"
  mkdir -p "$r/opt/cni/bin"
  cp -a "$r"/usr/lib/cni/* "$r/opt/cni/bin/"
  local p
  for p in host-local loopback ptp portmap bridge; do
    [[ -x $r/opt/cni/bin/$p ]] || die "CNI plugin $p missing from Debian's containernetworking-plugins"
  done

  # kind's containerd config, but this host has no CAP_SYS_RESOURCE: the negative oom_score_adj
  # containerd and kubelet ask for must be clamped, else every sandbox fails in runc.
  sed -i -E 's/^( *restrict_oom_score_adj *= *)false/\1true/' "$r/etc/containerd/config.toml"
  grep -q '^ *restrict_oom_score_adj = true' "$r/etc/containerd/config.toml" || die "could not set restrict_oom_score_adj"

  local runc_v criu_v systemd_v cni_v
  # shellcheck disable=SC2016 # dpkg-query's format
  pkg_version() { chroot "$r" dpkg-query -W -f '${Version}' "$1"; }
  runc_v="$RUNC_VERSION (go module proxy; /usr/sbin/runc $(pkg_version runc) from Debian unused)"
  criu_v=$(pkg_version criu)
  systemd_v=$(pkg_version systemd)
  cni_v=$(pkg_version containernetworking-plugins)
  cat >"$r/kind/lab-base.txt" <<EOF
# kindlab lab base image ($tag), built by lab/node/base-image.sh
debian=$DEBIAN_SUITE
kind-base-files=$KIND_VERSION
containerd=$CONTAINERD_VERSION (go module proxy, CGO_ENABLED=0)
crictl=$CRICTL_VERSION (go module proxy)
runc=$runc_v
criu=$criu_v (debian)
systemd=$systemd_v (debian)
cni-plugins=$cni_v (debian containernetworking-plugins)
restrict_oom_score_adj=true
EOF
  rm -rf "$r/var/lib/apt/lists"/* "$r/var/cache/apt"/*.bin "$r/tmp"/* "$r/var/log"/*.log
  : >"$r/etc/machine-id"

  log "docker import"
  local id
  id=$(tar_rootfs "$r" | docker import - 2>/dev/null) || die "docker import failed"
  mkdir -p "$work/ctx"
  cat >"$work/ctx/Dockerfile" <<EOF
FROM $id
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
LABEL kindlab.lab.base.containerd="$CONTAINERD_VERSION" kindlab.lab.base.crictl="$CRICTL_VERSION" \
      kindlab.lab.base.runc="$runc_v" kindlab.lab.base.criu="$criu_v" kindlab.lab.base.systemd="$systemd_v" \
      kindlab.lab.base.kind-files="$KIND_VERSION" kindlab.lab.base.debian="$DEBIAN_SUITE"
EOF
  DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$work/ctx" >/dev/null 2>"$LOG_DIR/base-docker-build.log" || {
    cat "$LOG_DIR/base-docker-build.log" >&2
    die "docker build (STOPSIGNAL layer) failed"
  }
  rm -rf "$work"
  trap - EXIT
}

main() {
  local tag
  tag=$(base_tag)
  if docker_has "$tag"; then
    log "cached: $tag"
    echo "BASE_IMAGE=$tag"
    return
  fi
  # the rootfs (apt, no Go) runs beside the two Go builds
  timed rootfs build_rootfs &
  local rootfs_pid=$!
  with_go_lock timed containerd build_containerd
  with_go_lock timed crictl build_crictl
  with_go_lock timed runc build_runc
  wait "$rootfs_pid" || die "rootfs build failed"
  timed base-assemble assemble "$tag"
  log "built $tag"
  # earlier lab base tags go (an image still used by a container or a child image stays)
  local old
  for old in $(docker images kindlab-lab/base --format '{{.Repository}}:{{.Tag}}' | grep -vxF "$tag"); do
    if docker rmi "$old" >/dev/null 2>&1; then log "removed the earlier $old"; fi
  done
  echo "BASE_IMAGE=$tag"
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
