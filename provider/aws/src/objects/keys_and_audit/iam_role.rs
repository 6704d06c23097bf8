//! An IAM role with the trust policy the stack synthesizes (the rotation function's role, and
//! the role CloudTrail assumes to write to the audit log group). Id: the role name.

use aws_sdk_iam::types::Role;
use vault_core::model::component::{IamRoleSettings, Settings};
use vault_core::model::Component;

use super::documents::{held, url_decoded};
use crate::error::AwsError;
use crate::objects::tags::{self, iam_tags, is_managed, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry;
use crate::waiter::{Waiter, EXISTS};
use vault_core::model::Output;

// find

/// The role of the stack's name, if it carries the management tag (`CreateRole` tags it in the
/// same call, so a role of that name without the tag is someone else's).
pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    Ok(get(ctx, name)
        .await?
        .filter(|r| is_managed(ctx, &tags::from_iam(r.tags())))
        .map(|r| r.role_name().to_string()))
}

// create

pub async fn create(ctx: &Ctx<'_>, c: &Component, s: &IamRoleSettings) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no role name", c.id)))?;
    let trust = ctx.policy(s.trust_policy);
    let mut tags = c.tags.clone();
    if c.id == crate::claim::component() {
        // In the create itself: of two racing applies, the one whose role exists owns the stack.
        if let Some(t) = tags.as_mut() {
            t.insert(
                vault_core::defaults::OWNER_TAG.into(),
                ctx.owner.to_string(),
            );
        }
    }
    let tags = tags.as_ref().map(iam_tags).transpose()?;
    ctx.call("CreateRole", || {
        ctx.clients
            .iam
            .create_role()
            .role_name(&name)
            .assume_role_policy_document(&trust)
            .description(&s.description)
            .set_tags(tags.clone())
            .send()
    })
    .await?;
    exists(ctx, &name).await?;
    Ok(name)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &IamRoleSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(role) = get(ctx, id).await? else {
        return Ok(None);
    };
    let settings = IamRoleSettings {
        // Which role of the stack it is (its name says so); the document is compared by
        // meaning, as an extra.
        purpose: s.purpose,
        description: role.description().unwrap_or_default().to_string(),
        trust_policy: s.trust_policy,
    };
    let mut o = Observed::new(Settings::IamRole(settings)).tags(Some(tags::from_iam(role.tags())));
    o.output(Output::Arn, role.arn());
    let trust = url_decoded(role.assume_role_policy_document().unwrap_or_default());
    o.extra(held("trust policy", s.trust_policy, Some(&trust)));
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &IamRoleSettings,
    id: &str,
) -> Result<(), AwsError> {
    let trust = ctx.policy(s.trust_policy);
    ctx.call("UpdateAssumeRolePolicy", || {
        ctx.clients
            .iam
            .update_assume_role_policy()
            .role_name(id)
            .policy_document(&trust)
            .send()
    })
    .await?;
    ctx.call("UpdateRole", || {
        ctx.clients
            .iam
            .update_role()
            .role_name(id)
            .description(&s.description)
            .send()
    })
    .await?;
    Tagged::IamRole(id).sync(ctx, c).await?;
    Ok(())
}

// delete

/// IAM refuses to delete a role that still has policies (`DeleteConflict`): its inline policies
/// are deleted, its managed policies detached and it is taken out of instance profiles first.
pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    match empty(ctx, id).await {
        Ok(()) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e),
    }
    ctx.delete_and_wait(
        &retry::DEFAULT,
        "DeleteRole",
        || ctx.clients.iam.delete_role().role_name(id).send(),
        Waiter::gone(format!("iam role {id}")),
        || async { Ok(get(ctx, id).await?.map(|_| EXISTS.to_string())) },
    )
    .await
}

async fn empty(ctx: &Ctx<'_>, role: &str) -> Result<(), AwsError> {
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call("ListRolePolicies", || {
                ctx.clients
                    .iam
                    .list_role_policies()
                    .role_name(role)
                    .set_marker(marker.clone())
                    .send()
            })
            .await?;
        for policy in page.policy_names() {
            super::iam_role_policy::delete_named(ctx, role, policy).await?;
        }
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call("ListAttachedRolePolicies", || {
                ctx.clients
                    .iam
                    .list_attached_role_policies()
                    .role_name(role)
                    .set_marker(marker.clone())
                    .send()
            })
            .await?;
        for arn in page
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
        {
            let result = ctx
                .call("DetachRolePolicy", || {
                    ctx.clients
                        .iam
                        .detach_role_policy()
                        .role_name(role)
                        .policy_arn(arn)
                        .send()
                })
                .await;
            match result {
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    let profiles = ctx
        .call("ListInstanceProfilesForRole", || {
            ctx.clients
                .iam
                .list_instance_profiles_for_role()
                .role_name(role)
                .send()
        })
        .await?;
    for profile in profiles.instance_profiles() {
        let result = ctx
            .call("RemoveRoleFromInstanceProfile", || {
                ctx.clients
                    .iam
                    .remove_role_from_instance_profile()
                    .instance_profile_name(profile.instance_profile_name())
                    .role_name(role)
                    .send()
            })
            .await;
        match result {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

// waiters

/// IAM is eventually consistent: a new role may not be readable (nor usable by the services
/// it trusts) at once. Waits until `GetRole` sees it.
async fn exists(ctx: &Ctx<'_>, name: &str) -> Result<(), AwsError> {
    ctx.wait(Waiter::visible(format!("iam role {name}")), || async {
        Ok(get(ctx, name).await?.map(|_| EXISTS.to_string()))
    })
    .await?;
    Ok(())
}

async fn get(ctx: &Ctx<'_>, name: &str) -> Result<Option<Role>, AwsError> {
    Ok(ctx
        .call_found("GetRole", || {
            ctx.clients.iam.get_role().role_name(name).send()
        })
        .await?
        .and_then(|out| out.role().cloned()))
}
