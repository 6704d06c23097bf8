//! A subnet's association with the stack's route table; without it the subnet would use the VPC's
//! main table. AWS cannot tag associations: one is found through its route table.

use aws_sdk_ec2::types::{Filter, RouteTableAssociation};
use vault_core::drift::settings;
use vault_core::model::component::{RouteTableAssociationSettings, Settings};

use crate::error::{returned, AwsError};
use crate::objects::{Ctx, Observed};
use crate::retry;
use crate::waiter::{Waiter, GONE};

/// States of an association that no longer links anything.
const ENDED: &[&str] = &["disassociating", "disassociated", "failed"];

// find

/// The route table's association with this subnet, if any.
pub async fn find(
    ctx: &Ctx<'_>,
    s: &RouteTableAssociationSettings,
) -> Result<Option<String>, AwsError> {
    let (Some(table_id), Some(subnet_id)) = (ctx.parent(&s.route_table), ctx.parent(&s.subnet))
    else {
        return Ok(None);
    };
    let Some(out) = ctx
        .call_found("DescribeRouteTables", || {
            ctx.clients
                .ec2
                .describe_route_tables()
                .route_table_ids(table_id)
                .send()
        })
        .await?
    else {
        return Ok(None);
    };
    Ok(out
        .route_tables()
        .iter()
        .flat_map(|t| t.associations())
        .find(|a| a.subnet_id() == Some(subnet_id) && !ENDED.contains(&state(a).as_str()))
        .and_then(|a| a.route_table_association_id())
        .map(str::to_string))
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &RouteTableAssociationSettings) -> Result<String, AwsError> {
    let table_id = ctx.id(&s.route_table)?;
    let subnet_id = ctx.id(&s.subnet)?;
    let out = ctx
        .call("AssociateRouteTable", || {
            ctx.clients
                .ec2
                .associate_route_table()
                .route_table_id(table_id)
                .subnet_id(subnet_id)
                .send()
        })
        .await?;
    let id = returned("AssociateRouteTable", "id", out.association_id())?;
    ctx.wait(
        Waiter::new(
            format!("route table association {id}"),
            &["associating", GONE],
            &["associated"],
        ),
        || async { Ok(describe(ctx, &id).await?.map(|a| state(&a))) },
    )
    .await?;
    Ok(id)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &RouteTableAssociationSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(a) = describe(ctx, id).await? else {
        return Ok(None);
    };
    if ENDED.contains(&state(&a).as_str()) {
        return Ok(None);
    }
    let settings = RouteTableAssociationSettings {
        route_table: ctx.reference(&s.route_table, a.route_table_id()),
        subnet: ctx.reference(&s.subnet, a.subnet_id()),
    };
    Ok(Some(Observed::new(Settings::RouteTableAssociation(
        settings,
    ))))
}

// update

/// An association has nothing to update: linking another table or subnet is a new association
/// (with a new id), which the plan handles as a replacement. Anything else read could report
/// is therefore an error here, not something to paper over.
pub async fn update(
    ctx: &Ctx<'_>,
    s: &RouteTableAssociationSettings,
    id: &str,
) -> Result<(), AwsError> {
    match read(ctx, s, id).await? {
        None => Err(AwsError::Invalid(format!(
            "route table association {id} does not exist"
        ))),
        Some(o) => match settings(
            &Settings::RouteTableAssociation(s.clone()),
            &o.observation.settings,
        ) {
            d if d.is_empty() => Ok(()),
            d => Err(AwsError::Invalid(format!(
                "route table association {id} cannot be changed in place ({}); it must be replaced",
                d.join("; ")
            ))),
        },
    }
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete_and_wait(
        &retry::DEFAULT,
        "DisassociateRouteTable",
        || {
            ctx.clients
                .ec2
                .disassociate_route_table()
                .association_id(id)
                .send()
        },
        Waiter::new(
            format!("route table association {id}"),
            &["associated", "disassociating"],
            &[GONE, "disassociated"],
        ),
        || async { Ok(describe(ctx, id).await?.map(|a| state(&a))) },
    )
    .await
}

// waiters

fn state(a: &RouteTableAssociation) -> String {
    a.association_state()
        .and_then(|s| s.state())
        .map(|s| s.as_str().to_string())
        // Older responses carry no state: an association listed is in force.
        .unwrap_or_else(|| "associated".to_string())
}

async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<RouteTableAssociation>, AwsError> {
    let out = ctx
        .call("DescribeRouteTables", || {
            ctx.clients
                .ec2
                .describe_route_tables()
                .filters(
                    Filter::builder()
                        .name("association.route-table-association-id")
                        .values(id)
                        .build(),
                )
                .send()
        })
        .await?;
    Ok(out
        .route_tables()
        .iter()
        .flat_map(|t| t.associations())
        .find(|a| a.route_table_association_id() == Some(id))
        .cloned())
}
