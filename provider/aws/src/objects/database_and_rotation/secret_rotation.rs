//! The secret's rotation: the stack's function, every `n` days or on a schedule expression. It
//! is a configuration of the secret, not an object of its own: its id is the secret's ARN, and
//! it is "gone" when the secret's rotation is off.
//!
//! moto (5.2) keeps only `AutomaticallyAfterDays`: it drops `ScheduleExpression` and `Duration`,
//! and turns rotation on only for `AutomaticallyAfterDays > 0`. A schedule-expression rotation
//! therefore reads as not configured against moto. That is what moto reports, so it is what
//! read returns; nothing here pretends otherwise (see the test that pins this).

use std::time::Duration;

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::RotationRulesType;
use vault_core::drift;
use vault_core::model::component::{SecretRotationSettings, Settings};
use vault_core::model::RotationSchedule;

use super::secret::{describe, is_deleted};
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};
use crate::retry::{Classifier, RetryPolicy};
use crate::waiter::{Waiter, GONE};
use vault_core::model::Output;

// find

pub async fn find(ctx: &Ctx<'_>, s: &SecretRotationSettings) -> Result<Option<String>, AwsError> {
    let Some(secret) = ctx.parent(&s.secret) else {
        return Ok(None);
    };
    Ok(configured(ctx, secret)
        .await?
        .and_then(|d| d.arn().map(str::to_string)))
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &SecretRotationSettings) -> Result<String, AwsError> {
    let secret = ctx.id(&s.secret)?;
    rotate(
        ctx,
        s,
        secret,
        s.rotate_immediately || s.first_rotation_at_once,
    )
    .await?;
    Ok(secret.to_string())
}

/// A function's new invoke permission usually reaches Lambda within seconds, rarely a minute.
const PERMISSION_PROPAGATION: RetryPolicy = RetryPolicy::with(
    &[Classifier::InvokePermissionNotYetEffective],
    Duration::from_secs(120),
);

/// A rotation under way (the first one at create, a scheduled one, one started by hand) takes
/// seconds when it works; one that keeps failing is reattempted by Secrets Manager for much
/// longer, and is not waited out beyond this.
const PREVIOUS_ROTATION: RetryPolicy =
    RetryPolicy::with(&[Classifier::RotationUnderWay], Duration::from_secs(300));

/// Configures rotation. Secrets Manager then checks the function by invoking its `testSecret`
/// step (or runs a whole rotation when `immediately`), under the function's invoke
/// permission, which the rotation follows but which may not be honoured yet; moto "invokes" it
/// too, which without Docker only records an error in the function's log group and succeeds.
///
/// AWS refuses `RotateSecret` while a previous rotation of the secret is under way. If the
/// secret is already configured as wanted, the rotation under way is this configuration's own
/// (its response lost, the SDK sent it again) and there is nothing left to do; otherwise the
/// configuration waits for it to end.
async fn rotate(
    ctx: &Ctx<'_>,
    s: &SecretRotationSettings,
    secret: &str,
    immediately: bool,
) -> Result<(), AwsError> {
    let function = ctx.id(&s.function)?;
    let rules = rules(&s.schedule);
    let send = || {
        ctx.call_with(&PERMISSION_PROPAGATION, "RotateSecret", || {
            ctx.clients
                .secretsmanager
                .rotate_secret()
                .secret_id(secret)
                .rotation_lambda_arn(function)
                .rotation_rules(rules.clone())
                .rotate_immediately(immediately)
                .send()
        })
    };
    PREVIOUS_ROTATION
        .within(ctx.timeout)
        .run(ctx.clock, || async {
            match send().await {
                Ok(_) => Ok(()),
                // Compared as drift is: the same function and schedule.
                Err(e) if Classifier::RotationUnderWay.matches(&e) => {
                    let want = Settings::SecretRotation(s.clone());
                    match read(ctx, s, secret).await? {
                        Some(o) if drift::settings(&want, &o.observation.settings).is_empty() => {
                            Ok(())
                        }
                        _ => Err(e),
                    }
                }
                Err(e) => Err(e),
            }
        })
        .await
}

fn rules(schedule: &RotationSchedule) -> RotationRulesType {
    match schedule {
        RotationSchedule::AfterDays(days) => RotationRulesType::builder()
            .automatically_after_days(i64::from(*days))
            .build(),
        RotationSchedule::Expression {
            expression,
            duration,
        } => RotationRulesType::builder()
            .schedule_expression(expression)
            .set_duration(duration.clone())
            .build(),
    }
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &SecretRotationSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(d) = configured(ctx, id).await? else {
        return Ok(None);
    };
    let settings = SecretRotationSettings {
        // The rotation is read from this secret: its id names it.
        secret: s.secret.clone(),
        function: ctx.reference(&s.function, d.rotation_lambda_arn()),
        schedule: schedule_of(d.rotation_rules()),
        // Act only when the rotation is configured: nothing AWS holds.
        rotate_immediately: s.rotate_immediately,
        first_rotation_at_once: s.first_rotation_at_once,
    };
    let mut o = Observed::new(Settings::SecretRotation(settings));
    if let Some(f) = d.rotation_lambda_arn() {
        o.output(Output::LambdaArn, f);
    }
    Ok(Some(o))
}

/// The schedule as Secrets Manager reports it: an expression when it shows one (also the rate
/// it shows for a number of days, which the core takes as those days), else the days.
fn schedule_of(rules: Option<&RotationRulesType>) -> RotationSchedule {
    match rules.and_then(RotationRulesType::schedule_expression) {
        Some(expression) => RotationSchedule::Expression {
            expression: expression.to_string(),
            duration: rules
                .and_then(RotationRulesType::duration)
                .map(str::to_string),
        },
        None => RotationSchedule::AfterDays(
            rules
                .and_then(RotationRulesType::automatically_after_days)
                .and_then(|d| u16::try_from(d).ok())
                .unwrap_or(0),
        ),
    }
}

// update

/// RotateSecret again: it replaces the function and the rules. It rotates at once only when
/// `rotate_immediately` asks: the application secret's first rotation is done or under way, and
/// Secrets Manager reattempts it if it failed.
pub async fn update(ctx: &Ctx<'_>, s: &SecretRotationSettings, id: &str) -> Result<(), AwsError> {
    rotate(ctx, s, id, s.rotate_immediately).await
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let result = ctx
        .call("CancelRotateSecret", || {
            ctx.clients
                .secretsmanager
                .cancel_rotate_secret()
                .secret_id(id)
                .send()
        })
        .await;
    match result {
        Err(e) if e.is_not_found() || is_deleted(&e) || never_configured(&e) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => {
            ctx.wait(
                Waiter::new(format!("rotation of {id}"), &["enabled"], &[GONE]),
                || async { Ok(configured(ctx, id).await?.map(|_| "enabled".to_string())) },
            )
            .await?;
            Ok(())
        }
    }
}

/// Cancelling the rotation of a secret that never had a rotation function.
fn never_configured(e: &AwsError) -> bool {
    e.is_code(&["InvalidRequestException"])
        && e.message()
            .contains("doesn't already have a Lambda function ARN")
}

// waiters

/// The secret, when its rotation is on.
async fn configured(ctx: &Ctx<'_>, secret: &str) -> Result<Option<DescribeSecretOutput>, AwsError> {
    Ok(describe(ctx, secret)
        .await?
        .filter(|d| d.rotation_enabled() == Some(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn have(days: Option<i64>, expression: Option<&str>) -> RotationRulesType {
        RotationRulesType::builder()
            .set_automatically_after_days(days)
            .set_schedule_expression(expression.map(str::to_string))
            .build()
    }

    /// The drift lines between a wanted schedule and what Secrets Manager reports.
    fn drift(want: &RotationSchedule, have: Option<&RotationRulesType>) -> Vec<String> {
        let rotation = |schedule| {
            Settings::SecretRotation(SecretRotationSettings {
                secret: "secret".into(),
                function: "lambda_function".into(),
                schedule,
                rotate_immediately: false,
                first_rotation_at_once: false,
            })
        };
        vault_core::drift::settings(&rotation(want.clone()), &rotation(schedule_of(have)))
    }

    #[test]
    fn days_match_days_or_the_equivalent_rate() {
        let want = RotationSchedule::AfterDays(30);
        assert!(drift(&want, Some(&have(Some(30), None))).is_empty());
        assert!(drift(&want, Some(&have(Some(30), Some("rate(30 days)")))).is_empty());
        assert_eq!(drift(&want, Some(&have(Some(7), None))).len(), 1);
        assert_eq!(drift(&want, None).len(), 1);
    }

    #[test]
    fn an_expression_must_be_kept_and_its_window_when_one_is_set() {
        let want = RotationSchedule::Expression {
            expression: "cron(0 4 ? * SUN *)".into(),
            duration: Some("3h".into()),
        };
        let mut rules = have(None, Some("cron(0 4 ? * SUN *)"));
        assert_eq!(drift(&want, Some(&rules)).len(), 1, "no window");
        rules = RotationRulesType::builder()
            .schedule_expression("cron(0 4 ? * SUN *)")
            .duration("3h")
            .build();
        assert!(drift(&want, Some(&rules)).is_empty());
        // Days instead of the expression: one line, naming both schedules.
        assert_eq!(
            drift(&want, Some(&have(Some(30), None))),
            ["rotation schedule every 30 days, want cron(0 4 ? * SUN *) (window 3h)"]
        );
    }
}
