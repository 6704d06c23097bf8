//! One TCP port between two of the stack's security groups. Its id is `<group id>/<rule id>`
//! (`sg-.../sgr-...`): revoking by rule id needs the group, and AWS cannot tag rules for a finder
//! (the provider leaves them untagged), so a rule is found through its group, by content.
//!
//! A rule changed out of band (port, peer, description) is set back with
//! `ModifySecurityGroupRules`, which keeps its id; its group and direction cannot change.

use aws_sdk_ec2::types::{
    IpPermission, SecurityGroupRule, SecurityGroupRuleRequest, SecurityGroupRuleUpdate,
    UserIdGroupPair,
};
use vault_core::drift::Extra;
use vault_core::graph::ComponentId;
use vault_core::model::component::{Direction, SecurityGroupRuleSettings, Settings};

use super::security_group::rules;
use crate::error::{found, AwsError};
use crate::objects::{Ctx, Observed};

const TCP: &str = "tcp";

/// `sg-.../sgr-...` into the group's id and the rule's.
pub fn split_id(id: &str) -> Result<(&str, &str), AwsError> {
    id.split_once('/')
        .filter(|(g, r)| g.starts_with("sg-") && r.starts_with("sgr-"))
        .ok_or_else(|| {
            AwsError::Invalid(format!(
                "security group rule id {id:?} is not <group id>/<rule id>"
            ))
        })
}

fn join_id(group: &str, rule: &str) -> String {
    format!("{group}/{rule}")
}

// find

pub async fn find(
    ctx: &Ctx<'_>,
    s: &SecurityGroupRuleSettings,
) -> Result<Option<String>, AwsError> {
    let (Some(group), Some(peer)) = (ctx.parent(&s.group), ctx.parent(&s.peer)) else {
        return Ok(None);
    };
    let Some(all) = found(rules(ctx, group).await)? else {
        return Ok(None);
    };
    Ok(all
        .iter()
        .find(|r| same_flow(r, s, peer))
        .and_then(|r| r.security_group_rule_id())
        .map(|rule| join_id(group, rule)))
}

/// Direction, protocol, port and peer: what makes a rule this one (the description does not).
fn same_flow(r: &SecurityGroupRule, s: &SecurityGroupRuleSettings, peer: &str) -> bool {
    r.is_egress() == Some(s.direction == Direction::Egress)
        && r.ip_protocol() == Some(TCP)
        && r.from_port() == Some(i32::from(s.port))
        && r.to_port() == Some(i32::from(s.port))
        && r.referenced_group_info().and_then(|g| g.group_id()) == Some(peer)
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &SecurityGroupRuleSettings) -> Result<String, AwsError> {
    let group = ctx.id(&s.group)?;
    let peer = ctx.id(&s.peer)?;
    let permission = IpPermission::builder()
        .ip_protocol(TCP)
        .from_port(i32::from(s.port))
        .to_port(i32::from(s.port))
        .user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(peer)
                .description(&s.description)
                .build(),
        )
        .build();
    let result = match s.direction {
        Direction::Ingress => ctx
            .call("AuthorizeSecurityGroupIngress", || {
                ctx.clients
                    .ec2
                    .authorize_security_group_ingress()
                    .group_id(group)
                    .ip_permissions(permission.clone())
                    .send()
            })
            .await
            .map(|out| first_rule_id(out.security_group_rules())),
        Direction::Egress => ctx
            .call("AuthorizeSecurityGroupEgress", || {
                ctx.clients
                    .ec2
                    .authorize_security_group_egress()
                    .group_id(group)
                    .ip_permissions(permission.clone())
                    .send()
            })
            .await
            .map(|out| first_rule_id(out.security_group_rules())),
    };
    match result {
        Ok(Some(rule)) => Ok(join_id(group, &rule)),
        // The same flow exists already (a crashed apply authorized it): adopt it. Also the way
        // to the id when a response lists no rules.
        Ok(None) => find_created(ctx, s).await,
        Err(e) if e.is_code(&["InvalidPermission.Duplicate"]) => find_created(ctx, s).await,
        Err(e) => Err(e),
    }
}

fn first_rule_id(rules: &[SecurityGroupRule]) -> Option<String> {
    rules
        .first()
        .and_then(|r| r.security_group_rule_id())
        .map(str::to_string)
}

async fn find_created(ctx: &Ctx<'_>, s: &SecurityGroupRuleSettings) -> Result<String, AwsError> {
    find(ctx, s).await?.ok_or_else(|| {
        AwsError::Invalid(format!(
            "the rule {} was authorized but is not listed",
            s.description
        ))
    })
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &SecurityGroupRuleSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let (group, rule_id) = split_id(id)?;
    let Some(rule) = describe(ctx, group, rule_id).await? else {
        return Ok(None);
    };
    // The stack's rules are each one TCP port; anything else has no place in the settings.
    let one_tcp_port = match (rule.ip_protocol(), rule.from_port(), rule.to_port()) {
        (Some(TCP), Some(from), Some(to)) if from == to => u16::try_from(from).ok(),
        _ => None,
    };
    let range = rule
        .cidr_ipv4()
        .or(rule.cidr_ipv6())
        .or(rule.prefix_list_id());
    let peer = match range {
        // An address range or prefix list: never one of the stack's groups.
        Some(range) => ComponentId::new(range),
        None => ctx.reference(
            &s.peer,
            rule.referenced_group_info().and_then(|g| g.group_id()),
        ),
    };
    let settings = SecurityGroupRuleSettings {
        // The rule is read in this group: its id names it.
        group: s.group.clone(),
        direction: if rule.is_egress() == Some(true) {
            Direction::Egress
        } else {
            Direction::Ingress
        },
        port: one_tcp_port.unwrap_or(s.port),
        peer,
        description: description_of(ctx, group, &rule).await?,
    };
    let mut o = Observed::new(Settings::SecurityGroupRule(settings));
    if one_tcp_port.is_none() {
        o.extra(Extra::PortRange {
            protocol: rule.ip_protocol().unwrap_or_default().to_string(),
            from: rule.from_port().unwrap_or(-1),
            to: rule.to_port().unwrap_or(-1),
        });
    }
    Ok(Some(o))
}

/// The rule's description. moto 5.2 leaves it out of `DescribeSecurityGroupRules` for rules
/// between groups, though its groups list it; AWS returns it there. When it is missing, the
/// group's own listing of the same flow is asked, which on AWS says the same (no description).
async fn description_of(
    ctx: &Ctx<'_>,
    group: &str,
    rule: &SecurityGroupRule,
) -> Result<String, AwsError> {
    if let Some(d) = rule.description() {
        return Ok(d.to_string());
    }
    let Some(peer) = rule.referenced_group_info().and_then(|g| g.group_id()) else {
        return Ok(String::new());
    };
    let out = ctx
        .call("DescribeSecurityGroups", || {
            ctx.clients
                .ec2
                .describe_security_groups()
                .group_ids(group)
                .send()
        })
        .await?;
    let Some(g) = out.security_groups().first() else {
        return Ok(String::new());
    };
    let permissions = if rule.is_egress() == Some(true) {
        g.ip_permissions_egress()
    } else {
        g.ip_permissions()
    };
    Ok(permissions
        .iter()
        .filter(|p| {
            p.ip_protocol() == rule.ip_protocol()
                && p.from_port() == rule.from_port()
                && p.to_port() == rule.to_port()
        })
        .flat_map(|p| p.user_id_group_pairs())
        .find(|pair| pair.group_id() == Some(peer))
        .and_then(|pair| pair.description())
        .unwrap_or("")
        .to_string())
}

// update

/// Sets the rule's protocol, port, peer and description back in place (its id stays).
pub async fn update(
    ctx: &Ctx<'_>,
    s: &SecurityGroupRuleSettings,
    id: &str,
) -> Result<(), AwsError> {
    let (group, rule_id) = split_id(id)?;
    let Some(rule) = describe(ctx, group, rule_id).await? else {
        return Err(AwsError::Invalid(format!(
            "security group rule {id} does not exist"
        )));
    };
    if rule.is_egress() != Some(s.direction == Direction::Egress) {
        return Err(AwsError::Invalid(format!(
            "security group rule {id} has the wrong direction; it must be replaced"
        )));
    }
    let peer = ctx.id(&s.peer)?;
    ctx.call("ModifySecurityGroupRules", || {
        ctx.clients
            .ec2
            .modify_security_group_rules()
            .group_id(group)
            .security_group_rules(
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(rule_id)
                    .security_group_rule(
                        SecurityGroupRuleRequest::builder()
                            .ip_protocol(TCP)
                            .from_port(i32::from(s.port))
                            .to_port(i32::from(s.port))
                            .referenced_group_id(peer)
                            .description(&s.description)
                            .build(),
                    )
                    .build(),
            )
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let (group, rule_id) = split_id(id)?;
    // The id does not say the direction: the rule itself does.
    let Some(rule) = describe(ctx, group, rule_id).await? else {
        return Ok(());
    };
    let ids = vec![rule_id.to_string()];
    let result = if rule.is_egress() == Some(true) {
        ctx.call("RevokeSecurityGroupEgress", || {
            ctx.clients
                .ec2
                .revoke_security_group_egress()
                .group_id(group)
                .set_security_group_rule_ids(Some(ids.clone()))
                .send()
        })
        .await
        .map(|_| ())
    } else {
        ctx.call("RevokeSecurityGroupIngress", || {
            ctx.clients
                .ec2
                .revoke_security_group_ingress()
                .group_id(group)
                .set_security_group_rule_ids(Some(ids.clone()))
                .send()
        })
        .await
        .map(|_| ())
    };
    match result {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

// waiters

/// The rule, `None` when it or its group is gone. Rules take effect when authorized and go when
/// revoked: there is no state to wait on.
async fn describe(
    ctx: &Ctx<'_>,
    group: &str,
    rule_id: &str,
) -> Result<Option<SecurityGroupRule>, AwsError> {
    Ok(ctx
        .call_found("DescribeSecurityGroupRules", || {
            ctx.clients
                .ec2
                .describe_security_group_rules()
                .security_group_rule_ids(rule_id)
                .send()
        })
        .await?
        .and_then(|out| {
            out.security_group_rules()
                .iter()
                .find(|r| {
                    r.security_group_rule_id() == Some(rule_id) && r.group_id() == Some(group)
                })
                .cloned()
        }))
}
