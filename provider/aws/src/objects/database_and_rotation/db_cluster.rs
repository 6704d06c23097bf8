//! The Aurora MySQL cluster: storage encrypted with the database key, in the private subnet
//! group, reachable only through the database security group, TLS required by its parameter
//! group. Its master password is read from the secret, where it was stored first, and the
//! cluster's endpoint is written back into the secret's `host`. Its id is its identifier.

use aws_sdk_rds::types::DbCluster;
use vault_core::drift::Extra;
use vault_core::model::component::{DbClusterSettings, Settings};
use vault_core::model::{logical, Component};

use super::rds;
use super::{name, same_set, secret};
use crate::error::AwsError;
use crate::objects::tags::{self, rds_tags, Tagged};
use crate::objects::{Ctx, Observed};
use vault_core::model::Output;

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    rds::find::<DbCluster>(ctx, c).await
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbClusterSettings,
) -> Result<String, AwsError> {
    let id = name(c)?;
    let secret_arn = ctx.id(&s.master_password_secret)?;
    let subnet_group = ctx.id(&s.subnet_group)?;
    let parameter_group = ctx.id(&s.parameter_group)?;
    let security_groups = ctx.ids_of(&s.security_groups)?;
    let key = ctx.id(&s.kms_key)?;
    let value = secret::current_value(ctx, secret_arn).await?;
    let password = value.password().filter(|p| !p.is_empty()).ok_or_else(|| {
        AwsError::Invalid(format!(
            "the {} value of {secret_arn} has no password",
            secret::CURRENT
        ))
    })?;
    ctx.call("CreateDBCluster", || {
        ctx.clients
            .rds
            .create_db_cluster()
            .db_cluster_identifier(id)
            .engine(s.engine)
            .engine_version(&s.engine_version)
            .database_name(&s.database_name)
            .master_username(&s.master_username)
            .master_user_password(password)
            .port(i32::from(s.port))
            .backup_retention_period(i32::from(s.backup_retention_days))
            .db_subnet_group_name(subnet_group)
            .db_cluster_parameter_group_name(parameter_group)
            .set_vpc_security_group_ids(Some(security_groups.clone()))
            .kms_key_id(key)
            .storage_encrypted(s.storage_encrypted)
            .deletion_protection(s.deletion_protection)
            .copy_tags_to_snapshot(s.copy_tags_to_snapshot)
            .set_tags(c.tags.as_ref().map(rds_tags))
            .send()
    })
    .await
    .map_err(|e| value.scrub(e))?;
    let cluster = rds::available::<DbCluster>(ctx, id).await?;
    secret::set_host(ctx, secret_arn, endpoint(&cluster, id)?).await?;
    Ok(id.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &DbClusterSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(cluster) = rds::describe::<DbCluster>(ctx, id).await? else {
        return Ok(None);
    };
    let groups: Vec<String> = cluster
        .vpc_security_groups()
        .iter()
        .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
        .collect();
    let settings = DbClusterSettings {
        engine_version: cluster.engine_version().unwrap_or_default().to_string(),
        port: cluster
            .port()
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(0),
        backup_retention_days: cluster
            .backup_retention_period()
            .and_then(|d| u8::try_from(d).ok())
            .unwrap_or(0),
        // RDS may change the case of the group's name.
        parameter_group: ctx.reference_by(
            &s.parameter_group,
            cluster.db_cluster_parameter_group(),
            |recorded, have| have.eq_ignore_ascii_case(recorded),
        ),
        security_groups: ctx.references(&s.security_groups, &groups),
        deletion_protection: cluster.deletion_protection().unwrap_or(false),
        // Read for import, which takes it from here; drift ignores it.
        database_name: cluster.database_name().unwrap_or_default().to_string(),
        // Not read: what only a new cluster changes (the plan replaces it for those), and what
        // is used only at creation or destroy. Listed, so that a new setting is a decision here.
        engine: s.engine,
        master_username: s.master_username.clone(),
        master_password_secret: s.master_password_secret.clone(),
        subnet_group: s.subnet_group.clone(),
        kms_key: s.kms_key.clone(),
        storage_encrypted: s.storage_encrypted,
        skip_final_snapshot: s.skip_final_snapshot,
        copy_tags_to_snapshot: s.copy_tags_to_snapshot,
    };
    let mut o =
        Observed::new(Settings::DbCluster(settings)).tags(Some(tags::from_rds(cluster.tag_list())));
    // A create interrupted between "available" and writing the host leaves the secret without
    // one; the rotation function could not connect. Other fields are the rotation's business.
    // This costs one GetSecretValue per refresh, which the audit trail records.
    if let (Some(endpoint), Ok(secret_arn)) =
        (cluster.endpoint(), ctx.id(&s.master_password_secret))
    {
        match secret::current_value(ctx, secret_arn).await {
            Ok(v) => o.extra(Extra::SecretHost {
                host: v.host().unwrap_or_default().to_string(),
                endpoint: endpoint.to_string(),
            }),
            Err(e) if e.is_not_found() || secret::is_deleted(&e) => {}
            Err(e) => return Err(e),
        }
    }
    for (output, value) in [
        (Output::Arn, cluster.db_cluster_arn()),
        (Output::Endpoint, cluster.endpoint()),
        (Output::ReaderEndpoint, cluster.reader_endpoint()),
    ] {
        if let Some(v) = value {
            o.output(output, v);
        }
    }
    Ok(Some(o))
}

/// What ModifyDBCluster must send to make `cluster` match `s`: only what differs, since RDS
/// refuses some no-op changes (an "upgrade" to the version already running).
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    engine_version: Option<String>,
    backup_retention_days: Option<i32>,
    port: Option<i32>,
    security_groups: Option<Vec<String>>,
    parameter_group: Option<String>,
    deletion_protection: Option<bool>,
}

impl Changes {
    fn between(
        ctx: &Ctx<'_>,
        s: &DbClusterSettings,
        cluster: &DbCluster,
    ) -> Result<Changes, AwsError> {
        let want_groups = ctx.ids_of(&s.security_groups)?;
        let want_pg = ctx.id(&s.parameter_group)?;
        let differs =
            |have: Option<&str>, want: &str| have.is_none_or(|h| !h.eq_ignore_ascii_case(want));
        Ok(Changes {
            // A floor: never ask RDS to go back from a version AWS upgraded to.
            engine_version: vault_core::drift::engine_version(
                &s.engine_version,
                cluster.engine_version().unwrap_or(""),
            )
            .map(|_| s.engine_version.clone()),
            backup_retention_days: (cluster.backup_retention_period()
                != Some(i32::from(s.backup_retention_days)))
            .then_some(i32::from(s.backup_retention_days)),
            port: (cluster.port() != Some(i32::from(s.port))).then_some(i32::from(s.port)),
            security_groups: (!same_set(&security_group_ids(cluster), &want_groups))
                .then_some(want_groups),
            parameter_group: differs(cluster.db_cluster_parameter_group(), want_pg)
                .then(|| want_pg.to_string()),
            deletion_protection: (cluster.deletion_protection().unwrap_or(false)
                != s.deletion_protection)
                .then_some(s.deletion_protection),
        })
    }

    fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbClusterSettings,
    id: &str,
) -> Result<(), AwsError> {
    let cluster = rds::modify_when_available::<DbCluster, _, _>(ctx, id, |cluster| async move {
        let changes = Changes::between(ctx, s, &cluster)?;
        if changes.is_empty() {
            return Ok(());
        }
        ctx.call("ModifyDBCluster", || {
            ctx.clients
                .rds
                .modify_db_cluster()
                .db_cluster_identifier(id)
                .apply_immediately(true)
                .set_engine_version(changes.engine_version.clone())
                .set_backup_retention_period(changes.backup_retention_days)
                .set_port(changes.port)
                .set_vpc_security_group_ids(changes.security_groups.clone())
                .set_db_cluster_parameter_group_name(changes.parameter_group.clone())
                .set_deletion_protection(changes.deletion_protection)
                .send()
        })
        .await
        .map(drop)
    })
    .await?;
    if let Some(arn) = cluster.db_cluster_arn() {
        Tagged::Rds(arn).sync(ctx, c).await?;
    }
    if let Ok(secret_arn) = ctx.id(&s.master_password_secret) {
        secret::set_host(ctx, secret_arn, endpoint(&cluster, id)?).await?;
    }
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    // The model's choice when the cluster is still in it; the stack always skips the final
    // snapshot (SPEC §3.2), so that is the choice for a cluster the model no longer has.
    let skip_final_snapshot = match ctx
        .stack
        .component(&logical::db_cluster())
        .map(|c| &c.settings)
    {
        Some(Settings::DbCluster(s)) => s.skip_final_snapshot,
        _ => true,
    };
    rds::delete::<DbCluster, _, _, _>(ctx, id, || {
        ctx.call("DeleteDBCluster", || {
            let req = ctx
                .clients
                .rds
                .delete_db_cluster()
                .db_cluster_identifier(id)
                .skip_final_snapshot(skip_final_snapshot);
            if skip_final_snapshot {
                req.send()
            } else {
                req.final_db_snapshot_identifier(format!("{id}-final"))
                    .send()
            }
        })
    })
    .await
}

// helpers

fn endpoint<'a>(cluster: &'a DbCluster, id: &str) -> Result<&'a str, AwsError> {
    cluster.endpoint().filter(|e| !e.is_empty()).ok_or_else(|| {
        AwsError::Invalid(format!(
            "aurora cluster {id} is available without an endpoint"
        ))
    })
}

fn security_group_ids(cluster: &DbCluster) -> Vec<String> {
    let mut ids: Vec<String> = cluster
        .vpc_security_groups()
        .iter()
        .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
        .collect();
    ids.sort();
    ids
}
