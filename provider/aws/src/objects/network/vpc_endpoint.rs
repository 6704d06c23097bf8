//! An interface VPC endpoint (Secrets Manager, KMS): the rotation function's only way to those
//! services, in every private subnet, behind the endpoints group, with private DNS so the
//! services' usual names resolve to it, and a policy admitting only the stack's rotation role.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::{ResourceType, VpcEndpoint, VpcEndpointType};
use vault_core::drift::Extra;
use vault_core::graph::ComponentId;
use vault_core::model::component::{Settings, VpcEndpointSettings};
use vault_core::model::Component;

use super::ec2::{in_stack_vpc, management_filter, name_filter, policy_matches};
use crate::error::{returned, AwsError};
use crate::objects::keys_and_audit::documents::held;
use crate::objects::tags::{self, ec2_tag_specification, Tagged};
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, GONE};

/// States of an endpoint on its way out, or out: gone as far as the stack is concerned.
const ENDING: &[&str] = &["deleting", "deleted"];

// find

pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &VpcEndpointSettings,
) -> Result<Option<String>, AwsError> {
    let out = ctx
        .call("DescribeVpcEndpoints", || {
            ctx.clients
                .ec2
                .describe_vpc_endpoints()
                .filters(management_filter(ctx))
                .filters(name_filter(c))
                .send()
        })
        .await?;
    Ok(out
        .vpc_endpoints()
        .iter()
        .find(|e| !ENDING.contains(&state(e).as_str()) && in_stack_vpc(ctx, &s.vpc, e.vpc_id()))
        .and_then(|e| e.vpc_endpoint_id())
        .map(str::to_string))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &VpcEndpointSettings,
) -> Result<String, AwsError> {
    let vpc_id = ctx.id(&s.vpc)?;
    let subnets = ctx.ids_of(&s.subnets)?;
    let groups = ctx.ids_of(&s.security_groups)?;
    let policy = ctx.policy(s.policy);
    // One token for every attempt of this create, ours and the SDK's: EC2 answers a repeated
    // token with the endpoint the first attempt made (the soak found a retry with a fresh
    // token making a second endpoint).
    let token = crate::objects::database_and_rotation::request_token();
    let out = ctx
        .call("CreateVpcEndpoint", || {
            ctx.clients
                .ec2
                .create_vpc_endpoint()
                .client_token(&token)
                .vpc_endpoint_type(VpcEndpointType::Interface)
                .vpc_id(vpc_id)
                .service_name(&s.service_name)
                .set_subnet_ids(Some(subnets.clone()))
                .set_security_group_ids(Some(groups.clone()))
                .private_dns_enabled(s.private_dns_enabled)
                .policy_document(&policy)
                .tag_specifications(ec2_tag_specification(ResourceType::VpcEndpoint, c))
                .send()
        })
        .await?;
    let id = returned(
        "CreateVpcEndpoint",
        "id",
        out.vpc_endpoint().and_then(|e| e.vpc_endpoint_id()),
    )?;
    available(ctx, &id).await?;
    Ok(id)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &VpcEndpointSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(e) = describe(ctx, id).await? else {
        return Ok(None);
    };
    if ENDING.contains(&state(&e).as_str()) {
        return Ok(None);
    }
    let groups: Vec<String> = e
        .groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    let settings = VpcEndpointSettings {
        // Which of the stack's endpoints it is; the service name says what AWS holds.
        service: s.service,
        service_name: e.service_name().unwrap_or_default().to_string(),
        vpc: ctx.reference(&s.vpc, e.vpc_id()),
        subnets: ctx.references(&s.subnets, e.subnet_ids()),
        security_groups: ctx.references(&s.security_groups, &groups),
        private_dns_enabled: e.private_dns_enabled().unwrap_or(false),
        // The document is compared by meaning, as an extra.
        policy: s.policy,
    };
    let mut o = Observed::new(Settings::VpcEndpoint(settings)).tags(Some(tags::from_ec2(e.tags())));
    o.extra(Extra::EndpointType(
        e.vpc_endpoint_type()
            .map(|t| t.as_str())
            .unwrap_or_default()
            .to_string(),
    ));
    o.extra(held("endpoint policy", s.policy, e.policy_document()));
    Ok(Some(o))
}

/// What `ModifyVpcEndpoint` has to change, from what AWS holds to what the settings say (only
/// subnets and groups whose ids are known are compared).
#[derive(Default)]
struct Change {
    add_subnets: Vec<String>,
    remove_subnets: Vec<String>,
    add_groups: Vec<String>,
    remove_groups: Vec<String>,
    private_dns: Option<bool>,
    policy: bool,
}

impl Change {
    fn is_empty(&self) -> bool {
        self.add_subnets.is_empty()
            && self.remove_subnets.is_empty()
            && self.add_groups.is_empty()
            && self.remove_groups.is_empty()
            && self.private_dns.is_none()
            && !self.policy
    }
}

fn changes(ctx: &Ctx<'_>, s: &VpcEndpointSettings, e: &VpcEndpoint) -> Change {
    let have_subnets: BTreeSet<String> = e.subnet_ids().iter().cloned().collect();
    let have_groups: BTreeSet<String> = e
        .groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    let (add_subnets, remove_subnets) = difference(ctx, &s.subnets, &have_subnets);
    let (add_groups, remove_groups) = difference(ctx, &s.security_groups, &have_groups);
    let have_dns = e.private_dns_enabled().unwrap_or(false);
    Change {
        add_subnets,
        remove_subnets,
        add_groups,
        remove_groups,
        private_dns: (have_dns != s.private_dns_enabled).then_some(s.private_dns_enabled),
        policy: !policy_matches(ctx, s.policy, e.policy_document()),
    }
}

/// The ids to add and to remove to get from `have` to the ids of `want`. While one of `want` has
/// no id yet nothing is removed: an unknown id must not make a current one look foreign.
fn difference(
    ctx: &Ctx<'_>,
    want: &[ComponentId],
    have: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let known: BTreeSet<String> = want
        .iter()
        .filter_map(|c| ctx.ids.get(c).cloned())
        .collect();
    let add = known.difference(have).cloned().collect();
    let remove = if known.len() == want.len() {
        have.difference(&known).cloned().collect()
    } else {
        Vec::new()
    };
    (add, remove)
}

// update

/// Adds and removes subnets and groups, sets the policy and private DNS back, and writes the
/// tags; then waits until the endpoint is available again.
pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &VpcEndpointSettings,
    id: &str,
) -> Result<(), AwsError> {
    let Some(e) = describe(ctx, id).await? else {
        return Err(AwsError::Invalid(format!(
            "vpc endpoint {id} does not exist"
        )));
    };
    let change = changes(ctx, s, &e);
    if !change.is_empty() {
        let policy = change.policy.then(|| ctx.policy(s.policy));
        let vec_or_none = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        ctx.call("ModifyVpcEndpoint", || {
            ctx.clients
                .ec2
                .modify_vpc_endpoint()
                .vpc_endpoint_id(id)
                .set_add_subnet_ids(vec_or_none(&change.add_subnets))
                .set_remove_subnet_ids(vec_or_none(&change.remove_subnets))
                .set_add_security_group_ids(vec_or_none(&change.add_groups))
                .set_remove_security_group_ids(vec_or_none(&change.remove_groups))
                .set_private_dns_enabled(change.private_dns)
                .set_policy_document(policy.clone())
                .send()
        })
        .await?;
        available(ctx, id).await?;
    }
    Tagged::Ec2(id).sync(ctx, c).await
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let result = ctx
        .call("DeleteVpcEndpoints", || {
            ctx.clients
                .ec2
                .delete_vpc_endpoints()
                .vpc_endpoint_ids(id)
                .send()
        })
        .await;
    let out = match result {
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e),
        Ok(out) => out,
    };
    // A batch call: failures come back per endpoint, not as the call's error.
    if let Some(error) = out.unsuccessful().iter().find_map(|u| u.error()) {
        let code = error.code().unwrap_or("Unknown");
        if code.ends_with("NotFound") {
            return Ok(());
        }
        return Err(AwsError::Api {
            operation: "DeleteVpcEndpoints",
            code: code.to_string(),
            message: error.message().unwrap_or("").to_string(),
            request_id: None,
        });
    }
    ctx.wait(
        Waiter::new(
            format!("vpc endpoint {id}"),
            &["available", "pending", "deleting"],
            &[GONE, "deleted"],
        ),
        || async { Ok(describe(ctx, id).await?.map(|e| state(&e))) },
    )
    .await?;
    Ok(())
}

// waiters

async fn available(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(
        Waiter::new(
            format!("vpc endpoint {id}"),
            &["pending", "pendingAcceptance", GONE],
            &["available"],
        ),
        || async { Ok(describe(ctx, id).await?.map(|e| state(&e))) },
    )
    .await?;
    Ok(())
}

/// The state as the API spells it (`pendingAcceptance`); the SDK's names are capitalised
/// (`PendingAcceptance`) and may come either way.
fn state(e: &VpcEndpoint) -> String {
    let s = e.state().map(|s| s.as_str()).unwrap_or("");
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<VpcEndpoint>, AwsError> {
    Ok(ctx
        .call_found("DescribeVpcEndpoints", || {
            ctx.clients
                .ec2
                .describe_vpc_endpoints()
                .vpc_endpoint_ids(id)
                .send()
        })
        .await?
        .and_then(|out| out.vpc_endpoints().first().cloned()))
}
