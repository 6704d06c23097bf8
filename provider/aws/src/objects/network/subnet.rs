//! A private subnet, one per zone: it never gives launched interfaces a public IP. The setting is
//! written explicitly rather than trusted to AWS's default, and checked on every read.

use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType, Subnet};
use vault_core::model::component::{Settings, SubnetSettings};
use vault_core::model::Component;

use super::ec2::{cidr, delete_draining, in_stack_vpc, management_filter, name_filter};
use crate::error::{returned, AwsError};
use crate::objects::tags::{self, ec2_tag_specification, Tagged};
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, GONE};

// find

pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SubnetSettings,
) -> Result<Option<String>, AwsError> {
    Ok(find_all(ctx, c, s).await?.into_iter().next())
}

/// Every subnet of the component's name and management tag in the stack's VPC.
pub async fn find_all(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SubnetSettings,
) -> Result<Vec<String>, AwsError> {
    let out = ctx
        .call("DescribeSubnets", || {
            ctx.clients
                .ec2
                .describe_subnets()
                .filters(management_filter(ctx))
                .filters(name_filter(c))
                .send()
        })
        .await?;
    Ok(out
        .subnets()
        .iter()
        .filter(|subnet| in_stack_vpc(ctx, &s.vpc, subnet.vpc_id()))
        .filter_map(|subnet| subnet.subnet_id())
        .map(str::to_string)
        .collect())
}

// create

pub async fn create(ctx: &Ctx<'_>, c: &Component, s: &SubnetSettings) -> Result<String, AwsError> {
    let vpc_id = ctx.id(&s.vpc)?;
    let out = ctx
        .call("CreateSubnet", || {
            ctx.clients
                .ec2
                .create_subnet()
                .vpc_id(vpc_id)
                .availability_zone(&s.availability_zone)
                .cidr_block(s.cidr_block.to_string())
                .tag_specifications(ec2_tag_specification(ResourceType::Subnet, c))
                .send()
        })
        .await?;
    let id = returned(
        "CreateSubnet",
        "id",
        out.subnet().and_then(|s| s.subnet_id()),
    )?;
    available(ctx, &id).await?;
    set_map_public_ip_on_launch(ctx, s, &id).await?;
    Ok(id)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &SubnetSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(subnet) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let settings = SubnetSettings {
        vpc: ctx.reference(&s.vpc, subnet.vpc_id()),
        availability_zone: subnet.availability_zone().unwrap_or_default().to_string(),
        cidr_block: cidr("DescribeSubnets", subnet.cidr_block())?,
        map_public_ip_on_launch: subnet.map_public_ip_on_launch().unwrap_or(false),
    };
    Ok(Some(
        Observed::new(Settings::Subnet(settings)).tags(Some(tags::from_ec2(subnet.tags()))),
    ))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SubnetSettings,
    id: &str,
) -> Result<(), AwsError> {
    set_map_public_ip_on_launch(ctx, s, id).await?;
    Tagged::Ec2(id).sync(ctx, c).await
}

async fn set_map_public_ip_on_launch(
    ctx: &Ctx<'_>,
    s: &SubnetSettings,
    id: &str,
) -> Result<(), AwsError> {
    ctx.call("ModifySubnetAttribute", || {
        ctx.clients
            .ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(
                AttributeBooleanValue::builder()
                    .value(s.map_public_ip_on_launch)
                    .build(),
            )
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    delete_draining(
        ctx,
        "DeleteSubnet",
        || ctx.clients.ec2.delete_subnet().subnet_id(id).send(),
        Waiter::new(format!("subnet {id}"), &["available", "pending"], &[GONE]),
        || async { state(ctx, id).await },
    )
    .await
}

// waiters

/// A new subnet can be briefly invisible to reads (EC2 is eventually consistent).
async fn available(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(
        Waiter::new(format!("subnet {id}"), &["pending", GONE], &["available"]),
        || async { state(ctx, id).await },
    )
    .await?;
    Ok(())
}

async fn state(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, id)
        .await?
        .and_then(|s| s.state().map(|s| s.as_str().to_string())))
}

async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<Subnet>, AwsError> {
    Ok(ctx
        .call_found("DescribeSubnets", || {
            ctx.clients.ec2.describe_subnets().subnet_ids(id).send()
        })
        .await?
        .and_then(|out| out.subnets().first().cloned()))
}
