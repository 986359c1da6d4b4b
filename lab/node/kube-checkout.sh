#!/usr/bin/env bash
# A Kubernetes source tree of the release as a git repository, assembled from the Go module
# proxy only: the k8s.io/kubernetes@<v> module's files plus every staging module
# k8s.io/<m>@v0.<minor>.<patch> under staging/src/k8s.io/<m>/ (the `replace k8s.io/<m> =>
# ./staging/src/k8s.io/<m>` lines of its go.mod), committed with a fixed author and the
# release's date (so the commit hash is reproducible) and tagged <v> (annotated).
#
#   lab/node/kube-checkout.sh      prints KUBE_ROOT=<dir> on stdout
#
# The lab builds from it (npm run lab, kindlab lab build: src/lab/checkout.ts runs this script when
# the tree is not there yet), and so does lab/node/build.sh. The module zips carry no file modes: files that start with "#!" are made
# executable; see docs/lab-node.md for what else differs from a git clone.
set -euo pipefail
LOG_TAG=checkout
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AUTHOR_NAME="kindlab lab"
AUTHOR_EMAIL="lab@kindlab.invalid"

staging_modules() {
  sed -nE 's#^[[:space:]]*(replace[[:space:]]+)?(k8s\.io/[^[:space:]]+)[[:space:]]+=>[[:space:]]+\./staging/src/(k8s\.io/[^[:space:]]+)[[:space:]]*$#\2#p' "$(k8s_dir)/go.mod"
}
staging_version() {
  local v=${K8S_VERSION#v}
  echo "v0.${v#*.}"
}

git_fixed() {
  GIT_AUTHOR_NAME=$AUTHOR_NAME GIT_AUTHOR_EMAIL=$AUTHOR_EMAIL GIT_COMMITTER_NAME=$AUTHOR_NAME GIT_COMMITTER_EMAIL=$AUTHOR_EMAIL \
    GIT_AUTHOR_DATE=$RELEASE_TIME GIT_COMMITTER_DATE=$RELEASE_TIME git -c core.autocrlf=false -c core.safecrlf=false -c core.fileMode=true \
    -c commit.gpgsign=false -c tag.gpgsign=false -c init.defaultBranch=main "$@"
}

is_done() {
  local d=$1
  [[ -d $d/.git ]] && [[ $(git -C "$d" tag -l "$K8S_VERSION") == "$K8S_VERSION" ]] &&
    [[ -z $(git -C "$d" status --porcelain 2>/dev/null | head -1) ]]
}

assemble() {
  local dir=$1 tmp=$1.tmp sv m mdir n=0
  sv=$(staging_version)
  rm -rf "$tmp"
  log "copying k8s.io/kubernetes@$K8S_VERSION"
  cp -r "$(k8s_dir)" "$tmp"
  chmod -R u+w "$tmp"
  local specs=() m v ok
  SUBSTITUTIONS=()
  # the proxy here does not serve every staging tag (403): the nearest earlier patch stands in,
  # as the lab does (src/lab/build.ts resolveStagingVersions)
  local want=()
  while read -r m; do want+=("$m@$sv"); done < <(staging_modules)
  # served = downloadable: the proxy can list a version (go list) and still refuse its .mod (403)
  ok=$(cd / && GOFLAGS=-mod=mod go mod download -json "${want[@]}" 2>/dev/null | jq -r 'select(.Error == null) | .Path') || true
  while read -r m; do
    if grep -qx "$m" <<<"$ok"; then
      specs+=("$m@$sv")
      continue
    fi
    local patch=${sv##*.} found=""
    while ((patch > 0)); do
      patch=$((patch - 1))
      v=${sv%.*}.$patch
      if (cd / && GOFLAGS=-mod=mod go mod download -json "$m@$v" 2>/dev/null | jq -e '.Error == null' >/dev/null); then
        found=$v
        break
      fi
    done
    # upstream's examples (sample-cli-plugin, sample-controller, ...) are compiled into no component:
    # only their go.mod is read, so the previous minor's latest served patch may stand in
    # (sample-cli-plugin has no v0.27.x here at all)
    if [[ -z $found && $m == k8s.io/sample-* ]]; then
      local minor=${sv#v0.} prev
      minor=${minor%%.*}
      prev=v0.$((minor - 1))
      for patch in $(seq 30 -1 0); do
        if (cd / && GOFLAGS=-mod=mod go mod download -json "$m@$prev.$patch" 2>/dev/null | jq -e '.Error == null' >/dev/null); then
          found=$prev.$patch
          break
        fi
      done
    fi
    [[ -n $found ]] || die "the module proxy has no $m@$sv nor an earlier ${sv%.*}.x"
    log "the module proxy has no $m@$sv: using $found (the nearest earlier one it serves)"
    specs+=("$m@$found")
    SUBSTITUTIONS+=("$m@$found")
  done < <(staging_modules)
  [[ ${#specs[@]} -gt 0 ]] || die "no staging replace lines in $(k8s_dir)/go.mod"
  log "downloading ${#specs[@]} staging modules ($sv)"
  local json
  json=$(cd / && GOFLAGS=-mod=mod go mod download -json "${specs[@]}") || {
    jq -r 'select(.Error) | "\(.Path)@\(.Version): \(.Error)"' <<<"$json" >&2 || true
    die "the module proxy lacks staging modules (see above)"
  }
  while IFS=$'\t' read -r m mdir; do
    [[ -d $mdir ]] || die "no source for $m"
    mkdir -p "$tmp/staging/src/$m"
    cp -r "$mdir/." "$tmp/staging/src/$m/"
    n=$((n + 1))
  done < <(jq -r '"\(.Path)\t\(.Dir)"' <<<"$json")
  chmod -R u+w "$tmp/staging"
  [[ $n == "${#specs[@]}" ]] || die "placed $n of ${#specs[@]} staging modules"
  # A module zip keeps vendor/modules.txt but none of the vendored code (1.30 lists it; 1.37 has no
  # list): with the list, Go would build in vendor mode from an empty vendor/. Without it the
  # workspace builds from the module cache.
  if [[ -f $tmp/vendor/modules.txt && -z $(find "$tmp/vendor" -name '*.go' -print -quit) ]]; then
    log "vendor/modules.txt without vendored code: removed"
    rm "$tmp/vendor/modules.txt"
  fi
  # the module zips keep no modes: scripts ("#!") become executable, the rest 0644
  log "file modes"
  find "$tmp" -type f -print0 | xargs -0 chmod 0644
  find "$tmp" -type d -print0 | xargs -0 chmod 0755
  find "$tmp" -type f -print0 | perl -0 -ne 'chomp; open(my $f, "<", $_) or next; read($f, my $b, 2); close $f; chmod 0755, $_ if $b eq "#!"'

  log "git commit and tag $K8S_VERSION ($RELEASE_TIME)"
  (
    cd "$tmp"
    git_fixed init -q
    git_fixed add -A -f .
    git_fixed commit -q -m "Kubernetes $K8S_VERSION, assembled from the Go module proxy

k8s.io/kubernetes@$K8S_VERSION plus the staging modules at $sv
under staging/src/k8s.io/ (kindlab lab/node/kube-checkout.sh).${SUBSTITUTIONS[*]:+

Not served by the module proxy at $sv, the nearest earlier patch instead:
$(printf '  %s\n' "${SUBSTITUTIONS[@]}")}"
    git_fixed tag -a "$K8S_VERSION" -m "Kubernetes $K8S_VERSION (from the Go module proxy)"
  ) >&2
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

main() {
  local dir c
  for c in go jq git perl flock; do command -v "$c" >/dev/null || die "$c is not installed (assembling the tree needs go, jq, git, perl, flock)"; done
  dir=$(kube_root)
  # one assembly of a release at a time (the lab build and lab/node/build.sh both ask for it); a
  # second caller waits, then finds it done
  exec {checkout_lock}>"$dir.lock"
  if ! flock -n "$checkout_lock"; then
    log "another assembly of $dir is running: waiting for it"
    flock "$checkout_lock"
  fi
  RELEASE_TIME=$(module_time "k8s.io/kubernetes@$K8S_VERSION")
  if is_done "$dir"; then
    log "cached: $dir ($(git -C "$dir" rev-parse --short HEAD))"
  else
    timed kube-checkout assemble "$dir"
    is_done "$dir" || die "$dir is not clean after assembling: $(git -C "$dir" status --porcelain | head -5)"
    log "$dir at $(git -C "$dir" rev-parse --short HEAD), tag $K8S_VERSION"
  fi
  echo "KUBE_ROOT=$dir"
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
