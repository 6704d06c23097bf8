//! What `terraform import` needs: a stack's configuration read back from its tagged objects, so
//! the model (and so every component's id) can be rebuilt from AWS alone.

use std::net::Ipv4Addr;

use aws_sdk_ec2::types::Filter;
use vault_core::defaults::{CREATED_TAG, MANAGEMENT_TAG};
use vault_core::input::{
    AuditConfig, DatabaseConfig, Input, NetworkConfig, RotationConfig, StackConfig, Tags,
};
use vault_core::model::{Naming, RotationStrategy};

use crate::clients::Clients;
use crate::error::{api, AwsError};
use crate::objects::network::ec2::management_filter_of;

/// The user of the application secret (alternating users), when the stack has one: its current
/// value's `username`, either of the two users, named without the alternate's suffix. Only that
/// field is taken from the value; nothing else of it is kept or reported.
async fn app_username(clients: &Clients, naming: &Naming) -> Result<Option<String>, AwsError> {
    let name = naming.app_secret();
    let described = clients
        .secretsmanager
        .describe_secret()
        .secret_id(&name)
        .send()
        .await
        .map_err(api("DescribeSecret"));
    match described {
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
        Ok(d) if d.deleted_date().is_some() => return Ok(None),
        Ok(_) => {}
    }
    let value = clients
        .secretsmanager
        .get_secret_value()
        .secret_id(&name)
        .version_stage(crate::objects::database_and_rotation::secret::CURRENT)
        .send()
        .await
        .map_err(api("GetSecretValue"))?;
    let username = value
        .secret_string()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|v| v.get("username")?.as_str().map(str::to_string))
        .ok_or_else(|| {
            AwsError::Invalid(format!("the AWSCURRENT value of {name} has no username"))
        })?;
    let base = username
        .strip_suffix(vault_core::defaults::CLONE_SUFFIX)
        .unwrap_or(&username);
    Ok(Some(base.to_string()))
}

fn not_found(what: &str, naming: &Naming) -> AwsError {
    AwsError::Invalid(format!(
        "no {what} tagged {MANAGEMENT_TAG} = {} was found: is the environment_suffix right, and \
         the provider in the stack's region?",
        naming.suffix()
    ))
}

/// The structure of the stack `naming` names, read back from its objects as the core's
/// [`StackConfig`]: what decides which objects it has, how they are named and found (the
/// network, the instance count, the strategy and its users, the trail, the port the rules between
/// the groups are found by), its tags, and the inputs no single setting holds (the schedule, the
/// function's environment). The other inputs a setting holds (declared `from(..)` in the core's
/// settings table) are left unset: import reads them back from the objects themselves
/// ([`crate::executor::Refreshed::read_back`]). What no object holds (`rotate_immediately`, the
/// `kms` and `timeouts` blocks) is left to its default.
pub async fn discover(clients: &Clients, naming: &Naming) -> Result<StackConfig, AwsError> {
    let suffix = naming.suffix().as_str().to_string();
    let tagged = || management_filter_of(&suffix);
    let vpcs = clients
        .ec2
        .describe_vpcs()
        .filters(tagged())
        .send()
        .await
        .map_err(api("DescribeVpcs"))?;
    let vpc = vpcs
        .vpcs()
        .first()
        .ok_or_else(|| not_found("VPC", naming))?;
    // Every tag of the VPC except those the provider adds itself.
    let tags: Tags = vpc
        .tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .filter(|(k, _)| {
            !matches!(k.as_str(), "Environment" | "Name") && k != MANAGEMENT_TAG && k != CREATED_TAG
        })
        .collect();
    let subnets = clients
        .ec2
        .describe_subnets()
        .filters(tagged())
        .filters(
            Filter::builder()
                .name("vpc-id")
                .values(vpc.vpc_id().unwrap_or_default())
                .build(),
        )
        .send()
        .await
        .map_err(api("DescribeSubnets"))?;
    // In subnet order: the order their CIDR blocks were carved in.
    let mut zones: Vec<(Ipv4Addr, String)> = subnets
        .subnets()
        .iter()
        .filter_map(|s| {
            let addr = s.cidr_block()?.split('/').next()?.parse().ok()?;
            Some((addr, s.availability_zone()?.to_string()))
        })
        .collect();
    zones.sort();
    let network = NetworkConfig {
        cidr_block: Input::Set(vpc.cidr_block().unwrap_or_default().to_string()),
        availability_zones: Input::Set(zones.into_iter().map(|(_, z)| z).collect()),
    };

    let cluster_id = naming.db_cluster();
    let clusters = clients
        .rds
        .describe_db_clusters()
        .db_cluster_identifier(&cluster_id)
        .send()
        .await
        .map_err(api("DescribeDBClusters"))?;
    let cluster = clusters
        .db_clusters()
        .first()
        .ok_or_else(|| not_found("Aurora cluster", naming))?;
    let database = DatabaseConfig {
        instance_count: Input::Set(cluster.db_cluster_members().len() as i64),
        // With the structure: the application user is checked against it, and the rules
        // between the groups are found by their port.
        master_username: set(cluster.master_username()),
        port: Input::Set(i64::from(cluster.port().unwrap_or_default())),
        ..DatabaseConfig::default()
    };

    let function = naming.lambda_function();
    let f = clients
        .lambda
        .get_function_configuration()
        .function_name(&function)
        .send()
        .await
        .map_err(api("GetFunctionConfiguration"))?;
    let env = f
        .environment()
        .and_then(|e| e.variables())
        .cloned()
        .unwrap_or_default();
    let secret_name = naming.secret();
    let secret = clients
        .secretsmanager
        .describe_secret()
        .secret_id(&secret_name)
        .send()
        .await
        .map_err(api("DescribeSecret"))?;
    let rules = secret.rotation_rules();
    let app_username = app_username(clients, naming).await?;
    let strategy = if app_username.is_some() {
        RotationStrategy::AlternatingUsers
    } else {
        RotationStrategy::SingleUser
    };
    // With an expression, AWS also reports the days it computes between rotations: the
    // configuration said the expression (and its window), never both.
    let expression = rules
        .and_then(|r| r.schedule_expression())
        .filter(|e| !e.is_empty());
    let rotation = RotationConfig {
        automatically_after_days: match expression {
            Some(_) => Input::Unset,
            None => optional(rules.and_then(|r| r.automatically_after_days())),
        },
        schedule_expression: optional(expression.map(str::to_string)),
        duration: optional(
            expression
                .and(rules.and_then(|r| r.duration()))
                .map(str::to_string),
        ),
        exclude_characters: optional(env.get("EXCLUDE_CHARACTERS").cloned()),
        password_length: optional(env.get("PASSWORD_LENGTH").and_then(|v| v.parse().ok())),
        // No object holds it: it only decides whether the first rotation starts at once.
        rotate_immediately: Input::Set(vault_core::defaults::ROTATE_IMMEDIATELY),
        strategy: Input::Set(strategy.as_str().to_string()),
        app_username: optional(app_username),
        ..RotationConfig::default()
    };

    let trail = naming.trail();
    let trails = clients
        .cloudtrail
        .describe_trails()
        .trail_name_list(&trail)
        .send()
        .await
        .map_err(api("DescribeTrails"))?;
    let audit = AuditConfig {
        cloudtrail: Input::Set(
            trails
                .trail_list()
                .iter()
                .any(|t| t.name() == Some(trail.as_str())),
        ),
    };
    Ok(StackConfig {
        environment_suffix: Input::Set(suffix),
        tags: Input::Set(tags),
        network: Some(network),
        database: Some(database),
        rotation: Some(rotation),
        logs: None,
        kms: None,
        audit: Some(audit),
        timeouts: None,
    })
}

/// A value AWS returns, as it returns it (empty when it does not).
fn set(v: Option<&str>) -> Input<String> {
    Input::Set(v.unwrap_or_default().to_string())
}

/// A value an object may not hold: unset then, so its default applies.
fn optional<T>(v: Option<T>) -> Input<T> {
    v.map_or(Input::Unset, Input::Set)
}

/// A complete stack of this suffix in the account and region: its VPC carries the completion
/// mark ([`CREATED_TAG`]) a finished create writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingStack {
    pub vpc_id: String,
    /// When its create finished (RFC 3339), as the mark says.
    pub created: String,
}

/// The complete stack of `suffix`, if one exists: one read call.
pub async fn complete_stack(
    clients: &Clients,
    suffix: &str,
) -> Result<Option<ExistingStack>, AwsError> {
    let out = clients
        .ec2
        .describe_vpcs()
        .filters(management_filter_of(suffix))
        .filters(
            Filter::builder()
                .name("tag-key")
                .values(CREATED_TAG)
                .build(),
        )
        .send()
        .await
        .map_err(api("DescribeVpcs"))?;
    Ok(out.vpcs().first().map(|v| ExistingStack {
        vpc_id: v.vpc_id().unwrap_or_default().to_string(),
        created: v
            .tags()
            .iter()
            .find(|t| t.key() == Some(CREATED_TAG))
            .and_then(|t| t.value())
            .unwrap_or_default()
            .to_string(),
    }))
}

/// A stack found in the account and region by its VPC's management tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedStack {
    pub suffix: String,
    pub vpc_id: String,
    /// When its first apply finished; `None` for a stack still being created, or whose create
    /// stopped part-way (its objects are found and adopted by the next apply or an import).
    pub created: Option<String>,
}

/// Every stack in the account and region, by suffix: the VPCs carrying the management tag.
pub async fn stacks(clients: &Clients) -> Result<Vec<ListedStack>, AwsError> {
    let mut found = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let out = clients
            .ec2
            .describe_vpcs()
            .filters(
                Filter::builder()
                    .name("tag-key")
                    .values(MANAGEMENT_TAG)
                    .build(),
            )
            .set_next_token(next.take())
            .send()
            .await
            .map_err(api("DescribeVpcs"))?;
        for v in out.vpcs() {
            let tag = |key: &str| {
                v.tags()
                    .iter()
                    .find(|t| t.key() == Some(key))
                    .and_then(|t| t.value())
                    .map(str::to_string)
            };
            let Some(suffix) = tag(MANAGEMENT_TAG) else {
                continue;
            };
            found.push(ListedStack {
                suffix,
                vpc_id: v.vpc_id().unwrap_or_default().to_string(),
                created: tag(CREATED_TAG),
            });
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_string()),
            _ => break,
        }
    }
    found.sort_by(|a, b| a.suffix.cmp(&b.suffix).then(a.vpc_id.cmp(&b.vpc_id)));
    Ok(found)
}

/// Marks the stack whose VPC is `vpc_id` complete, unless it is already: the last step of an
/// apply that finished.
pub async fn mark_complete(
    clients: &Clients,
    vpc_id: &str,
    now: std::time::SystemTime,
) -> Result<(), AwsError> {
    let tags = clients
        .ec2
        .describe_tags()
        .filters(Filter::builder().name("resource-id").values(vpc_id).build())
        .filters(Filter::builder().name("key").values(CREATED_TAG).build())
        .send()
        .await
        .map_err(api("DescribeTags"))?;
    if !tags.tags().is_empty() {
        return Ok(());
    }
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let when = aws_smithy_types::DateTime::from_secs(secs as i64)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .map_err(|e| AwsError::Invalid(format!("the time of the create: {e}")))?;
    let tag = aws_sdk_ec2::types::Tag::builder()
        .key(CREATED_TAG)
        .value(when)
        .build();
    clients
        .ec2
        .create_tags()
        .resources(vpc_id)
        .tags(tag.clone())
        .send()
        .await
        .map_err(api("CreateTags"))?;
    Ok(())
}
