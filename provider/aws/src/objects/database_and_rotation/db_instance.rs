//! An Aurora instance of the cluster, in its own zone (instances go round-robin over the zones,
//! so the cluster can fail over), never publicly accessible. Its id is its identifier.

use aws_sdk_rds::types::DbInstance;
use vault_core::model::component::DbInstanceSettings;
use vault_core::model::Component;

use super::name;
use super::rds::{self, PENDING_MODIFICATIONS};
use crate::error::AwsError;
use crate::objects::tags::{self, is_managed, rds_tags, Tagged};
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, GONE};
use vault_core::model::Output;

/// States an instance passes through on its own before it is usable again.
const BUSY: &[&str] = &[
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

/// States an instance may show until its deletion completes.
const DELETING: &[&str] = &[
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

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, name(c)?)
        .await?
        .filter(|d| is_managed(ctx, &tags::from_rds(d.tag_list())))
        .and_then(|d| d.db_instance_identifier().map(str::to_string)))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbInstanceSettings,
) -> Result<String, AwsError> {
    let id = name(c)?;
    let cluster = ctx.id(&s.cluster)?;
    ctx.call("CreateDBInstance", || {
        ctx.clients
            .rds
            .create_db_instance()
            .db_instance_identifier(id)
            .db_cluster_identifier(cluster)
            .engine(s.engine)
            .db_instance_class(&s.instance_class)
            .availability_zone(&s.availability_zone)
            .publicly_accessible(s.publicly_accessible)
            .set_tags(c.tags.as_ref().map(rds_tags))
            .send()
    })
    .await?;
    available(ctx, id).await?;
    Ok(id.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &DbInstanceSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(instance) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let mut o = Observed::default();
    if instance.db_instance_class() != Some(s.instance_class.as_str()) {
        o.drift.push(format!(
            "instance class {:?}, want {}",
            instance.db_instance_class().unwrap_or(""),
            s.instance_class
        ));
    }
    let public = instance.publicly_accessible().unwrap_or(false);
    if public != s.publicly_accessible {
        o.drift.push(format!(
            "publicly accessible is {public}, want {}",
            s.publicly_accessible
        ));
    }
    o.tags = Some(tags::from_rds(instance.tag_list()));
    if let Some(arn) = instance.db_instance_arn() {
        o.outputs.insert(Output::Arn, arn.to_string());
    }
    if let Some(zone) = instance.availability_zone() {
        o.outputs.insert(Output::AvailabilityZone, zone.to_string());
    }
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbInstanceSettings,
    id: &str,
) -> Result<(), AwsError> {
    let mut instance = describe(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("aurora instance {id} is gone")))?;
    let class = (instance.db_instance_class() != Some(s.instance_class.as_str()))
        .then(|| s.instance_class.clone());
    let public = (instance.publicly_accessible().unwrap_or(false) != s.publicly_accessible)
        .then_some(s.publicly_accessible);
    if class.is_some() || public.is_some() {
        ctx.call("ModifyDBInstance", || {
            ctx.clients
                .rds
                .modify_db_instance()
                .db_instance_identifier(id)
                .apply_immediately(true)
                .set_db_instance_class(class.clone())
                .set_publicly_accessible(public)
                .send()
        })
        .await?;
        instance = available(ctx, id).await?;
    }
    if let Some(arn) = instance.db_instance_arn() {
        Tagged::Rds(arn).sync(ctx, c).await?;
    }
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let result = ctx
        .call("DeleteDBInstance", || {
            ctx.clients
                .rds
                .delete_db_instance()
                .db_instance_identifier(id)
                // Aurora keeps data in the cluster volume: an instance has no snapshot of its own.
                .skip_final_snapshot(true)
                .send()
        })
        .await;
    let waiter = Waiter::new(format!("aurora instance {id}"), DELETING, &[GONE]);
    rds::wait_deleted(ctx, waiter, result, "InvalidDBInstanceState", || async {
        status(ctx, id).await
    })
    .await
}

// waiters

async fn available(ctx: &Ctx<'_>, id: &str) -> Result<DbInstance, AwsError> {
    ctx.wait(
        Waiter::new(format!("aurora instance {id}"), BUSY, &["available"]),
        || async { status(ctx, id).await },
    )
    .await?;
    describe(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("aurora instance {id} went away")))
}

/// The instance's status as the waiters see it ([`rds::status`]).
async fn status(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    let none = aws_sdk_rds::types::PendingModifiedValues::builder().build();
    Ok(describe_any(ctx, id).await?.map(|d| {
        let pending = d.pending_modified_values().is_some_and(|p| *p != none);
        rds::status(d.db_instance_status(), pending)
    }))
}

/// The instance, unless it is gone or being deleted.
async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<DbInstance>, AwsError> {
    Ok(describe_any(ctx, id)
        .await?
        .filter(|d| d.db_instance_status() != Some("deleting")))
}

async fn describe_any(ctx: &Ctx<'_>, id: &str) -> Result<Option<DbInstance>, AwsError> {
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
