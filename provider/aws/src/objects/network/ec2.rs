//! What every EC2 module shares: not-found codes, tags, the filters finders use, and the checks
//! reads make of ids and policies.

use std::future::Future;

use aws_sdk_ec2::types::Filter;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use vault_core::cidr::Ipv4Cidr;
use vault_core::graph::ComponentId;
use vault_core::model::Component;
use vault_core::policy::PolicyKind;

use crate::error::{returned, AwsError};
use crate::objects::keys_and_audit::documents::document;
use crate::objects::Ctx;
use crate::retry;
use crate::waiter::Waiter;

/// Objects of this stack carry `vault:stack = <suffix>`.
pub fn management_filter(ctx: &Ctx<'_>) -> Filter {
    management_filter_of(ctx.stack.suffix().as_str())
}

/// The objects of the stack with this suffix, before a stack model exists (import, and whether
/// a stack of the suffix exists).
pub fn management_filter_of(suffix: &str) -> Filter {
    Filter::builder()
        .name(format!("tag:{}", vault_core::defaults::MANAGEMENT_TAG))
        .values(suffix)
        .build()
}

/// EC2 objects have no name of their own; the core puts it in the `Name` tag.
pub fn name_filter(c: &Component) -> Filter {
    Filter::builder()
        .name("tag:Name")
        .values(c.name.clone().unwrap_or_default())
        .build()
}

/// Whether an object found by name and tag is in the stack's VPC (when its id is known): a
/// replaced VPC's objects, not yet deleted, carry the same names and tags.
pub fn in_stack_vpc(ctx: &Ctx<'_>, vpc: &ComponentId, have: Option<&str>) -> bool {
    ctx.ids
        .get(vpc)
        .is_none_or(|want| have == Some(want.as_str()))
}

/// A CIDR block as EC2 reports it: it always reports one, in canonical form.
pub fn cidr(operation: &str, have: Option<&str>) -> Result<Ipv4Cidr, AwsError> {
    let text = returned(operation, "cidr block", have)?;
    text.parse()
        .map_err(|e| AwsError::Invalid(format!("{operation} returned cidr block {text}: {e}")))
}

/// Whether a policy document AWS returned means the same as the stack's `kind` document (with
/// the ids known so far): what an update decides to send. A document that does not parse never
/// matches.
pub fn policy_matches(ctx: &Ctx<'_>, kind: PolicyKind, have: Option<&str>) -> bool {
    let want = ctx.stack.policy(kind, &ctx.assigned());
    document(have).is_some_and(|have| vault_core::policy::equivalent(&want, &have))
}

/// Deletes an object network interfaces can hold (the VPC, a subnet, a group): a deleted Lambda
/// function's interfaces take a while to be released, so the delete is retried while they do,
/// then `state` is polled with `waiter` until the object is gone.
pub async fn delete_draining<T, E, R, F, Fut, P, PFut>(
    ctx: &Ctx<'_>,
    operation: &'static str,
    op: F,
    waiter: Waiter,
    state: P,
) -> Result<(), AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
    P: FnMut() -> PFut,
    PFut: Future<Output = Result<Option<String>, AwsError>>,
{
    let draining = retry::interfaces_draining(ctx.timeout);
    ctx.delete_and_wait(&draining, operation, op, waiter, state)
        .await
}
