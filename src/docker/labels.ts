// Labels kindlab puts on what it creates, so it can tell its own images apart and delete only those.
export const LABEL_MANAGED = 'io.kindlab.managed';
export const LABEL_COMMIT = 'io.kindlab.commit';
export const LABEL_DESCRIBE = 'io.kindlab.describe';
export const LABEL_KUBE_ROOT = 'io.kindlab.kube-root';
/** kind's own label on node containers. */
export const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
/** kind's label naming a node container's role (control-plane, worker). */
export const KIND_ROLE_LABEL = 'io.x-k8s.kind.role';
