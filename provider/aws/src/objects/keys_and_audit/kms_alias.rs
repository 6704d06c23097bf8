//! A KMS alias (`alias/key-<suffix>-<purpose>`) pointing at one of the stack's keys. Aliases
//! cannot be tagged; the name, which carries the suffix, is what finds one.

use aws_sdk_kms::types::AliasListEntry;
use vault_core::model::component::{KmsAliasSettings, Settings};
use vault_core::model::Component;

use super::kms_key::key_id;
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    Ok(alias(ctx, name)
        .await?
        .and_then(|a| a.alias_name().map(str::to_string)))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &KmsAliasSettings,
) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no alias name", c.id)))?;
    let key = ctx.id(&s.key)?;
    ctx.call("CreateAlias", || {
        ctx.clients
            .kms
            .create_alias()
            .alias_name(&name)
            .target_key_id(key)
            .send()
    })
    .await?;
    Ok(name)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &KmsAliasSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(a) = alias(ctx, id).await? else {
        return Ok(None);
    };
    // AWS names the target by key id; the key's recorded id is its ARN.
    let settings = KmsAliasSettings {
        key: ctx.reference_by(&s.key, a.target_key_id(), |recorded, have| {
            key_id(recorded) == have
        }),
    };
    Ok(Some(Observed::new(Settings::KmsAlias(settings))))
}

// update

pub async fn update(ctx: &Ctx<'_>, s: &KmsAliasSettings, id: &str) -> Result<(), AwsError> {
    let key = ctx.id(&s.key)?;
    ctx.call("UpdateAlias", || {
        ctx.clients
            .kms
            .update_alias()
            .alias_name(id)
            .target_key_id(key)
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.call_delete("DeleteAlias", || {
        ctx.clients.kms.delete_alias().alias_name(id).send()
    })
    .await
}

// waiters (none: an alias is usable as soon as CreateAlias returns)

/// The alias of this name, listing every alias of the account and region: listing by key would
/// miss an alias moved to another key out of band.
async fn alias(ctx: &Ctx<'_>, name: &str) -> Result<Option<AliasListEntry>, AwsError> {
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call("ListAliases", || {
                ctx.clients
                    .kms
                    .list_aliases()
                    .set_marker(marker.clone())
                    .send()
            })
            .await?;
        if let Some(a) = page.aliases().iter().find(|a| a.alias_name() == Some(name)) {
            return Ok(Some(a.clone()));
        }
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}
