//! The rotation function: the embedded Node.js bundle, in the private subnets with the Lambda
//! security group, logging to the stack's encrypted log group. Its id is its ARN.

use std::time::Duration;

use aws_sdk_ec2::types::{Filter, NetworkInterfaceStatus};
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Environment, FunctionCode, FunctionConfiguration, LastUpdateStatus, LoggingConfig, Runtime,
    VpcConfig,
};
use vault_core::drift::Extra;
use vault_core::graph::ComponentId;
use vault_core::model::component::{LambdaFunctionSettings, Settings};
use vault_core::model::Component;

use super::function_code::{code_sha256, package};
use super::name;
use crate::error::{returned, AwsError};
use crate::objects::tags::{self, is_managed, tag_map, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{self, Classifier, RetryPolicy};
use crate::waiter::{Waiter, EXISTS, GONE};
use vault_core::model::Output;

/// A new role (or its new inline policy) takes seconds to reach Lambda; the AWS provider
/// allows IAM two minutes to propagate.
const ROLE_PROPAGATION: RetryPolicy = RetryPolicy::with(
    &[
        Classifier::RoleNotYetAssumable,
        Classifier::RolePermissionsNotYetEffective,
    ],
    Duration::from_secs(2 * 60),
);

/// An update meets the one before it still in progress (the same update, when the SDK sent it
/// again after its response was lost), and the role's propagation as a create does.
const UPDATE: RetryPolicy = RetryPolicy::with(
    &[
        Classifier::RoleNotYetAssumable,
        Classifier::RolePermissionsNotYetEffective,
        Classifier::FunctionUpdateInProgress,
    ],
    Duration::from_secs(2 * 60),
);

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Ok(get(ctx, name(c)?)
        .await?
        .filter(|f| is_managed(ctx, &tags::from_map(f.tags())))
        .and_then(|f| f.configuration()?.function_arn().map(str::to_string)))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &LambdaFunctionSettings,
) -> Result<String, AwsError> {
    let name = name(c)?;
    let want = Wanted::of(ctx, s)?;
    let zip = package()?;
    let out = ctx
        .call_with(&ROLE_PROPAGATION, "CreateFunction", || {
            ctx.clients
                .lambda
                .create_function()
                .function_name(name)
                .runtime(Runtime::from(s.runtime.as_str()))
                .role(&want.role)
                .handler(&s.handler)
                .timeout(i32::from(s.timeout_seconds))
                .memory_size(i32::from(s.memory_mb))
                .vpc_config(want.vpc_config())
                .environment(want.environment(s))
                .logging_config(want.logging_config())
                .code(
                    FunctionCode::builder()
                        .zip_file(Blob::new(zip.clone()))
                        .build(),
                )
                .set_tags(c.tags.as_ref().map(tag_map))
                .send()
        })
        .await?;
    let arn = returned("CreateFunction", "ARN", out.function_arn())?;
    active(ctx, &arn).await?;
    updated(ctx, &arn).await?;
    Ok(arn)
}

/// The settings with the other components' ids filled in.
struct Wanted {
    role: String,
    subnets: Vec<String>,
    security_groups: Vec<String>,
    log_group: String,
}

impl Wanted {
    fn of(ctx: &Ctx<'_>, s: &LambdaFunctionSettings) -> Result<Wanted, AwsError> {
        Ok(Wanted {
            role: role_arn(ctx, &s.role)?,
            subnets: ctx.ids_of(&s.subnets)?,
            security_groups: ctx.ids_of(&s.security_groups)?,
            log_group: log_group_name(ctx, &s.log_group)?,
        })
    }

    fn vpc_config(&self) -> VpcConfig {
        VpcConfig::builder()
            .set_subnet_ids(Some(self.subnets.clone()))
            .set_security_group_ids(Some(self.security_groups.clone()))
            .build()
    }

    fn environment(&self, s: &LambdaFunctionSettings) -> Environment {
        Environment::builder()
            .set_variables(Some(s.environment.clone().into_iter().collect()))
            .build()
    }

    fn logging_config(&self) -> LoggingConfig {
        LoggingConfig::builder().log_group(&self.log_group).build()
    }
}

/// The role's ARN: its id when that is an ARN, else built from the id as a role name (roles
/// are created at the root path).
fn role_arn(ctx: &Ctx<'_>, role: &ComponentId) -> Result<String, AwsError> {
    let id = ctx.id(role)?;
    if id.starts_with("arn:") {
        return Ok(id.to_string());
    }
    Ok(format!(
        "arn:{}:iam::{}:role/{id}",
        ctx.stack.region().partition(),
        ctx.account()
    ))
}

/// The log group's name: its id, or the name inside its ARN.
fn log_group_name(ctx: &Ctx<'_>, log_group: &ComponentId) -> Result<String, AwsError> {
    let id = ctx.id(log_group)?;
    Ok(match id.split_once(":log-group:") {
        Some((_, name)) => name.trim_end_matches(":*").to_string(),
        None => id.to_string(),
    })
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &LambdaFunctionSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(f) = get(ctx, id).await? else {
        return Ok(None);
    };
    let Some(config) = f.configuration() else {
        return Ok(None);
    };
    let want = Wanted::of(ctx, s)?;
    let mut o = Observed::new(Settings::LambdaFunction(configuration(
        ctx, s, &want, config,
    )))
    .tags(Some(tags::from_map(f.tags())));
    o.extra(Extra::Code {
        have: config.code_sha256().unwrap_or_default().to_string(),
        want: code_sha256(&package()?),
    });
    if let Some(arn) = config.function_arn() {
        o.output(Output::Arn, arn);
    }
    Ok(Some(o))
}

/// The function's configuration as Lambda reports it.
fn configuration(
    ctx: &Ctx<'_>,
    s: &LambdaFunctionSettings,
    want: &Wanted,
    config: &FunctionConfiguration,
) -> LambdaFunctionSettings {
    // Subnets and groups, not the VPC id: moto reports a fixed one ("vpc-123abc").
    let (subnets, groups) = config
        .vpc_config()
        .map(|v| (v.subnet_ids().to_vec(), v.security_group_ids().to_vec()))
        .unwrap_or_default();
    LambdaFunctionSettings {
        // Lambda names the role by ARN and the log group by name; their ids may be either.
        role: ctx.reference_by(&s.role, config.role(), |_, have| have == want.role),
        runtime: config
            .runtime()
            .map(Runtime::as_str)
            .unwrap_or_default()
            .to_string(),
        handler: config.handler().unwrap_or_default().to_string(),
        timeout_seconds: config
            .timeout()
            .and_then(|t| u16::try_from(t).ok())
            .unwrap_or(0),
        memory_mb: config
            .memory_size()
            .and_then(|m| u16::try_from(m).ok())
            .unwrap_or(0),
        subnets: ctx.references(&s.subnets, &subnets),
        security_groups: ctx.references(&s.security_groups, &groups),
        environment: config
            .environment()
            .and_then(|e| e.variables())
            .map(|v| v.clone().into_iter().collect())
            .unwrap_or_default(),
        // AWS always reports the log group; moto 5.2 reports no logging configuration at all,
        // so there is nothing to compare (it cannot have drifted in moto either: it is not kept).
        log_group: match config.logging_config().and_then(LoggingConfig::log_group) {
            Some(group) => {
                ctx.reference_by(&s.log_group, Some(group), |_, have| have == want.log_group)
            }
            None => s.log_group.clone(),
        },
    }
}

/// Whether the configuration differs from the settings, as the core compares them.
fn configuration_differs(
    ctx: &Ctx<'_>,
    s: &LambdaFunctionSettings,
    want: &Wanted,
    config: &FunctionConfiguration,
) -> bool {
    let have = configuration(ctx, s, want, config);
    !vault_core::drift::settings(
        &Settings::LambdaFunction(s.clone()),
        &Settings::LambdaFunction(have),
    )
    .is_empty()
}

fn code_differs(config: &FunctionConfiguration) -> Result<bool, AwsError> {
    Ok(config.code_sha256() != Some(code_sha256(&package()?).as_str()))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &LambdaFunctionSettings,
    id: &str,
) -> Result<(), AwsError> {
    let f = get(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("rotation function {id} is gone")))?;
    let config = f
        .configuration()
        .ok_or_else(|| AwsError::Invalid(format!("rotation function {id} has no configuration")))?;
    let want = Wanted::of(ctx, s)?;
    // One update at a time: Lambda refuses a change while the last one is in progress.
    if configuration_differs(ctx, s, &want, config) {
        updated(ctx, id).await?;
        ctx.call_with(&UPDATE, "UpdateFunctionConfiguration", || {
            ctx.clients
                .lambda
                .update_function_configuration()
                .function_name(id)
                .runtime(Runtime::from(s.runtime.as_str()))
                .role(&want.role)
                .handler(&s.handler)
                .timeout(i32::from(s.timeout_seconds))
                .memory_size(i32::from(s.memory_mb))
                .vpc_config(want.vpc_config())
                .environment(want.environment(s))
                .logging_config(want.logging_config())
                .send()
        })
        .await?;
        updated(ctx, id).await?;
    }
    if code_differs(config)? {
        updated(ctx, id).await?;
        let zip = package()?;
        ctx.call_with(&UPDATE, "UpdateFunctionCode", || {
            ctx.clients
                .lambda
                .update_function_code()
                .function_name(id)
                .zip_file(Blob::new(zip.clone()))
                .send()
        })
        .await?;
        updated(ctx, id).await?;
    }
    Tagged::Lambda(id).sync(ctx, c).await?;
    Ok(())
}

// delete

/// Deletes the function, then waits until Lambda has released its network interfaces. Lambda
/// releases them minutes later and only while the function's role may still delete them; the
/// role is deleted after the function, so waiting here keeps it alive for that, and the subnets
/// and security groups can go right after.
pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete_and_wait(
        &retry::DEFAULT,
        "DeleteFunction",
        || {
            ctx.clients
                .lambda
                .delete_function()
                .function_name(id)
                .send()
        },
        Waiter::new(
            format!("rotation function {id}"),
            &["Active", "Inactive", "Pending"],
            &[GONE],
        ),
        || async { state(ctx, id).await },
    )
    .await?;
    interfaces_released(ctx, function_name(id)).await
}

// waiters

/// Lambda names its interfaces `AWS Lambda VPC ENI-<function name>[-<id>]`. Interfaces it left
/// detached (it could not delete them itself) are deleted here; attached ones are waited for.
async fn interfaces_released(ctx: &Ctx<'_>, function: &str) -> Result<(), AwsError> {
    let description = Filter::builder()
        .name("description")
        .values(format!("AWS Lambda VPC ENI-{function}*"))
        .build();
    ctx.wait(
        Waiter::gone(format!(
            "network interfaces of rotation function {function}"
        )),
        || async {
            let out = ctx
                .call("DescribeNetworkInterfaces", || {
                    ctx.clients
                        .ec2
                        .describe_network_interfaces()
                        .filters(description.clone())
                        .send()
                })
                .await?;
            let interfaces = out.network_interfaces();
            for eni in interfaces {
                if eni.status() == Some(&NetworkInterfaceStatus::Available) {
                    let eni_id = eni.network_interface_id().unwrap_or_default();
                    ctx.call_delete("DeleteNetworkInterface", || {
                        ctx.clients
                            .ec2
                            .delete_network_interface()
                            .network_interface_id(eni_id)
                            .send()
                    })
                    .await?;
                }
            }
            Ok((!interfaces.is_empty()).then(|| EXISTS.to_string()))
        },
    )
    .await?;
    Ok(())
}

/// The function's name: its id is its ARN (`arn:aws:lambda:<region>:<account>:function:<name>`).
fn function_name(id: &str) -> &str {
    id.rsplit(':').next().unwrap_or(id)
}

/// A new function is `Pending` while Lambda sets up its network interfaces.
async fn active(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(
        Waiter::new(format!("rotation function {id}"), &["Pending"], &["Active"]),
        || async { state(ctx, id).await },
    )
    .await?;
    Ok(())
}

/// The last configuration or code change has been applied.
async fn updated(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(
        Waiter::new(
            format!("rotation function {id} update"),
            &["InProgress"],
            &["Successful"],
        ),
        || async {
            Ok(get(ctx, id).await?.map(|f| {
                f.configuration()
                    .and_then(FunctionConfiguration::last_update_status)
                    // No status yet means no update has happened since creation.
                    .map_or("Successful", LastUpdateStatus::as_str)
                    .to_string()
            }))
        },
    )
    .await?;
    Ok(())
}

async fn state(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(get(ctx, id).await?.map(|f| {
        f.configuration()
            .and_then(FunctionConfiguration::state)
            .map_or("Active", |s| s.as_str())
            .to_string()
    }))
}

async fn get(ctx: &Ctx<'_>, id: &str) -> Result<Option<GetFunctionOutput>, AwsError> {
    let result = ctx
        .call("GetFunction", || {
            ctx.clients.lambda.get_function().function_name(id).send()
        })
        .await;
    match result {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
