//! What the provider asks AWS before it can model a stack: whose account it is, and which
//! availability zones the region offers.

use aws_sdk_ec2::types::Filter;

use crate::clients::Clients;
use crate::error::{api, AwsError};

/// The account the credentials belong to (STS GetCallerIdentity).
pub async fn caller_account(clients: &Clients) -> Result<String, AwsError> {
    let out = clients
        .sts
        .get_caller_identity()
        .send()
        .await
        .map_err(api("GetCallerIdentity"))?;
    out.account()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Invalid("GetCallerIdentity returned no account".into()))
}

/// The region's first `count` zones (by name) that are available without opting in.
pub async fn default_zones(clients: &Clients, count: usize) -> Result<Vec<String>, AwsError> {
    let out = clients
        .ec2
        .describe_availability_zones()
        .filters(Filter::builder().name("state").values("available").build())
        .filters(
            Filter::builder()
                .name("opt-in-status")
                .values("opt-in-not-required")
                .build(),
        )
        .send()
        .await
        .map_err(api("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = out
        .availability_zones()
        .iter()
        .filter(|z| z.zone_type().is_none_or(|t| t == "availability-zone"))
        .filter_map(|z| z.zone_name().map(str::to_string))
        .collect();
    zones.sort();
    zones.truncate(count);
    Ok(zones)
}
