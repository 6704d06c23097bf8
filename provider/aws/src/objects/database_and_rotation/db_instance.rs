//! An Aurora instance of the cluster, in its own zone (instances go round-robin over the zones,
//! so the cluster can fail over), never publicly accessible. Its id is its identifier.

use aws_sdk_rds::types::DbInstance;
use vault_core::model::component::{DbInstanceSettings, Settings};
use vault_core::model::Component;

use super::name;
use super::rds;
use crate::error::AwsError;
use crate::objects::tags::{self, rds_tags, Tagged};
use crate::objects::{Ctx, Observed};
use vault_core::model::Output;

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    rds::find::<DbInstance>(ctx, c).await
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
    rds::available::<DbInstance>(ctx, id).await?;
    Ok(id.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &DbInstanceSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(instance) = rds::describe::<DbInstance>(ctx, id).await? else {
        return Ok(None);
    };
    let settings = DbInstanceSettings {
        instance_class: instance.db_instance_class().unwrap_or_default().to_string(),
        publicly_accessible: instance.publicly_accessible().unwrap_or(false),
        // Not read: what only a new instance changes (the plan replaces it for those); the
        // zone is an output.
        index: s.index,
        cluster: s.cluster.clone(),
        engine: s.engine,
        availability_zone: s.availability_zone.clone(),
    };
    let mut o = Observed::new(Settings::DbInstance(settings))
        .tags(Some(tags::from_rds(instance.tag_list())));
    if let Some(arn) = instance.db_instance_arn() {
        o.output(Output::Arn, arn);
    }
    if let Some(zone) = instance.availability_zone() {
        o.output(Output::AvailabilityZone, zone);
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
    let instance = rds::modify_when_available::<DbInstance, _, _>(ctx, id, |instance| async move {
        let class = (instance.db_instance_class() != Some(s.instance_class.as_str()))
            .then(|| s.instance_class.clone());
        let public = (instance.publicly_accessible().unwrap_or(false) != s.publicly_accessible)
            .then_some(s.publicly_accessible);
        if class.is_none() && public.is_none() {
            return Ok(());
        }
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
        .await
        .map(drop)
    })
    .await?;
    if let Some(arn) = instance.db_instance_arn() {
        Tagged::Rds(arn).sync(ctx, c).await?;
    }
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    rds::delete::<DbInstance, _, _, _>(ctx, id, || {
        ctx.call("DeleteDBInstance", || {
            ctx.clients
                .rds
                .delete_db_instance()
                .db_instance_identifier(id)
                // Aurora keeps data in the cluster volume: an instance has no snapshot of its own.
                .skip_final_snapshot(true)
                .send()
        })
    })
    .await
}
