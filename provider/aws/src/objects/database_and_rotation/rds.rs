//! What the Aurora cluster and instance modules share: finding, describing, their status as the
//! waiters see it, waiting until usable, and waiting out a deletion. The two differ only in the
//! SDK's types and the states each passes through ([`RdsObject`]).

use std::future::Future;

use aws_sdk_rds::types::{DbCluster, DbInstance};
use vault_core::model::Component;

use super::name;
use crate::error::AwsError;
use crate::objects::tags::{self, is_managed, Tagged};
use crate::objects::Ctx;
use crate::retry::{Classifier, RetryPolicy};
use crate::waiter::{Waiter, GONE};

/// An Aurora cluster or instance as `Describe*` returns it.
pub trait RdsObject: Clone {
    /// The noun waiters and errors use: "aurora cluster".
    const NOUN: &'static str;
    /// States it passes through on its own before it is usable again.
    const BUSY: &'static [&'static str];
    /// States it may show until its deletion completes: a deletion asked for while it was busy
    /// starts when it is done.
    const DELETING: &'static [&'static str];
    /// The error code of a delete refused because of its state: busy, or already deleting.
    const STATE_FAULT: &'static str;

    /// The object of this identifier, in whatever state, `None` when AWS does not know it.
    fn describe_any(
        ctx: &Ctx<'_>,
        id: &str,
    ) -> impl Future<Output = Result<Option<Self>, AwsError>>;
    fn identifier(&self) -> Option<&str>;
    fn raw_status(&self) -> Option<&str>;
    fn modifications_pending(&self) -> bool;
    fn tag_list(&self) -> &[aws_sdk_rds::types::Tag];
}

impl RdsObject for DbCluster {
    const NOUN: &'static str = "aurora cluster";
    const BUSY: &'static [&'static str] = &[
        PENDING_MODIFICATIONS,
        "creating",
        "backing-up",
        "modifying",
        "upgrading",
        "migrating",
        "preparing-data-migration",
        "resetting-master-credentials",
        "renaming",
        "configuring-iam-database-auth",
        "configuring-activity-stream",
        "maintenance",
    ];
    const DELETING: &'static [&'static str] = &[
        "deleting",
        "available",
        PENDING_MODIFICATIONS,
        "creating",
        "backing-up",
        "modifying",
        "upgrading",
        "migrating",
        "preparing-data-migration",
        "resetting-master-credentials",
        "renaming",
        "configuring-iam-database-auth",
        "configuring-activity-stream",
        "maintenance",
    ];
    const STATE_FAULT: &'static str = "InvalidDBClusterStateFault";

    async fn describe_any(ctx: &Ctx<'_>, id: &str) -> Result<Option<Self>, AwsError> {
        Ok(ctx
            .call_found("DescribeDBClusters", || {
                ctx.clients
                    .rds
                    .describe_db_clusters()
                    .db_cluster_identifier(id)
                    .send()
            })
            .await?
            .and_then(|out| out.db_clusters().first().cloned()))
    }

    fn identifier(&self) -> Option<&str> {
        self.db_cluster_identifier()
    }

    fn raw_status(&self) -> Option<&str> {
        self.status()
    }

    fn modifications_pending(&self) -> bool {
        let none = aws_sdk_rds::types::ClusterPendingModifiedValues::builder().build();
        self.pending_modified_values().is_some_and(|p| *p != none)
    }

    fn tag_list(&self) -> &[aws_sdk_rds::types::Tag] {
        DbCluster::tag_list(self)
    }
}

impl RdsObject for DbInstance {
    const NOUN: &'static str = "aurora instance";
    const BUSY: &'static [&'static str] = &[
        PENDING_MODIFICATIONS,
        "creating",
        "backing-up",
        "modifying",
        "rebooting",
        "starting",
        "upgrading",
        "renaming",
        "maintenance",
        "storage-optimization",
        "configuring-enhanced-monitoring",
        "configuring-iam-database-auth",
        "configuring-log-exports",
        "resetting-master-credentials",
    ];
    const DELETING: &'static [&'static str] = &[
        "deleting",
        "available",
        PENDING_MODIFICATIONS,
        "creating",
        "backing-up",
        "modifying",
        "rebooting",
        "starting",
        "upgrading",
        "renaming",
        "maintenance",
        "storage-optimization",
        "configuring-enhanced-monitoring",
        "configuring-iam-database-auth",
        "configuring-log-exports",
        "resetting-master-credentials",
    ];
    const STATE_FAULT: &'static str = "InvalidDBInstanceState";

    async fn describe_any(ctx: &Ctx<'_>, id: &str) -> Result<Option<Self>, AwsError> {
        Ok(ctx
            .call_found("DescribeDBInstances", || {
                ctx.clients
                    .rds
                    .describe_db_instances()
                    .db_instance_identifier(id)
                    .send()
            })
            .await?
            .and_then(|out| out.db_instances().first().cloned()))
    }

    fn identifier(&self) -> Option<&str> {
        self.db_instance_identifier()
    }

    fn raw_status(&self) -> Option<&str> {
        self.db_instance_status()
    }

    fn modifications_pending(&self) -> bool {
        let none = aws_sdk_rds::types::PendingModifiedValues::builder().build();
        self.pending_modified_values().is_some_and(|p| *p != none)
    }

    fn tag_list(&self) -> &[aws_sdk_rds::types::Tag] {
        DbInstance::tag_list(self)
    }
}

/// The object of the component's name, when its tags mark it as this stack's.
pub async fn find<T: RdsObject>(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Ok(describe::<T>(ctx, name(c)?)
        .await?
        .filter(|d| is_managed(ctx, &tags::from_rds(d.tag_list())))
        .and_then(|d| d.identifier().map(str::to_string)))
}

/// The object, unless it is gone or being deleted.
pub async fn describe<T: RdsObject>(ctx: &Ctx<'_>, id: &str) -> Result<Option<T>, AwsError> {
    Ok(T::describe_any(ctx, id)
        .await?
        .filter(|d| d.raw_status() != Some("deleting")))
}

/// Waits until the object is available with nothing pending, and returns it.
pub async fn available<T: RdsObject>(ctx: &Ctx<'_>, id: &str) -> Result<T, AwsError> {
    ctx.wait(
        Waiter::new(format!("{} {id}", T::NOUN), T::BUSY, &["available"]),
        || async { waiter_status::<T>(ctx, id).await },
    )
    .await?;
    describe(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("{} {id} went away", T::NOUN)))
}

/// Modifies the object once it is available, and returns it available again. `modify` gets the
/// object as it is then and sends what still differs (nothing, when nothing does). RDS refuses a
/// modification while the object is busy: a backup or maintenance upgrade, a modification still
/// applying (an interrupted apply's, or this one's sent again by the SDK after its response was
/// lost). Then it waits again and works the differences out afresh, within the `timeouts` block.
pub async fn modify_when_available<T, F, Fut>(
    ctx: &Ctx<'_>,
    id: &str,
    modify: F,
) -> Result<T, AwsError>
where
    T: RdsObject,
    F: Fn(T) -> Fut,
    Fut: Future<Output = Result<(), AwsError>>,
{
    let modify = &modify;
    RetryPolicy::with(&[Classifier::DbNotAvailable], ctx.timeout)
        .run(ctx.clock, || async move {
            modify(available::<T>(ctx, id).await?).await?;
            available::<T>(ctx, id).await
        })
        .await
}

/// The object's status as the waiters see it ([`status`]).
async fn waiter_status<T: RdsObject>(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(T::describe_any(ctx, id)
        .await?
        .map(|d| status(d.raw_status(), d.modifications_pending())))
}

/// Deletes the object (`send` asks RDS) and waits until it is gone. RDS refuses to delete a
/// cluster that is busy (still creating after an interrupted or timed-out apply, modifying,
/// upgrading, backing up: "is not currently in the available state", which
/// terraform-provider-aws retries too); then this waits until it is available and asks again,
/// within the `timeouts` block. A deletion already under way (the SDK's resend of a delete whose
/// response was lost, an interrupted destroy's) is waited for like one just asked for.
pub async fn delete<T, F, Fut, R>(ctx: &Ctx<'_>, id: &str, send: F) -> Result<(), AwsError>
where
    T: RdsObject,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<R, AwsError>>,
{
    let send = &send;
    let gone = RetryPolicy::with(&[Classifier::DbNotAvailable], ctx.timeout)
        .run(ctx.clock, || async move {
            let Err(e) = send().await else {
                return Ok(false);
            };
            match refusal::<T>(&e) {
                Refusal::Gone => Ok(true),
                Refusal::AlreadyDeleting => Ok(false),
                Refusal::Busy => {
                    // Asked again once it is available, by the retry policy.
                    available::<T>(ctx, id).await?;
                    Err(e)
                }
                Refusal::Other => Err(e),
            }
        })
        .await?;
    if gone {
        return Ok(());
    }
    let waiter = Waiter::new(format!("{} {id}", T::NOUN), T::DELETING, &[GONE]);
    ctx.wait(waiter, || async { waiter_status::<T>(ctx, id).await })
        .await
        .map(drop)
}

/// What a refused delete means.
#[derive(Debug, PartialEq)]
enum Refusal {
    Gone,
    /// Its deletion is under way ("... is already being deleted.").
    AlreadyDeleting,
    /// It is busy; a busy object's refusal may name deleting too ("cannot be deleted ..."), so
    /// only the whole phrase above counts as a deletion under way.
    Busy,
    Other,
}

fn refusal<T: RdsObject>(e: &AwsError) -> Refusal {
    if e.is_not_found() {
        Refusal::Gone
    } else if !e.is_code(&[T::STATE_FAULT]) {
        Refusal::Other
    } else if e.message().contains("already being deleted") {
        Refusal::AlreadyDeleting
    } else {
        Refusal::Busy
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str, message: &str) -> AwsError {
        AwsError::Api {
            operation: "DeleteDBCluster",
            code: code.into(),
            message: message.into(),
            request_id: None,
        }
    }

    #[test]
    fn a_refused_delete_is_busy_unless_its_deletion_is_under_way() {
        let fault = "InvalidDBClusterStateFault";
        assert_eq!(
            refusal::<DbCluster>(&api(
                fault,
                "DB cluster aurora-dev is already being deleted."
            )),
            Refusal::AlreadyDeleting
        );
        assert_eq!(
            refusal::<DbCluster>(&api(
                fault,
                "DB cluster aurora-dev is not currently in the available state."
            )),
            Refusal::Busy
        );
        // Naming deletion is not enough: this cluster is busy, its deletion not started.
        assert_eq!(
            refusal::<DbCluster>(&api(
                fault,
                "Cluster cannot be deleted, it is not currently in the available state."
            )),
            Refusal::Busy
        );
        assert_eq!(
            refusal::<DbInstance>(&api(
                "InvalidDBInstanceState",
                "Instance aurora-dev-1 is already being deleted."
            )),
            Refusal::AlreadyDeleting
        );
        // Another kind's fault, or another error, is not a state to wait out.
        assert_eq!(
            refusal::<DbInstance>(&api(fault, "is not currently in the available state")),
            Refusal::Other
        );
        assert_eq!(
            refusal::<DbCluster>(&api(
                "InvalidParameterCombination",
                "Cannot delete protected Cluster"
            )),
            Refusal::Other
        );
        assert_eq!(
            refusal::<DbCluster>(&api(
                "DBClusterNotFoundFault",
                "DBCluster aurora-dev not found."
            )),
            Refusal::Gone
        );
    }

    #[test]
    fn available_with_pending_modifications_is_still_busy() {
        assert_eq!(status(Some("available"), true), PENDING_MODIFICATIONS);
        assert_eq!(status(Some("available"), false), "available");
        assert_eq!(status(Some("modifying"), true), "modifying");
    }
}
