//! Helm's kind orders for applying and deleting resources.
//!
//! Source: Helm `pkg/release/v1/util/kind_sorter.go:31-115` (v4.2.4); Helm 3
//! (`pkg/releaseutil/kind_sorter.go`, v3.21.4) lacks the two webhook configuration kinds.

use std::cmp::Ordering;

use crate::plan::HelmVersion;

const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    // Helm 4 only:
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const UNINSTALL_ORDER: &[&str] = &[
    // Helm 4 only:
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    //
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
    "PriorityClass",
];

const WEBHOOK_KINDS: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Which of Helm's two kind orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindOrder {
    Install,
    Uninstall,
}

/// The rank of a kind, or `None` for kinds Helm does not list (they go last).
pub fn rank(kind: &str, order: KindOrder, helm: HelmVersion) -> Option<usize> {
    if helm == HelmVersion::V3 && WEBHOOK_KINDS.contains(&kind) {
        return None;
    }
    let table = match order {
        KindOrder::Install => INSTALL_ORDER,
        KindOrder::Uninstall => UNINSTALL_ORDER,
    };
    table
        .iter()
        .filter(|k| helm == HelmVersion::V4 || !WEBHOOK_KINDS.contains(k))
        .position(|k| *k == kind)
}

/// `lessByKind` (kind_sorter.go:140-165): known kinds by rank, unknown kinds after them in
/// alphabetical order. Equal kinds compare equal so a stable sort keeps input order.
pub fn compare(a: &str, b: &str, order: KindOrder, helm: HelmVersion) -> Ordering {
    match (rank(a, order, helm), rank(b, order, helm)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_kinds_are_known_only_to_helm4() {
        let v = "ValidatingWebhookConfiguration";
        assert_eq!(
            compare(v, "APIService", KindOrder::Install, HelmVersion::V4),
            Ordering::Greater
        );
        assert_eq!(
            compare(v, "Zebra", KindOrder::Install, HelmVersion::V4),
            Ordering::Less
        );
        assert_eq!(
            compare(v, "Zebra", KindOrder::Install, HelmVersion::V3),
            Ordering::Less
        );
        assert_eq!(
            compare(v, "Alpha", KindOrder::Install, HelmVersion::V3),
            Ordering::Greater
        );
        assert_eq!(
            compare(v, "APIService", KindOrder::Uninstall, HelmVersion::V4),
            Ordering::Less
        );
        assert_eq!(
            compare(v, "APIService", KindOrder::Uninstall, HelmVersion::V3),
            Ordering::Greater
        );
    }

    #[test]
    fn install_and_uninstall_orders() {
        assert_eq!(
            compare(
                "Namespace",
                "Deployment",
                KindOrder::Install,
                HelmVersion::V4
            ),
            Ordering::Less
        );
        assert_eq!(
            compare(
                "Namespace",
                "Deployment",
                KindOrder::Uninstall,
                HelmVersion::V4
            ),
            Ordering::Greater
        );
    }
}
