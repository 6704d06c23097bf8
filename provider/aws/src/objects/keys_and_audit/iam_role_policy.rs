//! A role's inline policy, synthesized from the stack. Inline policies cannot be tagged; they
//! are found by name on their role.
//!
//! Id: `<role name>/<policy name>`. Role names cannot contain `/` (`[\w+=,.@-]+`), so the first
//! `/` separates them.

use vault_core::model::component::{IamRolePolicySettings, Settings};
use vault_core::model::Component;

use super::documents::{held, url_decoded};
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};

pub fn id_of(role: &str, policy: &str) -> String {
    format!("{role}/{policy}")
}

pub fn parse_id(id: &str) -> Result<(&str, &str), AwsError> {
    id.split_once('/')
        .filter(|(r, p)| !r.is_empty() && !p.is_empty())
        .ok_or_else(|| {
            AwsError::Invalid(format!(
                "{id:?} is not a role policy id (<role name>/<policy name>)"
            ))
        })
}

// find

pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &IamRolePolicySettings,
) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    let Some(role) = ctx.parent(&s.role) else {
        return Ok(None);
    };
    Ok(get(ctx, role, name).await?.map(|_| id_of(role, name)))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &IamRolePolicySettings,
) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no policy name", c.id)))?;
    let role = ctx.id(&s.role)?;
    put(ctx, s, role, &name).await?;
    Ok(id_of(role, &name))
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &IamRolePolicySettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let (role, name) = parse_id(id)?;
    let Some(text) = get(ctx, role, name).await? else {
        return Ok(None);
    };
    // The policy is read from this role (its id names it); the document is compared by
    // meaning, as an extra.
    let mut o = Observed::new(Settings::IamRolePolicy(IamRolePolicySettings {
        role: s.role.clone(),
        policy: s.policy,
    }));
    o.extra(held("inline policy", s.policy, Some(&url_decoded(&text))));
    Ok(Some(o))
}

// update

pub async fn update(ctx: &Ctx<'_>, s: &IamRolePolicySettings, id: &str) -> Result<(), AwsError> {
    let (role, name) = parse_id(id)?;
    put(ctx, s, role, name).await
}

async fn put(
    ctx: &Ctx<'_>,
    s: &IamRolePolicySettings,
    role: &str,
    name: &str,
) -> Result<(), AwsError> {
    let document = ctx.policy(s.policy);
    ctx.call("PutRolePolicy", || {
        ctx.clients
            .iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(&document)
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let (role, name) = parse_id(id)?;
    delete_named(ctx, role, name).await
}

/// Deletes one inline policy; a policy (or role) already gone is not an error.
pub async fn delete_named(ctx: &Ctx<'_>, role: &str, name: &str) -> Result<(), AwsError> {
    ctx.call_delete("DeleteRolePolicy", || {
        ctx.clients
            .iam
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
    })
    .await
}

// waiters (none: IAM applies a policy within seconds; what needs it retries its own calls)

/// The policy's document, URL-encoded as IAM returns it.
async fn get(ctx: &Ctx<'_>, role: &str, name: &str) -> Result<Option<String>, AwsError> {
    Ok(ctx
        .call_found("GetRolePolicy", || {
            ctx.clients
                .iam
                .get_role_policy()
                .role_name(role)
                .policy_name(name)
                .send()
        })
        .await?
        .map(|out| out.policy_document().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_policy_id_is_the_role_and_policy_names() {
        let id = id_of("role-dev-cloudtrail", "policy-dev-cloudtrail");
        assert_eq!(id, "role-dev-cloudtrail/policy-dev-cloudtrail");
        assert_eq!(
            parse_id(&id).unwrap(),
            ("role-dev-cloudtrail", "policy-dev-cloudtrail")
        );
        assert!(parse_id("role-dev-cloudtrail").is_err());
    }
}
