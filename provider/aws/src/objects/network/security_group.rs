//! A security group of the stack (Lambda, database, endpoints). Its rules between groups are
//! separate `security_group_rule` components; any other rule on the group (one naming an address
//! range or prefix list, or a flow between groups the stack does not describe) is drift, which
//! update revokes. AWS gives every new group an allow-all egress rule to `0.0.0.0/0`; it is
//! revoked right after creation.

use aws_sdk_ec2::types::{Filter, ResourceType, SecurityGroup, SecurityGroupRule};
use vault_core::drift::Extra;
use vault_core::model::component::{Direction, SecurityGroupSettings, Settings};
use vault_core::model::Component;

use super::ec2::{delete_draining, in_stack_vpc, management_filter};
use crate::error::{returned, AwsError};
use crate::objects::tags::{self, ec2_tag_specification, Tagged};
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, EXISTS};

// find

pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SecurityGroupSettings,
) -> Result<Option<String>, AwsError> {
    let out = ctx
        .call("DescribeSecurityGroups", || {
            ctx.clients
                .ec2
                .describe_security_groups()
                .filters(management_filter(ctx))
                .filters(
                    Filter::builder()
                        .name("group-name")
                        .values(c.name.clone().unwrap_or_default())
                        .build(),
                )
                .send()
        })
        .await?;
    Ok(out
        .security_groups()
        .iter()
        .find(|g| in_stack_vpc(ctx, &s.vpc, g.vpc_id()))
        .and_then(|g| g.group_id())
        .map(str::to_string))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SecurityGroupSettings,
) -> Result<String, AwsError> {
    let vpc_id = ctx.id(&s.vpc)?;
    let name = c
        .name
        .as_deref()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no name", c.id)))?;
    let out = ctx
        .call("CreateSecurityGroup", || {
            ctx.clients
                .ec2
                .create_security_group()
                .group_name(name)
                .description(&s.description)
                .vpc_id(vpc_id)
                .tag_specifications(ec2_tag_specification(ResourceType::SecurityGroup, c))
                .send()
        })
        .await?;
    let id = returned("CreateSecurityGroup", "id", out.group_id())?;
    visible(ctx, &id).await?;
    if s.revoke_default_egress {
        let defaults: Vec<SecurityGroupRule> = rules(ctx, &id)
            .await?
            .into_iter()
            .filter(is_default_egress)
            .collect();
        revoke(ctx, &id, &defaults).await?;
    }
    Ok(id)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SecurityGroupSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(group) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let settings = SecurityGroupSettings {
        vpc: ctx.reference(&s.vpc, group.vpc_id()),
        description: group.description().unwrap_or_default().to_string(),
        // Not AWS settings: which group of the stack it is, and a step of its create (what it
        // leaves behind is read as rules, below).
        role: s.role,
        revoke_default_egress: s.revoke_default_egress,
    };
    let mut o =
        Observed::new(Settings::SecurityGroup(settings)).tags(Some(tags::from_ec2(group.tags())));
    for r in foreign_rules(ctx, c, s, id).await? {
        o.extra(Extra::ForeignRule(rule_text(&r)));
    }
    Ok(Some(o))
}

// update

/// Revokes every rule that is not the stack's (see [`foreign_rules`]), and writes the tags. The
/// stack's rules between groups belong to their own components and are left alone.
pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SecurityGroupSettings,
    id: &str,
) -> Result<(), AwsError> {
    let foreign = foreign_rules(ctx, c, s, id).await?;
    revoke(ctx, id, &foreign).await?;
    Tagged::Ec2(id).sync(ctx, c).await
}

/// The group's rules that are not the stack's: every rule naming an address range or prefix list
/// (except AWS's default egress rule when the settings keep it), and every rule between groups
/// that none of the stack's `security_group_rule` components of this group describes.
async fn foreign_rules(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SecurityGroupSettings,
    id: &str,
) -> Result<Vec<SecurityGroupRule>, AwsError> {
    let ours = stack_rules(ctx, c);
    Ok(rules(ctx, id)
        .await?
        .into_iter()
        .filter(|r| {
            if r.cidr_ipv4().is_some() || r.cidr_ipv6().is_some() || r.prefix_list_id().is_some() {
                return s.revoke_default_egress || !is_default_egress(r);
            }
            // Without every peer's id, a rule between groups cannot be told apart: keep it.
            let Some(ours) = &ours else { return false };
            !ours.iter().any(|o| o.matches(r))
        })
        .collect())
}

/// One of the stack's rules on this group: its id once recorded, and its content.
struct StackRule {
    id: Option<String>,
    egress: bool,
    port: u16,
    peer: String,
}

impl StackRule {
    /// By id first: a stack rule changed out of band is still the stack's (its own component
    /// repairs it; revoking it here would leave that component nothing to repair).
    fn matches(&self, r: &SecurityGroupRule) -> bool {
        if self.id.is_some() && self.id.as_deref() == r.security_group_rule_id() {
            return true;
        }
        r.is_egress() == Some(self.egress)
            && r.ip_protocol() == Some("tcp")
            && r.from_port() == Some(i32::from(self.port))
            && r.to_port() == Some(i32::from(self.port))
            && r.referenced_group_info().and_then(|g| g.group_id()) == Some(self.peer.as_str())
    }
}

/// The stack's rules on the group `c`; `None` while a peer group has no id yet.
fn stack_rules(ctx: &Ctx<'_>, c: &Component) -> Option<Vec<StackRule>> {
    ctx.stack
        .components()
        .iter()
        .filter_map(|rule| match &rule.settings {
            Settings::SecurityGroupRule(r) if r.group == c.id => Some((&rule.id, r)),
            _ => None,
        })
        .map(|(rule_id, r)| {
            Some(StackRule {
                id: ctx
                    .ids
                    .get(rule_id)
                    .and_then(|id| super::security_group_rule::split_id(id).ok())
                    .map(|(_, rule)| rule.to_string()),
                egress: r.direction == Direction::Egress,
                port: r.port,
                peer: ctx.ids.get(&r.peer)?.clone(),
            })
        })
        .collect()
}

/// AWS's rule on every new group: all traffic out to anywhere (IPv4, and IPv6 in a dual-stack
/// VPC).
fn is_default_egress(r: &SecurityGroupRule) -> bool {
    r.is_egress() == Some(true)
        && r.ip_protocol() == Some("-1")
        && (r.cidr_ipv4() == Some("0.0.0.0/0") || r.cidr_ipv6() == Some("::/0"))
}

/// "ingress tcp 22 from 0.0.0.0/0", "egress all traffic to sg-1".
pub(super) fn rule_text(r: &SecurityGroupRule) -> String {
    let egress = r.is_egress() == Some(true);
    let protocol = match (r.ip_protocol(), r.from_port(), r.to_port()) {
        (Some("-1") | None, _, _) => "all traffic".to_string(),
        (Some(p), Some(from), Some(to)) if from == to => format!("{p} {from}"),
        (Some(p), Some(from), Some(to)) => format!("{p} {from}-{to}"),
        (Some(p), _, _) => p.to_string(),
    };
    let peer = r
        .cidr_ipv4()
        .or(r.cidr_ipv6())
        .or(r.prefix_list_id())
        .or(r.referenced_group_info().and_then(|g| g.group_id()))
        .unwrap_or("(unknown peer)");
    format!(
        "{} {protocol} {} {peer}",
        if egress { "egress" } else { "ingress" },
        if egress { "to" } else { "from" }
    )
}

/// Every rule of the group, flat, each with its `sgr-` id.
pub(super) async fn rules(
    ctx: &Ctx<'_>,
    group_id: &str,
) -> Result<Vec<SecurityGroupRule>, AwsError> {
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = ctx
            .call("DescribeSecurityGroupRules", || {
                ctx.clients
                    .ec2
                    .describe_security_group_rules()
                    .filters(Filter::builder().name("group-id").values(group_id).build())
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        all.extend(out.security_group_rules().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(all),
        }
    }
}

/// Revokes rules of the group by id, ingress and egress each in one call.
async fn revoke(
    ctx: &Ctx<'_>,
    group_id: &str,
    rules: &[SecurityGroupRule],
) -> Result<(), AwsError> {
    let ids = |egress: bool| -> Vec<String> {
        rules
            .iter()
            .filter(|r| r.is_egress() == Some(egress))
            .filter_map(|r| r.security_group_rule_id().map(str::to_string))
            .collect()
    };
    let ingress = ids(false);
    if !ingress.is_empty() {
        ctx.call_delete("RevokeSecurityGroupIngress", || {
            ctx.clients
                .ec2
                .revoke_security_group_ingress()
                .group_id(group_id)
                .set_security_group_rule_ids(Some(ingress.clone()))
                .send()
        })
        .await?;
    }
    let egress = ids(true);
    if !egress.is_empty() {
        ctx.call_delete("RevokeSecurityGroupEgress", || {
            ctx.clients
                .ec2
                .revoke_security_group_egress()
                .group_id(group_id)
                .set_security_group_rule_ids(Some(egress.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    delete_draining(
        ctx,
        "DeleteSecurityGroup",
        || ctx.clients.ec2.delete_security_group().group_id(id).send(),
        Waiter::gone(format!("security group {id}")),
        || async { presence(ctx, id).await },
    )
    .await
}

// waiters

/// A new group can be briefly invisible to reads (EC2 is eventually consistent).
async fn visible(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(Waiter::visible(format!("security group {id}")), || async {
        presence(ctx, id).await
    })
    .await?;
    Ok(())
}

async fn presence(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, id).await?.map(|_| EXISTS.to_string()))
}

async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<SecurityGroup>, AwsError> {
    Ok(ctx
        .call_found("DescribeSecurityGroups", || {
            ctx.clients
                .ec2
                .describe_security_groups()
                .group_ids(id)
                .send()
        })
        .await?
        .and_then(|out| out.security_groups().first().cloned()))
}
