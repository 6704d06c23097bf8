//! The private subnets' route table. It only ever holds the implicit local route: a route added
//! out of band (to an internet gateway, a NAT, a peering, ...) would give the function a way out
//! of the VPC, so read reports it and update deletes it.

use aws_sdk_ec2::types::{ResourceType, Route, RouteOrigin, RouteTable};
use vault_core::drift::Extra;
use vault_core::model::component::{RouteTableSettings, Settings};
use vault_core::model::Component;

use super::ec2::{in_stack_vpc, management_filter, name_filter};
use crate::error::{returned, AwsError};
use crate::objects::tags::{self, ec2_tag_specification, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{self};
use crate::waiter::{Waiter, EXISTS};

// find

pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &RouteTableSettings,
) -> Result<Option<String>, AwsError> {
    Ok(find_all(ctx, c, s).await?.into_iter().next())
}

/// Every route table of the component's name and management tag in the stack's VPC.
pub async fn find_all(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &RouteTableSettings,
) -> Result<Vec<String>, AwsError> {
    let out = ctx
        .call("DescribeRouteTables", || {
            ctx.clients
                .ec2
                .describe_route_tables()
                .filters(management_filter(ctx))
                .filters(name_filter(c))
                .send()
        })
        .await?;
    Ok(out
        .route_tables()
        .iter()
        .filter(|t| in_stack_vpc(ctx, &s.vpc, t.vpc_id()))
        .filter_map(|t| t.route_table_id())
        .map(str::to_string)
        .collect())
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &RouteTableSettings,
) -> Result<String, AwsError> {
    let vpc_id = ctx.id(&s.vpc)?;
    let out = ctx
        .call("CreateRouteTable", || {
            ctx.clients
                .ec2
                .create_route_table()
                .vpc_id(vpc_id)
                .tag_specifications(ec2_tag_specification(ResourceType::RouteTable, c))
                .send()
        })
        .await?;
    let id = returned(
        "CreateRouteTable",
        "id",
        out.route_table().and_then(|t| t.route_table_id()),
    )?;
    visible(ctx, &id).await?;
    Ok(id)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &RouteTableSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(table) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let settings = RouteTableSettings {
        vpc: ctx.reference(&s.vpc, table.vpc_id()),
    };
    let mut o =
        Observed::new(Settings::RouteTable(settings)).tags(Some(tags::from_ec2(table.tags())));
    for vgw in table.propagating_vgws() {
        o.extra(Extra::PropagatingGateway(
            vgw.gateway_id()
                .unwrap_or("a virtual private gateway")
                .to_string(),
        ));
    }
    for route in extra_routes(&table) {
        o.extra(Extra::Route {
            destination: destination(route).to_string(),
            target: target(route).to_string(),
        });
    }
    Ok(Some(o))
}

// update

/// Stops route propagation, deletes every route but the local one, and writes the tags.
pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    _s: &RouteTableSettings,
    id: &str,
) -> Result<(), AwsError> {
    let Some(table) = describe(ctx, id).await? else {
        return Err(AwsError::Invalid(format!(
            "route table {id} does not exist"
        )));
    };
    for vgw in table.propagating_vgws() {
        let Some(gateway) = vgw.gateway_id() else {
            continue;
        };
        ctx.call("DisableVgwRoutePropagation", || {
            ctx.clients
                .ec2
                .disable_vgw_route_propagation()
                .route_table_id(id)
                .gateway_id(gateway)
                .send()
        })
        .await?;
    }
    for route in extra_routes(&table) {
        // Propagated routes went with their propagation; DeleteRoute cannot remove them.
        if route.origin() == Some(&RouteOrigin::EnableVgwRoutePropagation) {
            continue;
        }
        let result = ctx
            .call("DeleteRoute", || {
                ctx.clients
                    .ec2
                    .delete_route()
                    .route_table_id(id)
                    .set_destination_cidr_block(route.destination_cidr_block().map(str::to_string))
                    .set_destination_ipv6_cidr_block(
                        route.destination_ipv6_cidr_block().map(str::to_string),
                    )
                    .set_destination_prefix_list_id(
                        route.destination_prefix_list_id().map(str::to_string),
                    )
                    .send()
            })
            .await;
        match result {
            Ok(_) => {}
            // Already gone (someone else removed it meanwhile).
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    Tagged::Ec2(id).sync(ctx, c).await
}

/// Every route but the implicit local one(s) (IPv4, and IPv6 when the VPC has a block).
fn extra_routes(table: &RouteTable) -> impl Iterator<Item = &Route> {
    table
        .routes()
        .iter()
        .filter(|r| r.gateway_id() != Some("local"))
}

fn destination(r: &Route) -> &str {
    r.destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())
        .unwrap_or("(unknown destination)")
}

fn target(r: &Route) -> &str {
    r.gateway_id()
        .or(r.nat_gateway_id())
        .or(r.transit_gateway_id())
        .or(r.vpc_peering_connection_id())
        .or(r.network_interface_id())
        .or(r.instance_id())
        .or(r.egress_only_internet_gateway_id())
        .or(r.local_gateway_id())
        .or(r.carrier_gateway_id())
        .or(r.core_network_arn())
        .unwrap_or("(unknown target)")
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    // Associations of subnets being deleted concurrently may still hold it for a moment.
    let associations_going = retry::interfaces_draining(ctx.timeout);
    ctx.delete_and_wait(
        &associations_going,
        "DeleteRouteTable",
        || {
            ctx.clients
                .ec2
                .delete_route_table()
                .route_table_id(id)
                .send()
        },
        Waiter::gone(format!("route table {id}")),
        || async { presence(ctx, id).await },
    )
    .await
}

// waiters

/// A new route table can be briefly invisible to reads (EC2 is eventually consistent).
async fn visible(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(Waiter::visible(format!("route table {id}")), || async {
        presence(ctx, id).await
    })
    .await?;
    Ok(())
}

async fn presence(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, id).await?.map(|_| EXISTS.to_string()))
}

async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<RouteTable>, AwsError> {
    Ok(ctx
        .call_found("DescribeRouteTables", || {
            ctx.clients
                .ec2
                .describe_route_tables()
                .route_table_ids(id)
                .send()
        })
        .await?
        .and_then(|out| out.route_tables().first().cloned()))
}
