//! What `terraform import` needs: a stack's inputs read back from its tagged objects, so the
//! model (and so every component's id) can be rebuilt from AWS alone.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use aws_sdk_ec2::types::Filter;
use vault_core::defaults::{CREATED_TAG, MANAGEMENT_TAG};
use vault_core::model::component::LogGroupPurpose;
use vault_core::model::{Naming, RotationStrategy};

use crate::clients::Clients;
use crate::error::{api, AwsError};

/// A stack's inputs as AWS holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    /// Every tag of the VPC except those the provider adds itself.
    pub tags: BTreeMap<String, String>,
    pub cidr_block: String,
    /// In subnet order (the order their CIDR blocks were carved in).
    pub availability_zones: Vec<String>,
    pub engine_version: String,
    pub instance_class: String,
    pub instance_count: i64,
    pub database_name: String,
    pub master_username: String,
    pub port: i64,
    pub backup_retention_days: i64,
    pub automatically_after_days: Option<i64>,
    pub schedule_expression: Option<String>,
    pub duration: Option<String>,
    pub runtime: String,
    pub timeout_seconds: i64,
    pub memory_mb: i64,
    pub exclude_characters: Option<String>,
    pub password_length: Option<i64>,
    pub log_retention_days: Option<i64>,
    pub cloudtrail: bool,
    /// `AlternatingUsers` when the stack has its application secret.
    pub strategy: RotationStrategy,
    /// The application secret's user, without the alternate's `_clone`.
    pub app_username: Option<String>,
}

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

/// Reads the inputs of the stack `naming` names.
pub async fn discover(clients: &Clients, naming: &Naming) -> Result<Discovered, AwsError> {
    let suffix = naming.suffix().as_str().to_string();
    let tagged = || {
        Filter::builder()
            .name(format!("tag:{MANAGEMENT_TAG}"))
            .values(&suffix)
            .build()
    };
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
    let mut d = Discovered {
        cidr_block: vpc.cidr_block().unwrap_or_default().to_string(),
        tags: vpc
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
            .filter(|(k, _)| {
                !matches!(k.as_str(), "Environment" | "Name")
                    && k != MANAGEMENT_TAG
                    && k != CREATED_TAG
            })
            .collect(),
        ..Discovered::default()
    };
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
    let mut zones: Vec<(Ipv4Addr, String)> = subnets
        .subnets()
        .iter()
        .filter_map(|s| {
            let addr = s.cidr_block()?.split('/').next()?.parse().ok()?;
            Some((addr, s.availability_zone()?.to_string()))
        })
        .collect();
    zones.sort();
    d.availability_zones = zones.into_iter().map(|(_, z)| z).collect();

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
    d.engine_version = cluster.engine_version().unwrap_or_default().to_string();
    d.database_name = cluster.database_name().unwrap_or_default().to_string();
    d.master_username = cluster.master_username().unwrap_or_default().to_string();
    d.port = cluster.port().unwrap_or_default() as i64;
    d.backup_retention_days = cluster.backup_retention_period().unwrap_or_default() as i64;
    let members = cluster.db_cluster_members();
    d.instance_count = members.len() as i64;
    if let Some(first) = members.first().and_then(|m| m.db_instance_identifier()) {
        let instances = clients
            .rds
            .describe_db_instances()
            .db_instance_identifier(first)
            .send()
            .await
            .map_err(api("DescribeDBInstances"))?;
        d.instance_class = instances
            .db_instances()
            .first()
            .and_then(|i| i.db_instance_class())
            .unwrap_or_default()
            .to_string();
    }

    let function = naming.lambda_function();
    let f = clients
        .lambda
        .get_function_configuration()
        .function_name(&function)
        .send()
        .await
        .map_err(api("GetFunctionConfiguration"))?;
    d.runtime = f
        .runtime()
        .map(|r| r.as_str().to_string())
        .unwrap_or_default();
    d.timeout_seconds = f.timeout().unwrap_or_default() as i64;
    d.memory_mb = f.memory_size().unwrap_or_default() as i64;
    let env = f
        .environment()
        .and_then(|e| e.variables())
        .cloned()
        .unwrap_or_default();
    d.exclude_characters = env.get("EXCLUDE_CHARACTERS").cloned();
    d.password_length = env.get("PASSWORD_LENGTH").and_then(|v| v.parse().ok());

    let secret_name = naming.secret();
    let secret = clients
        .secretsmanager
        .describe_secret()
        .secret_id(&secret_name)
        .send()
        .await
        .map_err(api("DescribeSecret"))?;
    if let Some(rules) = secret.rotation_rules() {
        d.automatically_after_days = rules.automatically_after_days();
        d.schedule_expression = rules.schedule_expression().map(str::to_string);
        d.duration = rules.duration().map(str::to_string);
    }

    d.app_username = app_username(clients, naming).await?;
    if d.app_username.is_some() {
        d.strategy = RotationStrategy::AlternatingUsers;
    }

    let group = naming.log_group(LogGroupPurpose::Rotation);
    let groups = clients
        .logs
        .describe_log_groups()
        .log_group_name_prefix(&group)
        .send()
        .await
        .map_err(api("DescribeLogGroups"))?;
    d.log_retention_days = groups
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(group.as_str()))
        .and_then(|g| g.retention_in_days())
        .map(i64::from);

    let trail = naming.trail();
    let trails = clients
        .cloudtrail
        .describe_trails()
        .trail_name_list(&trail)
        .send()
        .await
        .map_err(api("DescribeTrails"))?;
    d.cloudtrail = trails
        .trail_list()
        .iter()
        .any(|t| t.name() == Some(trail.as_str()));
    Ok(d)
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
        .filters(
            Filter::builder()
                .name(format!("tag:{MANAGEMENT_TAG}"))
                .values(suffix)
                .build(),
        )
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
