//! The VPC: DNS support and hostnames on (the interface endpoints' private DNS needs both), and
//! its default security group emptied, since AWS opens it to the world by default.

use aws_sdk_ec2::types::{AttributeBooleanValue, Filter, ResourceType};
use vault_core::model::component::{Settings, VpcSettings};
use vault_core::model::Component;

use super::ec2::{cidr, delete_draining, management_filter, name_filter};
use crate::error::{returned, AwsError};
use crate::objects::tags::{self, ec2_tag_specification, Tagged};
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, GONE};

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Ok(find_all(ctx, c).await?.into_iter().next())
}

/// Every VPC of the component's name and management tag.
pub async fn find_all(ctx: &Ctx<'_>, c: &Component) -> Result<Vec<String>, AwsError> {
    let out = ctx
        .call("DescribeVpcs", || {
            ctx.clients
                .ec2
                .describe_vpcs()
                .filters(management_filter(ctx))
                .filters(name_filter(c))
                .send()
        })
        .await?;
    Ok(out
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id())
        .map(str::to_string)
        .collect())
}

// create

pub async fn create(ctx: &Ctx<'_>, c: &Component, s: &VpcSettings) -> Result<String, AwsError> {
    let out = ctx
        .call("CreateVpc", || {
            ctx.clients
                .ec2
                .create_vpc()
                .cidr_block(s.cidr_block.to_string())
                .tag_specifications(ec2_tag_specification(ResourceType::Vpc, c))
                .send()
        })
        .await?;
    let id = returned("CreateVpc", "id", out.vpc().and_then(|v| v.vpc_id()))?;
    available(ctx, &id).await?;
    update(ctx, c, s, &id).await?;
    Ok(id)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &VpcSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(vpc) = describe(ctx, id).await? else {
        return Ok(None);
    };
    // One call per attribute (the API takes one), both at once.
    let [dns_support, dns_hostnames] = [
        aws_sdk_ec2::types::VpcAttributeName::EnableDnsSupport,
        aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames,
    ]
    .map(|attribute| async move {
        let out = ctx
            .call("DescribeVpcAttribute", || {
                ctx.clients
                    .ec2
                    .describe_vpc_attribute()
                    .vpc_id(id)
                    .attribute(attribute.clone())
                    .send()
            })
            .await?;
        Ok::<bool, AwsError>(
            out.enable_dns_support()
                .or(out.enable_dns_hostnames())
                .and_then(|v| v.value())
                .unwrap_or(false),
        )
    });
    let (enable_dns_support, enable_dns_hostnames) =
        futures::try_join!(dns_support, dns_hostnames)?;
    let settings = VpcSettings {
        cidr_block: cidr("DescribeVpcs", vpc.cidr_block())?,
        enable_dns_support,
        enable_dns_hostnames,
        // Not read: the default group is emptied by every update, which a drift repairs.
        restrict_default_security_group: s.restrict_default_security_group,
    };
    Ok(Some(
        Observed::new(Settings::Vpc(settings)).tags(Some(tags::from_ec2(vpc.tags()))),
    ))
}

// update

/// Sets the DNS attributes and tags, and empties the default security group.
pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &VpcSettings,
    id: &str,
) -> Result<(), AwsError> {
    // AWS takes one attribute per call.
    for (support, hostnames) in [
        (Some(s.enable_dns_support), None),
        (None, Some(s.enable_dns_hostnames)),
    ] {
        ctx.call("ModifyVpcAttribute", || {
            ctx.clients
                .ec2
                .modify_vpc_attribute()
                .vpc_id(id)
                .set_enable_dns_support(
                    support.map(|v| AttributeBooleanValue::builder().value(v).build()),
                )
                .set_enable_dns_hostnames(
                    hostnames.map(|v| AttributeBooleanValue::builder().value(v).build()),
                )
                .send()
        })
        .await?;
    }
    Tagged::Ec2(id).sync(ctx, c).await?;
    if s.restrict_default_security_group {
        restrict_default_security_group(ctx, id).await?;
    }
    Ok(())
}

async fn restrict_default_security_group(ctx: &Ctx<'_>, vpc_id: &str) -> Result<(), AwsError> {
    let out = ctx
        .call("DescribeSecurityGroups", || {
            ctx.clients
                .ec2
                .describe_security_groups()
                .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
                .filters(
                    Filter::builder()
                        .name("group-name")
                        .values("default")
                        .build(),
                )
                .send()
        })
        .await?;
    for g in out.security_groups() {
        let Some(group_id) = g.group_id() else {
            continue;
        };
        if !g.ip_permissions().is_empty() {
            ctx.call_delete("RevokeSecurityGroupIngress", || {
                ctx.clients
                    .ec2
                    .revoke_security_group_ingress()
                    .group_id(group_id)
                    .set_ip_permissions(Some(g.ip_permissions().to_vec()))
                    .send()
            })
            .await?;
        }
        if !g.ip_permissions_egress().is_empty() {
            ctx.call_delete("RevokeSecurityGroupEgress", || {
                ctx.clients
                    .ec2
                    .revoke_security_group_egress()
                    .group_id(group_id)
                    .set_ip_permissions(Some(g.ip_permissions_egress().to_vec()))
                    .send()
            })
            .await?;
        }
    }
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    delete_draining(
        ctx,
        "DeleteVpc",
        || ctx.clients.ec2.delete_vpc().vpc_id(id).send(),
        Waiter::new(format!("vpc {id}"), &["available", "pending"], &[GONE]),
        || async { state(ctx, id).await },
    )
    .await
}

// waiters

async fn available(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(
        Waiter::new(format!("vpc {id}"), &["pending"], &["available"]),
        || async { state(ctx, id).await },
    )
    .await?;
    Ok(())
}

async fn state(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, id)
        .await?
        .and_then(|v| v.state().map(|s| s.as_str().to_string())))
}

async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<aws_sdk_ec2::types::Vpc>, AwsError> {
    Ok(ctx
        .call_found("DescribeVpcs", || {
            ctx.clients.ec2.describe_vpcs().vpc_ids(id).send()
        })
        .await?
        .and_then(|out| out.vpcs().first().cloned()))
}
