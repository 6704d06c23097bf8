//! What the Aurora cluster and instance modules share: their status as the waiters see it, and
//! waiting out a deletion.

use std::future::Future;

use crate::error::AwsError;
use crate::objects::tags::{is_managed, Tagged};
use crate::objects::Ctx;
use crate::waiter::Waiter;

/// Not an RDS status: what the waiters call "available" with modifications still pending.
pub const PENDING_MODIFICATIONS: &str = "available (modifications pending)";

/// A status for the waiters: "available" with modifications still pending counts as
/// [`PENDING_MODIFICATIONS`], since RDS reports a modify as done before it applies it (as
/// terraform-provider-aws does for RDS).
pub fn status(status: Option<&str>, pending: bool) -> String {
    match status.unwrap_or("") {
        "available" if pending => PENDING_MODIFICATIONS.to_string(),
        status => status.to_string(),
    }
}

/// A group found by name is adopted only when its tags mark it as this stack's.
pub async fn managed_name(
    ctx: &Ctx<'_>,
    arn: Option<&str>,
    name: Option<&str>,
) -> Result<Option<String>, AwsError> {
    let tags = match arn {
        Some(arn) => Tagged::Rds(arn).read(ctx).await?,
        None => Default::default(),
    };
    Ok(name.filter(|_| is_managed(ctx, &tags)).map(str::to_string))
}

/// After a delete call: an object gone already is done; one whose deletion is already under way
/// (`state_fault` about deleting) is waited for like one just deleted.
pub async fn wait_deleted<T, P, PFut>(
    ctx: &Ctx<'_>,
    waiter: Waiter,
    sent: Result<T, AwsError>,
    state_fault: &str,
    state: P,
) -> Result<(), AwsError>
where
    P: FnMut() -> PFut,
    PFut: Future<Output = Result<Option<String>, AwsError>>,
{
    match sent {
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) if e.is_code(&[state_fault]) && e.message().contains("delet") => {}
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    ctx.wait(waiter, state).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_with_pending_modifications_is_still_busy() {
        assert_eq!(status(Some("available"), true), PENDING_MODIFICATIONS);
        assert_eq!(status(Some("available"), false), "available");
        assert_eq!(status(Some("modifying"), true), "modifying");
    }
}
