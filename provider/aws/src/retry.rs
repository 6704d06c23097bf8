//! Waits on named conditions: each classifier recognises one eventual-consistency condition AWS
//! reports as an error (a new role not yet assumable, a key not yet usable, network interfaces
//! still draining), retried with a growing delay within a bounded time. Throttling, 5xx and
//! connection faults are not retried here: the SDK's own retry strategy does that, bounded by the
//! provider's `max_retries` (`config::load_sdk_config`), so attempts never multiply.

use std::future::Future;
use std::time::Duration;

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, SharedRetryClassifier,
};

use crate::clock::Clock;
use crate::error::AwsError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Classifier {
    /// A new IAM role is not yet visible to Lambda (IAM is eventually consistent).
    RoleNotYetAssumable,
    /// A role's new inline policy is not yet seen by Lambda, which checks on create that the
    /// role may manage the function's network interfaces (IAM is eventually consistent).
    RolePermissionsNotYetEffective,
    /// A secret of the same name was deleted and AWS has not released the name yet.
    SecretNameScheduledForDeletion,
    /// A bucket of the same name was deleted moments ago and S3 has not released the name yet
    /// (`OperationAborted`, "A conflicting conditional operation is currently in progress");
    /// terraform-provider-aws retries `CreateBucket` on it too.
    BucketNameNotYetReleased,
    /// A security group or subnet still has Lambda network interfaces draining.
    DependencyViolation,
    /// A new KMS key is not yet usable by the service asked to encrypt with it.
    KmsKeyNotYetUsable,
    /// CloudTrail cannot yet use what a trail delivers through: the role it assumes for
    /// CloudWatch Logs, the key policy or the bucket policy, created moments before (IAM and
    /// resource policies propagate).
    TrailDeliveryNotYetPermitted,
    /// An Aurora cluster or instance is busy (a backup, a maintenance upgrade, a modification
    /// still applying) and RDS refuses to modify it until it is available again.
    DbNotAvailable,
    /// Secrets Manager cannot invoke the rotation function yet: the function's new invoke
    /// permission has not reached Lambda (resource policies propagate). terraform-provider-aws
    /// retries `RotateSecret` on it too.
    InvokePermissionNotYetEffective,
    /// Secrets Manager refuses to configure a secret's rotation while a previous rotation of it
    /// is under way (AWSPENDING on a version other than AWSCURRENT).
    RotationUnderWay,
    /// Lambda is still applying a function's last update: the same update sent again by the
    /// SDK after its response was lost, or one that follows it too closely.
    FunctionUpdateInProgress,
}

impl Classifier {
    pub fn matches(self, e: &AwsError) -> bool {
        let msg = e.message();
        match self {
            Classifier::RoleNotYetAssumable => {
                e.is_code(&["InvalidParameterValueException"])
                    && (msg.contains("cannot be assumed by Lambda")
                        || msg.contains("role defined for the function"))
            }
            Classifier::SecretNameScheduledForDeletion => {
                e.is_code(&["InvalidRequestException"]) && msg.contains("scheduled for deletion")
            }
            Classifier::BucketNameNotYetReleased => e.is_code(&["OperationAborted"]),
            Classifier::DbNotAvailable => {
                e.is_code(&["InvalidDBClusterStateFault", "InvalidDBInstanceState"])
            }
            Classifier::DependencyViolation => {
                e.is_code(&["DependencyViolation", "InvalidDBSubnetGroupStateFault"])
                    || (e.is_code(&["InvalidParameterValue"]) && msg.contains("in use"))
            }
            Classifier::RolePermissionsNotYetEffective => {
                e.is_code(&["InvalidParameterValueException"])
                    && msg.contains("execution role does not have permissions")
            }
            Classifier::KmsKeyNotYetUsable => {
                e.is_code(&["KMSInvalidStateException", "KMSNotFoundException"])
                    || (e.is_code(&["InvalidParameterException", "InvalidParameterCombination"])
                        && msg.contains("KMS"))
                    // CloudWatch Logs' answer while a new key's policy has not reached it:
                    // "The specified KMS key does not exist or is not allowed to be used ...".
                    || (e.is_code(&["AccessDeniedException"]) && msg.contains("KMS key"))
            }
            Classifier::InvokePermissionNotYetEffective => {
                e.is_code(&["AccessDeniedException"]) && msg.contains(CANNOT_INVOKE)
            }
            Classifier::RotationUnderWay => {
                e.is_code(&["InvalidRequestException"]) && msg.contains(ROTATION_UNDER_WAY)
            }
            Classifier::FunctionUpdateInProgress => {
                e.is_code(&["ResourceConflictException"]) && msg.contains("update is in progress")
            }
            Classifier::TrailDeliveryNotYetPermitted => {
                e.is_code(&[
                    "InvalidCloudWatchLogsRoleArnException",
                    "InsufficientEncryptionPolicyException",
                    "InsufficientS3BucketPolicyException",
                ]) || (e.is_code(&["InvalidCloudWatchLogsLogGroupArnException"])
                    && msg.contains("Access denied"))
            }
        }
    }
}

/// What Secrets Manager says when the function's policy does not (yet) let it invoke it.
pub const CANNOT_INVOKE: &str = "cannot invoke the specified Lambda function";

/// What Secrets Manager says when a rotation of the secret is under way ("A previous rotation
/// isn't complete. That rotation will be reattempted.").
pub const ROTATION_UNDER_WAY: &str = "previous rotation isn't complete";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub classifiers: &'static [Classifier],
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// No new attempt starts after this much time.
    pub budget: Duration,
}

/// What every call gets: no named condition, so one call (which the SDK retries on throttling
/// and transient faults).
pub const DEFAULT: RetryPolicy = RetryPolicy {
    classifiers: &[],
    first_delay: Duration::from_millis(500),
    max_delay: Duration::from_secs(20),
    budget: Duration::from_secs(120),
};

/// Deleting a subnet, security group or VPC waits out network interfaces still draining (a
/// deleted Lambda function's take minutes to be released), up to `budget`.
pub const fn interfaces_draining(budget: Duration) -> RetryPolicy {
    RetryPolicy::with(&[Classifier::DependencyViolation], budget)
}

impl RetryPolicy {
    /// Retries the conditions `extra` names, within `budget`.
    pub const fn with(extra: &'static [Classifier], budget: Duration) -> RetryPolicy {
        RetryPolicy {
            classifiers: extra,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
            budget,
        }
    }

    /// This policy with its budget cut to `timeout`, the `timeouts` block's bound on how long
    /// one object may take: a propagation wait is a wait like any other.
    pub fn within(&self, timeout: Duration) -> RetryPolicy {
        RetryPolicy {
            budget: self.budget.min(timeout),
            ..self.clone()
        }
    }

    fn retryable(&self, e: &AwsError) -> bool {
        self.classifiers.iter().any(|c| c.matches(e))
    }

    pub async fn run<T, F, Fut>(&self, clock: &dyn Clock, mut op: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AwsError>>,
    {
        let start = clock.elapsed();
        let mut delay = self.first_delay;
        let mut attempts = 0;
        loop {
            attempts += 1;
            match op().await {
                Ok(v) => return Ok(v),
                Err(e) if self.retryable(&e) && clock.elapsed() - start + delay <= self.budget => {
                    clock.sleep(delay).await;
                    if clock.stopped() {
                        return Err(e.interrupted());
                    }
                    delay = (delay * 2).min(self.max_delay);
                }
                // A refused connection: a few quick attempts, then final.
                Err(e) if e.is_connection_refused() && attempts < REFUSED_CONNECTION_ATTEMPTS => {
                    clock.sleep(Duration::from_secs(u64::from(attempts))).await;
                    if clock.stopped() {
                        return Err(e.interrupted());
                    }
                }
                Err(e) if e.is_connection_refused() => {
                    return Err(AwsError::RetriesExhausted {
                        attempts,
                        over: clock.elapsed() - start,
                        last: Box::new(e),
                    })
                }
                // The condition outlasted the budget: say how long it was waited out.
                Err(e) if self.retryable(&e) && attempts > 1 => {
                    return Err(AwsError::RetriesExhausted {
                        attempts,
                        over: clock.elapsed() - start,
                        last: Box::new(e),
                    })
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// How many attempts a refused connection gets (here, not in the SDK, which would back off for
/// minutes over its 25 retries): enough to ride out an endpoint restarting, short enough that a
/// wrong `endpoints` URL fails within seconds.
pub const REFUSED_CONNECTION_ATTEMPTS: u32 = 3;

/// The SDK-level classifier for errors that will never succeed however often the SDK retries
/// them: credentials that cannot be loaded, and a refused connection (retried briefly by
/// [`RetryPolicy::run`] instead). Access denied and invalid parameters are never retried by the
/// SDK: only throttling, 5xx and transient transport faults are.
#[derive(Debug, Default)]
pub struct NeverSucceeds;

impl NeverSucceeds {
    pub fn shared() -> SharedRetryClassifier {
        SharedRetryClassifier::new(NeverSucceeds)
    }
}

/// What a failed attempt's error chain holds that the SDK's retries cannot change.
#[derive(Debug, PartialEq, Eq)]
pub enum Hopeless {
    NoCredentials,
    ConnectionRefused,
}

pub fn hopeless(e: &(dyn std::error::Error + 'static)) -> Option<Hopeless> {
    let mut next = Some(e);
    while let Some(c) = next {
        if c.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
        {
            return Some(Hopeless::NoCredentials);
        }
        if c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            return Some(Hopeless::ConnectionRefused);
        }
        next = c.source();
    }
    None
}

impl ClassifyRetry for NeverSucceeds {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(err)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let cause: &(dyn std::error::Error + 'static) = match err.as_connector_error() {
            Some(c) => c,
            None => err,
        };
        match hopeless(cause) {
            Some(_) => RetryAction::RetryForbidden,
            None => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "vault: errors that never succeed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn api(code: &str, message: &str) -> AwsError {
        AwsError::Api {
            operation: "Op",
            code: code.into(),
            message: message.into(),
            request_id: None,
        }
    }

    #[test]
    fn a_policy_within_a_shorter_timeout_waits_no_longer_than_it() {
        let role = RetryPolicy::with(&[Classifier::RoleNotYetAssumable], Duration::from_secs(120));
        assert_eq!(
            role.within(Duration::from_secs(15)).budget,
            Duration::from_secs(15)
        );
        assert_eq!(
            role.within(Duration::from_secs(2700)).budget,
            Duration::from_secs(120)
        );
        assert_eq!(
            role.within(Duration::from_secs(15)).classifiers,
            role.classifiers
        );
    }

    #[test]
    fn classifiers_recognise_the_conditions_they_name() {
        assert!(Classifier::FunctionUpdateInProgress.matches(&api(
            "ResourceConflictException",
            "The operation cannot be performed at this time. An update is in progress for \
             resource: arn:aws:lambda:us-east-1:123456789012:function:rotation-dev"
        )));
        assert!(!Classifier::FunctionUpdateInProgress.matches(&api(
            "ResourceConflictException",
            "Function already exist: rotation-dev"
        )));
        assert!(Classifier::RoleNotYetAssumable.matches(&api(
            "InvalidParameterValueException",
            "The role defined for the function cannot be assumed by Lambda."
        )));
        assert!(Classifier::SecretNameScheduledForDeletion.matches(&api(
            "InvalidRequestException",
            "You can't create this secret because a secret with this name is already scheduled for deletion."
        )));
        assert!(Classifier::BucketNameNotYetReleased.matches(&api(
            "OperationAborted",
            "A conflicting conditional operation is currently in progress against this \
             resource. Please try again."
        )));
        assert!(Classifier::DbNotAvailable.matches(&api(
            "InvalidDBClusterStateFault",
            "DB cluster is not available for modification with status modifying"
        )));
        assert!(Classifier::DbNotAvailable.matches(&api(
            "InvalidDBInstanceState",
            "Database instance is not in available state."
        )));
        assert!(!Classifier::BucketNameNotYetReleased.matches(&api(
            "BucketAlreadyExists",
            "The requested bucket name is not available."
        )));
        assert!(Classifier::DependencyViolation.matches(&api(
            "DependencyViolation",
            "resource sg-1 has a dependent object"
        )));
        assert!(!Classifier::RoleNotYetAssumable.matches(&api(
            "InvalidParameterValueException",
            "Runtime not supported"
        )));
        assert!(!Classifier::DependencyViolation.matches(&api("AccessDenied", "no")));
    }

    #[test]
    fn secrets_manager_refused_the_function_is_retried_but_a_refused_caller_is_not() {
        let c = Classifier::InvokePermissionNotYetEffective;
        assert!(c.matches(&api(
            "AccessDeniedException",
            "Secrets Manager cannot invoke the specified Lambda function. Ensure that the \
             function policy grants access to the principal secretsmanager.amazonaws.com."
        )));
        // The credentials themselves lacking secretsmanager:RotateSecret never heals by waiting.
        assert!(!c.matches(&api(
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
             secretsmanager:RotateSecret on resource: secret-dev-database"
        )));
    }

    #[test]
    fn a_rotation_under_way_is_waited_for_but_a_deleted_secret_is_not() {
        let c = Classifier::RotationUnderWay;
        assert!(c.matches(&api(
            "InvalidRequestException",
            "A previous rotation isn't complete. That rotation will be reattempted."
        )));
        assert!(!c.matches(&api(
            "InvalidRequestException",
            "You can't perform this operation on the secret because it was marked for deletion."
        )));
    }

    #[test]
    fn a_trail_whose_role_or_policies_are_not_yet_visible_is_retried() {
        let c = Classifier::TrailDeliveryNotYetPermitted;
        assert!(c.matches(&api(
            "InvalidCloudWatchLogsRoleArnException",
            "Access denied. Check the trust relationships for your role."
        )));
        assert!(c.matches(&api(
            "InsufficientEncryptionPolicyException",
            "Insufficient permissions to access S3 bucket or KMS key."
        )));
        assert!(c.matches(&api(
            "InsufficientS3BucketPolicyException",
            "Incorrect S3 bucket policy is detected for bucket: audit-dev"
        )));
        assert!(c.matches(&api(
            "InvalidCloudWatchLogsLogGroupArnException",
            "Access denied. Verify in IAM that the role has adequate permissions."
        )));
        assert!(!c.matches(&api(
            "InvalidCloudWatchLogsLogGroupArnException",
            "CloudTrail cannot validate the specified log group ARN."
        )));
        assert!(!c.matches(&api("TrailAlreadyExistsException", "exists")));
    }

    #[test]
    fn logs_refusing_a_new_key_whose_policy_it_cannot_see_yet_is_retried() {
        let c = Classifier::KmsKeyNotYetUsable;
        assert!(c.matches(&api(
            "AccessDeniedException",
            "The specified KMS key does not exist or is not allowed to be used with Arn \
             'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x'"
        )));
        assert!(!c.matches(&api(
            "AccessDeniedException",
            "User is not authorized to perform: logs:CreateLogGroup"
        )));
    }

    #[test]
    fn a_role_whose_new_policy_lambda_cannot_see_yet_is_retried() {
        let c = Classifier::RolePermissionsNotYetEffective;
        assert!(c.matches(&api(
            "InvalidParameterValueException",
            "The provided execution role does not have permissions to call CreateNetworkInterface on EC2"
        )));
        assert!(!c.matches(&api(
            "InvalidParameterValueException",
            "Runtime not supported"
        )));
    }

    #[tokio::test]
    async fn a_named_condition_is_retried_until_it_clears() {
        let clock = FakeClock::default();
        let calls = AtomicUsize::new(0);
        let policy =
            RetryPolicy::with(&[Classifier::RoleNotYetAssumable], Duration::from_secs(120));
        let got = policy
            .run(&clock, || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(api(
                        "InvalidParameterValueException",
                        "The role defined for the function cannot be assumed by Lambda.",
                    ))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(got, Ok(7));
        assert_eq!(
            *clock.sleeps.lock().unwrap(),
            [Duration::from_secs(1), Duration::from_secs(2)]
        );
    }

    #[tokio::test]
    async fn a_condition_waited_out_when_the_run_stops_ends_as_interrupted_naming_the_call() {
        let clock = FakeClock::default();
        clock.stop.stop();
        let policy =
            RetryPolicy::with(&[Classifier::RoleNotYetAssumable], Duration::from_secs(120));
        let got: Result<(), _> = policy
            .run(&clock, || async {
                Err(api(
                    "InvalidParameterValueException",
                    "The role defined for the function cannot be assumed by Lambda.",
                ))
            })
            .await;
        assert_eq!(got, Err(AwsError::Interrupted("Op".into())));
    }

    #[tokio::test]
    async fn an_unclassified_error_is_returned_at_once() {
        let clock = FakeClock::default();
        let got: Result<(), _> = DEFAULT
            .run(&clock, || async { Err(api("AccessDenied", "no")) })
            .await;
        assert_eq!(got.unwrap_err().code(), Some("AccessDenied"));
        assert!(clock.sleeps.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn retries_stop_at_the_budget() {
        let clock = FakeClock::default();
        let policy = RetryPolicy::with(&[Classifier::DependencyViolation], Duration::from_secs(60));
        let got: Result<(), _> = policy
            .run(&clock, || async {
                Err(api("DependencyViolation", "in use"))
            })
            .await;
        let e = got.unwrap_err();
        assert!(clock.elapsed() <= policy.budget);
        assert!(
            matches!(e, AwsError::RetriesExhausted { attempts, .. } if attempts > 1),
            "{e}"
        );
        assert_eq!(e.code(), Some("DependencyViolation"));
        assert!(e.to_string().contains("attempts over"), "{e}");
    }

    #[tokio::test]
    async fn a_refused_connection_gets_a_few_quick_attempts_then_says_so() {
        let clock = FakeClock::default();
        let calls = AtomicUsize::new(0);
        let got: Result<(), _> = DEFAULT
            .run(&clock, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(AwsError::Transport {
                    operation: "CreateVpc",
                    message: format!("could not reach AWS: {}", crate::error::REFUSED),
                })
            })
            .await;
        let e = got.unwrap_err();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(clock.elapsed() <= Duration::from_secs(5));
        assert!(e.to_string().contains("3 attempts over 3 s"), "{e}");
    }

    #[tokio::test]
    async fn throttling_is_left_to_the_sdk_and_not_retried_again_here() {
        let clock = FakeClock::default();
        let calls = AtomicUsize::new(0);
        let got: Result<(), _> = DEFAULT
            .run(&clock, || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(api("ThrottlingException", "Rate exceeded"))
            })
            .await;
        assert!(got.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
