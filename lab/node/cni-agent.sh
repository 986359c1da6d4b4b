#!/bin/sh
# kindlab lab CNI agent: a stand-in for kindnetd (which cannot be built offline here), shipped
# under kind's default CNI image reference so kind's own CNI manifest runs it unchanged.
#
# It runs as the kindnet DaemonSet's container (hostNetwork, NET_ADMIN, /etc/cni/net.d mounted
# from the node, service account "kindnet" allowed to list nodes) and, every INTERVAL seconds:
#   1. finds this node among `kubectl get nodes` by HOST_IP (one of its InternalIPs);
#   2. writes /etc/cni/net.d/10-kindnet.conflist for the node's pod ranges (ptp + host-local +
#      portmap, ipMasq) when it is missing or different;
#   3. for every other node: `ip route replace <its pod range> via <its InternalIP>` (same
#      address family), so pods reach pods on other nodes (multi-node clusters).
# It talks to the API server at CONTROL_PLANE_ENDPOINT (kind adds it to the manifest, so no
# kube-proxy is needed), else at the in-cluster service address, with the pod's token.
#
# Needs: POSIX sh with ip, kubectl. Env: HOST_IP (required), CONTROL_PLANE_ENDPOINT, CNI_CONF_DIR,
# INTERVAL, CNI_MTU.
set -u

SA=/var/run/secrets/kubernetes.io/serviceaccount
CONF_DIR=${CNI_CONF_DIR:-/etc/cni/net.d}
CONF=$CONF_DIR/10-kindnet.conflist
INTERVAL=${INTERVAL:-10}
MTU=${CNI_MTU:-1500}

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) lab-cni-agent: $*"; }

if [ "${1:-}" = render ]; then
  : # `cni-agent.sh render <podCIDRs>` prints the conflist (for tests), see the end of the file
elif [ -n "${CONTROL_PLANE_ENDPOINT:-}" ]; then
  SERVER=https://$CONTROL_PLANE_ENDPOINT
elif [ -n "${KUBERNETES_SERVICE_HOST:-}" ]; then
  case $KUBERNETES_SERVICE_HOST in
  *:*) SERVER=https://[$KUBERNETES_SERVICE_HOST]:${KUBERNETES_SERVICE_PORT:-443} ;;
  *) SERVER=https://$KUBERNETES_SERVICE_HOST:${KUBERNETES_SERVICE_PORT:-443} ;;
  esac
else
  log "neither CONTROL_PLANE_ENDPOINT nor KUBERNETES_SERVICE_HOST is set"
  exit 1
fi
[ "${1:-}" = render ] || [ -n "${HOST_IP:-}" ] || {
  log "HOST_IP is not set"
  exit 1
}

stop() {
  log "stopping"
  exit 0
}
trap stop TERM INT

# one line per node: "<name> <podCIDRs, comma separated or -> <InternalIPs, comma separated or ->"
list_nodes() {
  # the token file is refreshed by the kubelet: read it every time
  kubectl --server="$SERVER" --certificate-authority="$SA/ca.crt" --token="$(cat "$SA/token")" \
    get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"|"}{.spec.podCIDRs[*]}{"|"}{range .status.addresses[?(@.type=="InternalIP")]}{.address}{" "}{end}{"\n"}{end}' |
    while IFS='|' read -r name cidrs ips; do
      # shellcheck disable=SC2086 # word splitting wanted: collapse the spaces
      cidrs=$(echo $cidrs | tr ' ' ',')
      # shellcheck disable=SC2086
      ips=$(echo $ips | tr ' ' ',')
      echo "$name ${cidrs:--} ${ips:--}"
    done
}

is_v6() { case $1 in *:*) return 0 ;; *) return 1 ;; esac; }

# the conflist for this node's ranges (one host-local range set per family)
render_conf() {
  ranges="" routes=""
  for c in $(echo "$1" | tr ',' ' '); do
    [ -n "$ranges" ] && ranges="$ranges, "
    [ -n "$routes" ] && routes="$routes, "
    ranges="${ranges}[{ \"subnet\": \"$c\" }]"
    if is_v6 "$c"; then routes="$routes{ \"dst\": \"::/0\" }"; else routes="$routes{ \"dst\": \"0.0.0.0/0\" }"; fi
  done
  cat <<EOF
{
  "cniVersion": "0.4.0",
  "name": "kindnet",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": true,
      "mtu": $MTU,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [ $routes ],
        "ranges": [ $ranges ]
      }
    },
    {
      "type": "portmap",
      "capabilities": { "portMappings": true }
    }
  ]
}
EOF
}

sync_once() {
  nodes=$(list_nodes) || {
    log "cannot list nodes at $SERVER (will retry)"
    return 1
  }
  mine=""
  # this node first
  while read -r name cidrs ips; do
    case ",$ips," in *",$HOST_IP,"*) mine=$name ;; *) continue ;; esac
    if [ "$cidrs" = - ]; then
      log "node $name has no pod range yet"
      continue
    fi
    want=$(render_conf "$cidrs")
    if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$want" ]; then
      mkdir -p "$CONF_DIR"
      printf '%s\n' "$want" >"$CONF.tmp" && mv "$CONF.tmp" "$CONF"
      log "wrote $CONF for node $name ($cidrs)"
    fi
  done <<EOF
$nodes
EOF
  [ -n "$mine" ] || log "no node has InternalIP $HOST_IP (yet)"
  # routes to the other nodes' pod ranges
  while read -r name cidrs ips; do
    if [ -z "$name" ] || [ "$name" = "$mine" ] || [ "$cidrs" = - ] || [ "$ips" = - ]; then continue; fi
    for c in $(echo "$cidrs" | tr ',' ' '); do
      via=""
      for ip in $(echo "$ips" | tr ',' ' '); do
        if is_v6 "$c" && is_v6 "$ip"; then via=$ip && break; fi
        if ! is_v6 "$c" && ! is_v6 "$ip"; then via=$ip && break; fi
      done
      [ -n "$via" ] || continue
      if is_v6 "$c"; then fam=-6; else fam=-4; fi
      # log only when the route is new or changed
      if ! ip "$fam" route show "$c" 2>/dev/null | grep -q "via $via "; then
        if ip "$fam" route replace "$c" via "$via"; then
          log "route $c via $via (node $name)"
        else
          log "cannot add route $c via $via (node $name)"
        fi
      fi
    done
  done <<EOF
$nodes
EOF
}

if [ "${1:-}" = render ]; then
  render_conf "$2"
  exit 0
fi

log "starting: server $SERVER, host IP $HOST_IP, config $CONF, every ${INTERVAL}s"
while :; do
  sync_once || true
  sleep "$INTERVAL" &
  wait $! || true
done
