//! The database and its credentials: RDS subnet and parameter groups, the Aurora cluster and
//! instances, the Secrets Manager secret, the rotation function, its permission, the rotation.

pub mod db_cluster;
pub mod db_cluster_parameter_group;
pub mod db_instance;
pub mod db_subnet_group;
pub mod function_code;
pub mod lambda_function;
pub mod lambda_permission;
pub mod rds;
pub mod secret;
pub mod secret_rotation;
pub mod secret_value;

/// The kinds this group holds.
pub const KINDS: &[vault_core::model::ComponentKind] = &[
    vault_core::model::ComponentKind::DbSubnetGroup,
    vault_core::model::ComponentKind::DbClusterParameterGroup,
    vault_core::model::ComponentKind::DbCluster,
    vault_core::model::ComponentKind::DbInstance,
    vault_core::model::ComponentKind::Secret,
    vault_core::model::ComponentKind::LambdaFunction,
    vault_core::model::ComponentKind::LambdaPermission,
    vault_core::model::ComponentKind::SecretRotation,
];

use vault_core::model::Component;

use crate::error::AwsError;

/// The component's AWS name, which the core gives every kind of this group but the permission and
/// the rotation.
pub fn name(c: &Component) -> Result<&str, AwsError> {
    c.name
        .as_deref()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no name", c.id)))
}

/// An idempotency token (32 hex digits) for one create: sent with every retry of the same
/// request, so a request AWS carried out before its answer was lost is not done twice. The
/// randomness is std's per-map hash keys; the token needs to be unique, not secret.
pub fn request_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

/// The same ids, in any order: AWS does not keep the order of subnet and group lists.
pub fn same_set<A: AsRef<str>, B: AsRef<str>>(have: &[A], want: &[B]) -> bool {
    let mut a: Vec<&str> = have.iter().map(AsRef::as_ref).collect();
    let mut b: Vec<&str> = want.iter().map(AsRef::as_ref).collect();
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    a == b
}

/// A KMS key as the part after `key/` of its ARN (or the id itself): services return the key in
/// the form they were given or as a full ARN.
pub fn kms_key_id(key: &str) -> &str {
    key.rsplit_once("key/").map_or(key, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_tokens_are_32_hex_digits_and_differ() {
        let (a, b) = (request_token(), request_token());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn id_lists_compare_as_sets_and_keys_by_their_id() {
        assert!(same_set(&["b", "a"], &["a", "b"]));
        assert!(!same_set(&["a"], &["a", "b"]));
        assert_eq!(
            kms_key_id("arn:aws:kms:us-east-1:123456789012:key/1234-abcd"),
            "1234-abcd"
        );
        assert_eq!(kms_key_id("1234-abcd"), "1234-abcd");
    }
}
