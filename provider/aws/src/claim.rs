//! Who is creating a stack. Tag adoption exists to finish an interrupted create; without an owner
//! it would also let a second state, or a second apply racing the first, take over a stack that
//! is not its own. So a create first takes the stack's claim: its rotation role, whose name is
//! unique in the account, created with the owner (`host:working-directory`) in the
//! `vault:owner` tag. IAM refuses a second role of the name, so of two racing applies exactly
//! one creates the claim; the other stops before it has created anything. A later create adopts
//! what an interrupted create left only when the claim is its own (or carries no owner: a stack
//! created before owners existed).

use vault_core::defaults::OWNER_TAG;
use vault_core::graph::ComponentId;
use vault_core::model::component::RolePurpose;
use vault_core::model::logical;

use crate::error::{found, AwsError};
use crate::objects::tags::Tagged;
use crate::objects::Ctx;

/// The component whose creation decides who owns the stack.
pub fn component() -> ComponentId {
    logical::iam_role(RolePurpose::Rotation)
}

/// Who holds a stack's claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holder {
    /// No claim exists: nobody has started creating the stack.
    Nobody,
    /// This working directory, or nobody in particular (a claim from before owners existed).
    Us,
    /// Another working directory (its `host:path`).
    Other(String),
}

/// Who holds the claim of `ctx`'s stack.
pub async fn holder(ctx: &Ctx<'_>) -> Result<Holder, AwsError> {
    let Some(name) = ctx
        .stack
        .component(&component())
        .and_then(|c| c.name.clone())
    else {
        return Ok(Holder::Nobody);
    };
    let Some(tags) = found(Tagged::IamRole(&name).read(ctx).await)? else {
        return Ok(Holder::Nobody);
    };
    Ok(match tags.get(OWNER_TAG) {
        Some(owner) if owner != ctx.owner => Holder::Other(owner.clone()),
        _ => Holder::Us,
    })
}

/// Fails when another working directory holds the claim.
pub async fn check(ctx: &Ctx<'_>) -> Result<(), AwsError> {
    match holder(ctx).await? {
        Holder::Other(owner) => Err(AwsError::Claimed {
            suffix: ctx.stack.suffix().as_str().to_string(),
            owner,
        }),
        Holder::Nobody | Holder::Us => Ok(()),
    }
}

/// This process's owner identity: the host and the working directory Terraform runs in, as
/// an IAM tag value allows it (letters, digits, spaces and `_.:/=+-@`, at most 256 characters).
/// Stable across runs from the same directory, so a re-run finishes its own interrupted create.
pub fn local_owner() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into());
    let dir = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    tag_value(&format!("{host}:{dir}"))
}

/// `s` with characters IAM tag values refuse replaced by `_`, and cut to 256 characters
/// (keeping the end: the directory's last parts tell directories apart best).
fn tag_value(s: &str) -> String {
    let allowed = |c: char| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c);
    let clean: Vec<char> = s
        .chars()
        .map(|c| if allowed(c) { c } else { '_' })
        .collect();
    clean[clean.len().saturating_sub(256)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_values_keep_what_iam_allows_and_replace_the_rest() {
        assert_eq!(tag_value("ci-7:/work/infra/prod"), "ci-7:/work/infra/prod");
        assert_eq!(tag_value("h:/a b/c#d(e)"), "h:/a b/c_d_e_");
    }

    #[test]
    fn long_owner_values_keep_their_last_256_characters() {
        let long = format!("host:/{}", "x/".repeat(200)) + "prod";
        let v = tag_value(&long);
        assert_eq!(v.chars().count(), 256);
        assert!(v.ends_with("x/prod"));
    }
}
