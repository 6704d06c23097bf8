//! The secret's rotation: the stack's function, every `n` days or on a schedule expression. It
//! is a configuration of the secret, not an object of its own: its id is the secret's ARN, and
//! it is "gone" when the secret's rotation is off.
//!
//! moto (5.2) keeps only `AutomaticallyAfterDays`: it drops `ScheduleExpression` and `Duration`,
//! and turns rotation on only for `AutomaticallyAfterDays > 0`. A schedule-expression rotation
//! therefore reads as not configured against moto. That is what moto reports, so it is what
//! read returns; nothing here pretends otherwise (see the test that pins this).

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::RotationRulesType;
use vault_core::model::component::SecretRotationSettings;
use vault_core::model::RotationSchedule;

use super::secret::{describe, is_deleted};
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, GONE};
use vault_core::model::Output;

// find

pub async fn find(ctx: &Ctx<'_>, s: &SecretRotationSettings) -> Result<Option<String>, AwsError> {
    let secret = ctx.id(&s.secret)?;
    Ok(configured(ctx, secret)
        .await?
        .and_then(|d| d.arn().map(str::to_string)))
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &SecretRotationSettings) -> Result<String, AwsError> {
    let secret = ctx.id(&s.secret)?;
    rotate(ctx, s, secret).await?;
    Ok(secret.to_string())
}

/// Configures rotation. Secrets Manager then checks the function by invoking its `testSecret`
/// step (or runs a whole rotation when `rotate_immediately`); moto "invokes" it too, which
/// without Docker only records an error in the function's log group and succeeds.
async fn rotate(ctx: &Ctx<'_>, s: &SecretRotationSettings, secret: &str) -> Result<(), AwsError> {
    let function = ctx.id(&s.function)?;
    let rules = rules(&s.schedule);
    ctx.call("RotateSecret", || {
        ctx.clients
            .secretsmanager
            .rotate_secret()
            .secret_id(secret)
            .rotation_lambda_arn(function)
            .rotation_rules(rules.clone())
            .rotate_immediately(s.rotate_immediately)
            .send()
    })
    .await?;
    Ok(())
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
    let function = ctx.id(&s.function)?;
    let mut o = Observed::default();
    match d.rotation_lambda_arn() {
        Some(f) if f == function => {}
        f => o.drift.push(format!(
            "rotation function {:?}, want {function}",
            f.unwrap_or("")
        )),
    }
    o.drift
        .extend(schedule_drift(&s.schedule, d.rotation_rules()));
    if let Some(f) = d.rotation_lambda_arn() {
        o.outputs.insert(Output::LambdaArn, f.to_string());
    }
    Ok(Some(o))
}

fn schedule_drift(want: &RotationSchedule, have: Option<&RotationRulesType>) -> Vec<String> {
    let days = have.and_then(RotationRulesType::automatically_after_days);
    let expression = have.and_then(RotationRulesType::schedule_expression);
    let mut drift = Vec::new();
    match want {
        RotationSchedule::AfterDays(n) => {
            if days != Some(i64::from(*n)) {
                drift.push(format!("rotation every {days:?} days, want {n}"));
            }
            // AWS may also show the days as an equivalent rate expression.
            if let Some(e) = expression.filter(|e| *e != format!("rate({n} days)")) {
                drift.push(format!("rotation schedule {e:?}, want every {n} days"));
            }
        }
        RotationSchedule::Expression {
            expression: want_expression,
            duration,
        } => {
            if expression != Some(want_expression.as_str()) {
                drift.push(format!(
                    "rotation schedule {expression:?}, want {want_expression}"
                ));
            }
            let have_duration = have.and_then(RotationRulesType::duration);
            if let Some(d) = duration.as_deref().filter(|d| have_duration != Some(*d)) {
                drift.push(format!("rotation window {have_duration:?}, want {d}"));
            }
        }
    }
    drift
}

// update

/// RotateSecret again: it replaces the function and the rules.
pub async fn update(ctx: &Ctx<'_>, s: &SecretRotationSettings, id: &str) -> Result<(), AwsError> {
    rotate(ctx, s, id).await
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

    #[test]
    fn days_match_days_or_the_equivalent_rate() {
        let want = RotationSchedule::AfterDays(30);
        assert!(schedule_drift(&want, Some(&have(Some(30), None))).is_empty());
        assert!(schedule_drift(&want, Some(&have(Some(30), Some("rate(30 days)")))).is_empty());
        assert_eq!(schedule_drift(&want, Some(&have(Some(7), None))).len(), 1);
        assert_eq!(schedule_drift(&want, None).len(), 1);
    }

    #[test]
    fn an_expression_must_be_kept_and_its_window_when_one_is_set() {
        let want = RotationSchedule::Expression {
            expression: "cron(0 4 ? * SUN *)".into(),
            duration: Some("3h".into()),
        };
        let mut rules = have(None, Some("cron(0 4 ? * SUN *)"));
        assert_eq!(schedule_drift(&want, Some(&rules)).len(), 1, "no window");
        rules = RotationRulesType::builder()
            .schedule_expression("cron(0 4 ? * SUN *)")
            .duration("3h")
            .build();
        assert!(schedule_drift(&want, Some(&rules)).is_empty());
        // Days instead of the expression: neither the expression nor the window is there.
        assert_eq!(schedule_drift(&want, Some(&have(Some(30), None))).len(), 2);
    }
}
