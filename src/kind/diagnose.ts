// Pure: recognises common kind failures in its output and says how to fix them.
export function diagnoseKindFailure(output: string): string | undefined {
  if (/failed to pull image|pull access denied|manifest unknown/i.test(output)) {
    return 'the node image is not on this machine and could not be pulled: build one (kindlab build <ref>), docker load a saved image, or check registry access';
  }
  if (/could not find a log line that matches "Reached target .*Multi-User System/i.test(output) || /failed to init node with kubeadm/i.test(output)) {
    return 'the node container did not boot: the image is not a working kind node image, or the host cannot run it (see kindlab doctor: cgroups, privileged containers)';
  }
  if (/node\(s\) already exist for a cluster with the name/i.test(output)) {
    return 'containers of a kind cluster with this name already exist; pick another --name';
  }
  if (/Cannot connect to the Docker daemon|permission denied while trying to connect/i.test(output)) {
    return 'the Docker daemon is not reachable: start it and check access to its socket';
  }
  if (/too many open files/i.test(output)) {
    return 'raise inotify limits: sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512';
  }
  return undefined;
}
