#!/usr/bin/env bash
# The images a kind node of the release needs besides the Kubernetes components, built offline
# and tagged with the exact references kubeadm, kind and the scenarios ask for:
#   etcd, CoreDNS, pause (kubeadm's tag and kind's sandbox tag)       <- kubeadm config images list
#   kind's default CNI image (the lab CNI agent, a stand-in for kindnetd) <- kind's const_cni.go
#   kind's storage provisioner and helper images                       <- kind's const_storage.go
#   agnhost, busybox                                                   <- scenario-images.txt, e2e.test --list-images
# Each is a docker image and a `docker save` archive (one per reference) in
# <cache>/node/images-<k8s version>/, with images.txt listing "reference<TAB>archive".
#
#   lab/node/aux-images.sh        prints IMAGES_DIR=<dir> on stdout
#
# Needs the lab build of the release from its tree (npm run lab -- --kube-root, which
# lab/node/build.sh runs): its etcd, kubectl and kubeadm; agnhost is compiled in the same tree.
set -euo pipefail
LOG_TAG=images
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGES_DIR=$(images_dir)
STAMPS=$IMAGES_DIR/.stamps
mkdir -p "$STAMPS"

lab_bin() {
  local f
  f=$(lab_k8s_dir)/bin/$1
  [[ -x $f ]] || die "$f is missing: run \`npm run lab -- --k8s-version $K8S_VERSION\` first"
  echo "$f"
}

# --- Go builds ----------------------------------------------------------------------------------

# kubeadm from the lab's build of the release's tree; agnhost compiled in that same tree with the
# toolchain and tags the lab recorded for it (its manifest), so it reuses the lab's compiled packages.
lab_manifest() { echo "$(lab_k8s_dir)/manifest.json"; }
build_kube_tools() {
  local bin tree tags tc agn_version
  bin=$(node_bin_dir)
  tree=$(jq -r '.kubernetes.source.tree // empty' "$(lab_manifest)" 2>/dev/null || true)
  [[ -n $tree && -d $tree ]] ||
    die "the lab build of $K8S_VERSION is not from a source tree: run \`npm run lab -- --k8s-version $K8S_VERSION --kube-root $(kube_root)\` (lab/node/build.sh does)"
  mkdir -p "$bin"
  install -m 0755 "$(lab_bin kubeadm)" "$bin/kubeadm.tmp" && mv "$bin/kubeadm.tmp" "$bin/kubeadm"
  "$bin/kubeadm" version -o short | grep -qx "$K8S_VERSION" || die "kubeadm does not report $K8S_VERSION"
  if [[ -x $bin/agnhost && $bin/agnhost -nt $(lab_manifest) ]]; then
    log "agnhost: cached in $bin"
    return
  fi
  tags=$(jq -r '.kubernetes.tags | join(",")' "$(lab_manifest)")
  tc=$(jq -r '.kubernetes.gotoolchain // "local"' "$(lab_manifest)")
  agn_version=$(cat "$tree/test/images/agnhost/VERSION")
  log "go build agnhost $agn_version in $tree (GOTOOLCHAIN=$tc, tags $tags; log: $LOG_DIR/kube-tools.log)"
  # a tree whose vendor/ holds no code and that has no go.work (1.24's) builds with a scratch copy of
  # its go.mod, as the lab's own tree builds do (src/source/go-build.ts, scratchModFile)
  local goflags=$GOFLAGS
  if [[ -d $tree/vendor && ! -f $tree/vendor/modules.txt && ! -f $tree/go.work ]]; then
    mkdir -p "$bin/modfile" && cp "$tree/go.mod" "$tree/go.sum" "$bin/modfile/"
    goflags="$GOFLAGS -mod=mod -modfile=$bin/modfile/go.mod"
  fi
  (cd "$tree" && CGO_ENABLED=0 GOTOOLCHAIN=$tc GOFLAGS=$goflags gobuild build -trimpath -tags "$tags" -ldflags "-s -w -X main.Version=$agn_version" -o "$bin/agnhost.tmp" ./test/images/agnhost) \
    >"$LOG_DIR/kube-tools.log" 2>&1 || {
    tail -20 "$LOG_DIR/kube-tools.log" >&2
    die "agnhost build failed"
  }
  mv "$bin/agnhost.tmp" "$bin/agnhost"
}

coredns_file() { echo "$TOOLS_DIR/coredns-$1/coredns"; }
build_coredns() {
  local v=$1 out pkg=github.com/coredns/coredns rev
  out=$(coredns_file "$v")
  if [[ -x $out ]]; then
    log "coredns $v: cached"
    return
  fi
  rev=$(module_json "$pkg@$v" | jq -r '.Origin.Hash // "unknown"')
  # CoreDNS ≤ 1.10's trace plugin uses dd-trace-go v1.4x, which needs inet.af/netaddr: a module host
  # the proxy here refuses. The dd-trace-go of CoreDNS 1.11.3 (v1.62.0, net/netip) keeps the tracer
  # API that plugin calls; the DNS server itself stays the release's.
  local replace=""
  if grep -q '^[[:space:]]*inet.af/netaddr ' "$(module_json "$pkg@$v" | jq -r .GoMod)"; then
    replace="gopkg.in/DataDog/dd-trace-go.v1 v1.62.0"
    log "coredns $v: its dd-trace-go needs inet.af/netaddr, which the module proxy refuses: dd-trace-go v1.62.0 instead (CoreDNS 1.11.3's)"
  fi
  log "coredns $v: go build (log: $LOG_DIR/coredns.log)"
  GO_TOOL_REPLACE=$replace CGO_ENABLED=0 go_tool_build "$pkg" "$v" "$pkg" "$out" -ldflags "-s -w -X $pkg/coremain.GitCommit=${rev:0:7}" >"$LOG_DIR/coredns.log" 2>&1 || {
    tail -20 "$LOG_DIR/coredns.log" >&2
    die "coredns build failed"
  }
}

lpp_file() { echo "$TOOLS_DIR/local-path-provisioner-$LOCAL_PATH_PROVISIONER_VERSION/local-path-provisioner"; }
build_local_path_provisioner() {
  local out
  out=$(lpp_file)
  if [[ -x $out ]]; then
    log "local-path-provisioner $LOCAL_PATH_PROVISIONER_VERSION: cached"
    return
  fi
  log "local-path-provisioner $LOCAL_PATH_PROVISIONER_VERSION: go build (log: $LOG_DIR/local-path-provisioner.log)"
  CGO_ENABLED=0 go_tool_build github.com/rancher/local-path-provisioner "$LOCAL_PATH_PROVISIONER_VERSION" github.com/rancher/local-path-provisioner "$out" \
    -ldflags "-s -w -X main.VERSION=$LOCAL_PATH_PROVISIONER_VERSION" >"$LOG_DIR/local-path-provisioner.log" 2>&1 || {
    tail -20 "$LOG_DIR/local-path-provisioner.log" >&2
    die "local-path-provisioner build failed"
  }
}

# pause: build/pause/linux/pause.c of the release, static (as build/pause/Makefile does)
pause_file() { echo "$TOOLS_DIR/pause-$K8S_VERSION/pause"; }
build_pause() {
  local out src tag
  out=$(pause_file)
  [[ -x $out ]] && return
  src=$(k8s_dir)/build/pause/linux/pause.c
  tag=$(sed -nE 's/^TAG \?= *//p' "$(k8s_dir)/build/pause/Makefile")
  command -v gcc >/dev/null || apt-get install -y -qq gcc libc6-dev >&2
  mkdir -p "$(dirname "$out")"
  log "pause $tag: gcc -static"
  gcc -Os -Wall -Werror -static -DVERSION="v$tag-$K8S_VERSION" -o "$out.tmp" "$src"
  strip "$out.tmp"
  mv "$out.tmp" "$out"
}

# --- images ------------------------------------------------------------------------------------

# a minimal root: /etc/passwd, /etc/group, /tmp
skeleton() {
  local r=$1
  mkdir -p "$r/etc" "$r/tmp" "$r/bin" "$r/usr/bin" "$r/usr/local/bin" "$r/sbin" "$r/usr/sbin"
  chmod 1777 "$r/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$r/etc/group"
}
# Debian's static busybox with its applet links (as `busybox --install -s`)
add_busybox() {
  local r=$1 bb a
  bb=$(command -v busybox) || true
  if [[ -z $bb ]] || ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
    apt-get install -y -qq busybox-static >&2 || { apt-get update -qq >&2 && apt-get install -y -qq busybox-static >&2; }
    bb=$(command -v busybox)
  fi
  install -m 0755 "$bb" "$r/bin/busybox"
  for a in $("$bb" --list-full); do
    [[ -e $r/$a || -L $r/$a ]] || { mkdir -p "$r/$(dirname "$a")" && ln -s /bin/busybox "$r/$a"; }
  done
}

# image NAME INPUTS_HASH REF... -- builder: builds the image unless its first reference carries the
# same inputs label; then tags every reference and saves one archive per reference.
# The builder is called as "$builder <rootfs dir>" and prints `docker import --change` lines.
IMAGE_INDEX=()
image() {
  local name=$1 hash=$2 builder=$3
  shift 3
  local refs=("$@") ref main=$1
  if [[ $(docker_label "$main" kindlab.lab.inputs) != "$hash" ]]; then
    log "$name: building ${refs[*]}"
    local work changes=() line
    work=$(mktemp -d "$NODE_CACHE/img-work.XXXXXX")
    mkdir -p "$work/root"
    while IFS= read -r line; do [[ -n $line ]] && changes+=(--change "$line"); done < <("$builder" "$work/root")
    changes+=(--change "LABEL kindlab.lab.inputs=$hash kindlab.lab.image=$name")
    tar_rootfs "$work/root" | docker import "${changes[@]}" - "$main" >/dev/null || die "docker import of $name failed"
    rm -rf "$work"
    rm -f "$STAMPS/$name".*
  fi
  for ref in "${refs[@]}"; do
    local file
    file=$(archive_name "$ref")
    [[ $ref == "$main" ]] || docker tag "$main" "$ref"
    if [[ ! -s $IMAGES_DIR/$file || $(cat "$STAMPS/$file" 2>/dev/null) != "$hash" ]]; then
      docker save -o "$IMAGES_DIR/$file.tmp" "$ref" && chmod 0644 "$IMAGES_DIR/$file.tmp" && mv "$IMAGES_DIR/$file.tmp" "$IMAGES_DIR/$file"
      echo "$hash" >"$STAMPS/$file"
      log "$name: saved $file"
    fi
    IMAGE_INDEX+=("$ref	$file")
  done
}
archive_name() { echo "$1.tar" | tr '/:@' '__-'; }

# inputs hash: this script, lib.sh, the files given, extra words
inputs() {
  local files=() words=() a
  for a in "$@"; do if [[ -f $a ]]; then files+=("$a"); else words+=("$a"); fi; done
  { sha256sum "$0" "$LAB_NODE_DIR/lib.sh" "${files[@]}" | cut -d' ' -f1; printf '%s\n' "${words[@]}"; } | short_hash
}

b_etcd() {
  skeleton "$1"
  install -m 0755 "$(lab_bin etcd)" "$1/usr/local/bin/etcd"
  mkdir -p "$1/var/lib/etcd"
  echo 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
}
b_coredns() {
  skeleton "$1"
  install -m 0755 "$(coredns_file "$COREDNS_VERSION")" "$1/coredns"
  # upstream: distroless, USER nonroot with a file capability; here root (the pod adds
  # NET_BIND_SERVICE and drops the rest)
  echo 'ENTRYPOINT ["/coredns"]'
  echo 'EXPOSE 53 53/udp'
}
b_pause() {
  install -m 0755 "$(pause_file)" "$1/pause"
  echo 'ENTRYPOINT ["/pause"]'
  echo 'USER 65535:65535'
}
b_cni() {
  skeleton "$1"
  add_busybox "$1"
  install -m 0755 "$(lab_bin kubectl)" "$1/usr/local/bin/kubectl"
  install -m 0755 "$LAB_NODE_DIR/cni-agent.sh" "$1/bin/kindnetd"
  echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  echo 'ENTRYPOINT ["/bin/kindnetd"]'
}
b_lpp() {
  skeleton "$1"
  add_busybox "$1"
  install -m 0755 "$(lpp_file)" "$1/usr/local/bin/local-path-provisioner"
  echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  echo 'ENTRYPOINT ["local-path-provisioner"]'
}
b_busybox() {
  skeleton "$1"
  add_busybox "$1"
  echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  echo 'CMD ["sh"]'
}
b_agnhost() {
  skeleton "$1"
  add_busybox "$1"
  install -m 0755 "$(node_bin_dir)/agnhost" "$1/agnhost"
  ln -s agnhost "$1/agnhost-2"
  # as its Dockerfile: the certificate and key the TLS modes (porter, grpc-health-checking --tls) serve
  install -m 0644 "$(kube_root)/test/images/agnhost/porter/localhost.crt" "$1/localhost.crt"
  install -m 0644 "$(kube_root)/test/images/agnhost/porter/localhost.key" "$1/localhost.key"
  mkdir -p "$1/uploads"
  echo 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  echo 'ENTRYPOINT ["/agnhost"]'
  echo 'CMD ["pause"]'
}

main() {
  # Go builds, one at a time (build.sh runs other steps beside this one)
  with_go_lock timed kube-tools build_kube_tools

  # references, all derived
  local etcd_ref coredns_ref pause_ref sandbox_ref cni_ref lpp_ref helper_ref
  etcd_ref=$(kubeadm_image etcd)
  coredns_ref=$(kubeadm_image coredns)
  pause_ref=$(kubeadm_image pause)
  sandbox_ref=$(kind_sandbox_image)
  cni_ref=$(kind_go_const kindnetdImage const_cni.go)
  lpp_ref=$(kind_go_const storageProvisionerImage const_storage.go)
  helper_ref=$(kind_go_const storageHelperImage const_storage.go)
  local r
  for r in etcd_ref coredns_ref pause_ref sandbox_ref cni_ref lpp_ref helper_ref; do
    [[ -n ${!r} ]] || die "could not derive $r (kubeadm $(node_bin_dir)/kubeadm, kind $(kind_dir))"
  done
  COREDNS_VERSION=${coredns_ref##*:}
  local agnhost_refs=() busybox_refs=() pause_refs=("$pause_ref" "$sandbox_ref") s
  while read -r s; do
    case $s in
    */agnhost:*) agnhost_refs+=("$s") ;;
    */busybox:*) busybox_refs+=("$s") ;;
    */pause:*) [[ " ${pause_refs[*]} " == *" $s "* ]] || pause_refs+=("$s") ;;
    *) die "scenario-images.txt: no builder for $s" ;;
    esac
  done < <(scenario_images)
  # upstream's e2e specs: the references the release's own e2e.test asks for (--list-images), for
  # the images the lab builds; agnhost only at the version built here (not AgnhostPrev)
  local agn_version
  agn_version=$(cat "$(kube_root)/test/images/agnhost/VERSION")
  while read -r s; do
    case $s in
    */agnhost:"$agn_version") [[ " ${agnhost_refs[*]} " == *" $s "* ]] || agnhost_refs+=("$s") ;;
    */busybox:*) [[ " ${busybox_refs[*]} " == *" $s "* ]] || busybox_refs+=("$s") ;;
    */pause:*) [[ " ${pause_refs[*]} " == *" $s "* ]] || pause_refs+=("$s") ;;
    esac
  done < <("$(lab_bin e2e.test)" --list-images 2>/dev/null)

  with_go_lock timed coredns build_coredns "$COREDNS_VERSION"
  with_go_lock timed local-path-provisioner build_local_path_provisioner
  timed pause build_pause

  local start
  start=$(date +%s)
  image etcd "$(inputs "$(lab_bin etcd)")" b_etcd "$etcd_ref"
  image coredns "$(inputs "$(coredns_file "$COREDNS_VERSION")")" b_coredns "$coredns_ref"
  image pause "$(inputs "$(pause_file)")" b_pause "${pause_refs[@]}"
  image cni "$(inputs "$(lab_bin kubectl)" "$LAB_NODE_DIR/cni-agent.sh" "$(command -v busybox)")" b_cni "$cni_ref"
  image local-path-provisioner "$(inputs "$(lpp_file)" "$(command -v busybox)")" b_lpp "$lpp_ref"
  image local-path-helper "$(inputs "$(command -v busybox)" helper)" b_busybox "$helper_ref"
  [[ ${#busybox_refs[@]} == 0 ]] || image busybox "$(inputs "$(command -v busybox)" busybox)" b_busybox "${busybox_refs[@]}"
  [[ ${#agnhost_refs[@]} == 0 ]] || image agnhost "$(inputs "$(node_bin_dir)/agnhost")" b_agnhost "${agnhost_refs[@]}"
  printf '%s\n' "${IMAGE_INDEX[@]}" >"$IMAGES_DIR/images.txt"
  # archives of references no longer produced
  local f
  for f in "$IMAGES_DIR"/*.tar; do
    [[ -e $f ]] || continue
    grep -qF "	$(basename "$f")" "$IMAGES_DIR/images.txt" || { log "removing stale $(basename "$f")"; rm -f "$f" "$STAMPS/$(basename "$f")"; }
  done
  # images of earlier lab builds that lost their tags to the ones above
  docker images -q -f dangling=true -f label=kindlab.lab.image | xargs -r docker rmi >/dev/null 2>&1 || true
  printf 'images\t%s\t%s\tok\n' "$(($(date +%s) - start))" "$(date -u +%FT%TZ)" >>"$NODE_CACHE/timings.tsv"
  log "${#IMAGE_INDEX[@]} references in $IMAGES_DIR"
  echo "IMAGES_DIR=$IMAGES_DIR"
  echo "KUBEADM=$(node_bin_dir)/kubeadm"
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
