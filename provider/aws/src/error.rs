//! Errors of the AWS layer. API errors keep AWS's code, so retry classifiers and finders can
//! match on it; messages never carry request parameters (passwords travel only in requests).

use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Where the least-privilege policy for the principal running Terraform is published; every
/// access-denied error points there.
pub const DEPLOYER_POLICY_HINT: &str = "The deployer policy lists every permission the provider \
     needs: data source vault_policy_document, attribute deployer_policy_json.";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    /// AWS answered with an error: the operation, AWS's code and message, and the request id
    /// to quote to AWS Support.
    #[error("{}", api_sentence(operation, code, message, request_id.as_deref()))]
    Api {
        operation: &'static str,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    /// No answer from AWS: `message` says what could not be reached and why, in plain words.
    #[error("{operation} failed: {message}")]
    Transport {
        operation: &'static str,
        message: String,
    },
    #[error(
        "timed out after {} waiting for {what} to become {target} (last seen: {last})",
        human_duration(*waited)
    )]
    Timeout {
        what: String,
        target: String,
        last: String,
        waited: Duration,
    },
    /// A condition the provider waits out (a new role not yet assumable, ...) outlasted its
    /// retry budget.
    #[error(
        "{last} (still so after {attempts} attempts over {})",
        human_duration(*over)
    )]
    RetriesExhausted {
        attempts: u32,
        over: Duration,
        last: Box<AwsError>,
    },
    #[error("{what} reached state {state}, which it cannot leave on its own")]
    UnexpectedState { what: String, state: String },
    /// Terraform asked the provider to stop (Ctrl-C) while this was under way.
    #[error("interrupted: Terraform asked the provider to stop before {0} finished")]
    Interrupted(String),
    /// Another working directory holds the stack's claim ([`crate::claim`]).
    #[error(
        "the stack with environment_suffix {suffix:?} belongs to another Terraform working \
         directory ({owner}), which created it or is creating it; nothing was created or \
         changed. Use another environment_suffix, or run the apply from that directory. To take \
         the stack over deliberately, import it: terraform import vault_secrets_stack.<name> \
         {suffix}"
    )]
    Claimed { suffix: String, owner: String },
    #[error("{0}")]
    Invalid(String),
}

/// What an AWS error means to the provider, whatever the service's spelling of it. Decided once,
/// here, from the error code every SDK error carries (`ProvideErrorMetadata`), so no object
/// module matches codes of its own for these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The object does not exist (or no longer does): finders and reads answer `None`, deletes
    /// succeed.
    NotFound,
    /// An object of that name (or that exact rule) exists already.
    AlreadyExists,
    /// Request rate exceeded.
    Throttled,
    /// Something else still uses the object (network interfaces in a subnet, say).
    DependencyViolation,
    /// The caller's credentials do not allow the call.
    AccessDenied,
    /// An account quota on how many objects of a kind there may be (VPCs per region, trails
    /// per region, ...): waiting does not help; deleting unused objects or a raised quota does.
    QuotaExceeded,
    /// Anything else: bad input, a state conflict, a service fault.
    Other,
}

impl ErrorKind {
    pub fn of_code(code: &str) -> ErrorKind {
        const NOT_FOUND: &[&str] = &[
            "NoSuchEntity",
            "NoSuchEntityException",
            "NoSuchBucket",
            "NotFoundException",
            "ResourceNotFoundException",
            "TrailNotFoundException",
        ];
        const ALREADY_EXISTS: &[&str] = &[
            "BucketAlreadyOwnedByYou",
            "ResourceExistsException",
            // A CreateSubnet retried after a lost response meets its own CIDR in our VPC.
            "InvalidSubnet.Conflict",
            // An AssociateRouteTable retried after a lost response.
            "Resource.AlreadyAssociated",
        ];
        const THROTTLED: &[&str] = &[
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestLimitExceeded",
            "TooManyRequestsException",
            "RequestThrottled",
            "RequestThrottledException",
            "SlowDown",
            "PriorRequestNotComplete",
        ];
        const ACCESS_DENIED: &[&str] = &[
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "AuthFailure",
        ];
        const QUOTA_EXCEEDED: &[&str] = &[
            "VpcLimitExceeded",
            "SubnetLimitExceeded",
            "SecurityGroupLimitExceeded",
            "RulesPerSecurityGroupLimitExceeded",
            "RouteTableLimitExceeded",
            "VpcEndpointLimitExceeded",
            "NetworkInterfaceLimitExceeded",
            "MaximumNumberOfTrailsExceededException",
            "TooManyBuckets",
            "CodeStorageExceededException",
            // IAM (roles, policies per account), KMS, Logs, Secrets Manager.
            "LimitExceeded",
            "LimitExceededException",
        ];
        // EC2 spells it `InvalidVpcID.NotFound`, RDS `DBClusterNotFoundFault`.
        let not_found = NOT_FOUND.contains(&code)
            || code.ends_with(".NotFound")
            || (code.starts_with("DB")
                && (code.ends_with("NotFound") || code.ends_with("NotFoundFault")));
        if not_found {
            ErrorKind::NotFound
        } else if ALREADY_EXISTS.contains(&code)
            || code.contains("AlreadyExists")
            || code.ends_with(".Duplicate")
        {
            ErrorKind::AlreadyExists
        } else if THROTTLED.contains(&code) {
            ErrorKind::Throttled
        } else if code == "DependencyViolation" {
            ErrorKind::DependencyViolation
        } else if ACCESS_DENIED.contains(&code) {
            ErrorKind::AccessDenied
        } else if QUOTA_EXCEEDED.contains(&code)
            // RDS: `DBClusterQuotaExceededFault`, `InstanceQuotaExceeded`, `StorageQuotaExceeded`.
            || code.contains("QuotaExceeded")
        {
            ErrorKind::QuotaExceeded
        } else {
            ErrorKind::Other
        }
    }
}

impl AwsError {
    /// This error as the interruption of the call it came from: a retry given up because
    /// Terraform asked the provider to stop (Ctrl-C) reports the stop, not the condition it was
    /// waiting out (a role not yet assumable, say), which would read as the apply's failure.
    pub fn interrupted(self) -> AwsError {
        match self {
            AwsError::Api { operation, .. } | AwsError::Transport { operation, .. } => {
                AwsError::Interrupted(operation.to_string())
            }
            AwsError::RetriesExhausted { last, .. } => last.interrupted(),
            AwsError::Interrupted(what) => AwsError::Interrupted(what),
            other => AwsError::Interrupted(other.to_string()),
        }
    }

    /// What the error means; only API errors have a kind other than [`ErrorKind::Other`].
    pub fn kind(&self) -> ErrorKind {
        match self.code() {
            // Lambda answers a create of a function or permission statement that exists, and an
            // update while another one runs, with this one code: the message tells them apart
            // ("Function already exist: ...", "The statement id (...) provided already exists").
            Some("ResourceConflictException") if self.message().contains("already exist") => {
                ErrorKind::AlreadyExists
            }
            Some(code) => ErrorKind::of_code(code),
            None => ErrorKind::Other,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Api { code, .. } => Some(code),
            AwsError::RetriesExhausted { last, .. } => last.code(),
            _ => None,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            AwsError::Api { message, .. } | AwsError::Transport { message, .. } => message,
            AwsError::RetriesExhausted { last, .. } => last.message(),
            _ => "",
        }
    }

    /// The endpoint refused the connection: retried briefly, then final.
    pub fn is_connection_refused(&self) -> bool {
        matches!(self, AwsError::Transport { message, .. } if message.contains(REFUSED))
    }

    pub fn is_code(&self, codes: &[&str]) -> bool {
        self.code().is_some_and(|c| codes.contains(&c))
    }
}

/// A lookup's result with "does not exist" as `None` rather than an error.
pub fn found<T>(result: Result<T, AwsError>) -> Result<Option<T>, AwsError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A value a successful call must return (`what`: "id", "ARN"); its absence is AWS's fault,
/// reported as such rather than unwrapped.
pub fn returned(operation: &str, what: &str, value: Option<&str>) -> Result<String, AwsError> {
    value
        .map(str::to_string)
        .ok_or_else(|| AwsError::Invalid(format!("{operation} returned no {what}")))
}

/// Turns an SDK error into an [`AwsError`] naming the operation.
pub fn api<E, R>(operation: &'static str) -> impl FnOnce(SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    move |e| match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            AwsError::Api {
                operation,
                code: err.code().unwrap_or("Unknown").to_string(),
                message: err.message().unwrap_or("").to_string(),
                request_id: err.meta().extra("aws_request_id").map(str::to_string),
            }
        }
        SdkError::TimeoutError(_) => AwsError::Transport {
            operation,
            message: "AWS did not answer before the request's timeout".into(),
        },
        SdkError::ResponseError(_) => AwsError::Transport {
            operation,
            message: format!(
                "AWS's answer could not be read: {}",
                std::error::Error::source(&e)
                    .map(transport_cause)
                    .unwrap_or_else(|| "it was malformed".into())
            ),
        },
        _ => AwsError::Transport {
            operation,
            message: format!(
                "could not reach AWS: {}",
                std::error::Error::source(&e)
                    .map(transport_cause)
                    .unwrap_or_else(|| "no response".into())
            ),
        },
    }
}

/// Why a request got no answer, in plain words, from the causes under an SDK error. Only
/// `Display` of the innermost cause is ever quoted (never `Debug`).
pub fn transport_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = vec![e];
    while let Some(next) = chain.last().and_then(|c| c.source()) {
        chain.push(next);
    }
    let io_kind = chain
        .iter()
        .find_map(|c| c.downcast_ref::<std::io::Error>().map(std::io::Error::kind));
    let credentials = chain.iter().any(|c| {
        c.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
    });
    let text: Vec<String> = chain.iter().map(|c| c.to_string()).collect();
    let innermost = text.last().cloned().unwrap_or_default();
    let any = |needle: &str| text.iter().any(|t| t.to_ascii_lowercase().contains(needle));
    if credentials {
        format!("no AWS credentials could be loaded ({innermost})")
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        REFUSED.into()
    } else if any("dns error") || any("failed to lookup address") {
        "the endpoint's host name could not be resolved (DNS)".into()
    } else if io_kind == Some(std::io::ErrorKind::TimedOut) || any("timed out") || any("timeout") {
        "the connection timed out".into()
    } else if any("certificate") || any("tls") {
        format!("the TLS handshake failed ({innermost})")
    } else if io_kind.is_some() {
        format!("the connection failed ({innermost})")
    } else {
        innermost
    }
}

/// A refused connection, as [`transport_cause`] says it.
pub const REFUSED: &str =
    "the connection was refused (nothing listens at the endpoint's address and port)";

/// `2 s`, `1 min 30 s`: durations as people write them.
pub fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return format!("{} ms", d.as_millis());
    }
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

fn api_sentence(operation: &str, code: &str, message: &str, request_id: Option<&str>) -> String {
    let mut out = format!("{operation} failed: {code}");
    if !message.is_empty() {
        out.push_str(": ");
        out.push_str(message.trim_end_matches('.'));
    }
    out.push('.');
    match ErrorKind::of_code(code) {
        // Not the caller refused but Secrets Manager, by the rotation function's resource policy.
        ErrorKind::AccessDenied if message.contains(crate::retry::CANNOT_INVOKE) => out.push_str(
            " The rotation function's resource policy does not let Secrets Manager invoke it for \
             this secret: the stack's statement (component lambda_permission/secretsmanager, or \
             lambda_permission/app for the application secret) was removed or changed outside \
             Terraform, or an organisation policy denies it. The next apply adds a missing \
             statement again.",
        ),
        _ if message.contains(crate::retry::ROTATION_UNDER_WAY) => out.push_str(
            " A rotation of this secret started earlier has not finished, and Secrets Manager \
             reattempts one that fails: data source vault_rotation_status and the rotation \
             function's log group show why it stalls. Run apply again once it has finished.",
        ),
        ErrorKind::AccessDenied => {
            let (action, resource) = refused(operation, message);
            out.push_str(&format!(
                " The credentials lack {action} on {resource}. {DEPLOYER_POLICY_HINT}"
            ));
        }
        ErrorKind::QuotaExceeded => out.push_str(&format!(" {}", quota_hint(code))),
        _ => {}
    }
    if let Some(id) = request_id {
        out.push_str(&format!(" (request id {id})"));
    }
    out
}

/// What to do about an exceeded quota: retrying does not help, so the apply stops (what it
/// made so far stays in state, and the apply's error says so).
fn quota_hint(code: &str) -> String {
    match code {
        "MaximumNumberOfTrailsExceededException" => format!(
            "CloudTrail allows {} trails per region and AWS does not raise that quota: delete a \
             trail that is no longer used, or set audit {{ cloudtrail = false }} when an \
             organisation trail already records this account's management events.",
            vault_core::defaults::TRAILS_PER_REGION
        ),
        _ => "This is a quota of the AWS account: delete objects of this kind that are no longer \
             used, or ask for a higher quota in the Service Quotas console."
            .to_string(),
    }
}

/// The IAM action and resource an access-denied error is about: from AWS's message ("... is not
/// authorized to perform: ec2:CreateVpc on resource: arn:...") where it says, otherwise the
/// action the operation needs and "the resource it names".
pub fn refused(operation: &str, message: &str) -> (String, String) {
    let word_after = |marker: &str| {
        message.find(marker).map(|i| {
            message[i + marker.len()..]
                .trim_start()
                .split(|c: char| c.is_whitespace() || c == ',')
                .next()
                .unwrap_or("")
                .trim_end_matches(['.', ';'])
                .to_string()
        })
    };
    let action = word_after("to perform:")
        .filter(|a| a.contains(':'))
        .unwrap_or_else(|| {
            let actions = vault_core::policy::deployer::actions_of_operation(operation);
            if actions.is_empty() {
                format!("the permission for {operation}")
            } else {
                actions.join(" or ")
            }
        });
    let resource = word_after("on resource:")
        .filter(|r| r.starts_with("arn:") || r == "*")
        .unwrap_or_else(|| "the resource it names".to_string());
    (action, resource)
}

#[cfg(test)]
mod tests {
    use super::AwsError;
    use super::ErrorKind::{self, *};

    #[test]
    fn every_services_not_found_spelling_means_not_found() {
        for code in [
            "InvalidVpcID.NotFound",
            "InvalidGroup.NotFound",
            "InvalidVpcEndpointId.NotFound",
            "DBClusterNotFoundFault",
            "DBInstanceNotFound",
            "DBSubnetGroupNotFoundFault",
            "DBClusterParameterGroupNotFound",
            "NoSuchEntity",
            "NotFoundException",
            "ResourceNotFoundException",
            "TrailNotFoundException",
            "NoSuchBucket",
        ] {
            assert_eq!(ErrorKind::of_code(code), NotFound, "{code}");
        }
    }

    #[test]
    fn a_sub_configuration_that_is_missing_is_not_the_object_missing() {
        // A bucket without tags or a policy still exists.
        assert_eq!(ErrorKind::of_code("NoSuchTagSet"), Other);
        assert_eq!(ErrorKind::of_code("NoSuchBucketPolicy"), Other);
        assert_eq!(ErrorKind::of_code("KMSInvalidStateException"), Other);
    }

    #[test]
    fn conflicts_throttling_and_denials_are_named() {
        assert_eq!(
            ErrorKind::of_code("InvalidPermission.Duplicate"),
            AlreadyExists
        );
        assert_eq!(
            ErrorKind::of_code("DBClusterAlreadyExistsFault"),
            AlreadyExists
        );
        assert_eq!(
            ErrorKind::of_code("ResourceAlreadyExistsException"),
            AlreadyExists
        );
        // What a create retried after its lost response meets.
        assert_eq!(ErrorKind::of_code("InvalidSubnet.Conflict"), AlreadyExists);
        let lambda = |message: &str| AwsError::Api {
            operation: "CreateFunction",
            code: "ResourceConflictException".into(),
            message: message.into(),
            request_id: None,
        };
        assert_eq!(
            lambda("Function already exist: rotation-dev").kind(),
            AlreadyExists
        );
        assert_eq!(
            lambda("The statement id (secretsmanager) provided already exists.").kind(),
            AlreadyExists
        );
        assert_eq!(
            lambda("The operation cannot be performed at this time. An update is in progress")
                .kind(),
            Other
        );
        assert_eq!(
            ErrorKind::of_code("Resource.AlreadyAssociated"),
            AlreadyExists
        );
        assert_eq!(ErrorKind::of_code("RequestLimitExceeded"), Throttled);
        assert_eq!(
            ErrorKind::of_code("DependencyViolation"),
            DependencyViolation
        );
        assert_eq!(ErrorKind::of_code("AccessDeniedException"), AccessDenied);
    }
}

#[cfg(test)]
mod rendering {
    use std::time::Duration;

    use super::*;

    /// Traces of Rust's `{:?}` rendering: struct and enum syntax, quoted field values, `Some(`.
    fn debug_marks(text: &str) -> Vec<&'static str> {
        [
            "{ ",
            " }",
            "Some(",
            "None",
            "kind: ",
            ", source: ",
            "Error {",
            "DispatchFailure",
            "ConnectorError",
            "\\\"",
            "Os {",
            "Duration",
        ]
        .into_iter()
        .filter(|m| text.contains(m))
        .collect()
    }

    fn refused_io() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::ConnectionRefused)
    }

    #[test]
    fn every_error_kind_reads_as_one_sentence_without_debug_formatting() {
        let service = AwsError::Api {
            operation: "CreateVpc",
            code: "VpcLimitExceeded".into(),
            message: "The maximum number of VPCs has been reached.".into(),
            request_id: Some("7a62c49f-347e-4fc4-9331-6e8eEXAMPLE".into()),
        };
        let denied = AwsError::Api {
            operation: "CreateVpc",
            code: "UnauthorizedOperation".into(),
            message: "You are not authorized to perform this operation. User: \
                      arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                      ec2:CreateVpc on resource: arn:aws:ec2:us-east-1:123456789012:vpc/* \
                      because no identity-based policy allows the ec2:CreateVpc action"
                .into(),
            request_id: Some("req-1".into()),
        };
        let transport = AwsError::Transport {
            operation: "CreateVpc",
            message: format!("could not reach AWS: {}", transport_cause(&refused_io())),
        };
        let timeout = AwsError::Timeout {
            what: "cluster aurora-dev".into(),
            target: "available".into(),
            last: "creating".into(),
            waited: Duration::from_secs(95),
        };
        let exhausted = AwsError::RetriesExhausted {
            attempts: 7,
            over: Duration::from_secs(120),
            last: Box::new(AwsError::Api {
                operation: "DeleteSubnet",
                code: "DependencyViolation".into(),
                message: "The subnet has dependencies and cannot be deleted.".into(),
                request_id: None,
            }),
        };
        for e in [&service, &denied, &transport, &timeout, &exhausted] {
            let text = e.to_string();
            assert!(
                debug_marks(&text).is_empty(),
                "{:?} in {text}",
                debug_marks(&text)
            );
            assert!(!text.contains('\n'), "one line: {text}");
        }
        let s = service.to_string();
        for part in [
            "CreateVpc",
            "VpcLimitExceeded",
            "maximum number",
            "7a62c49f",
        ] {
            assert!(s.contains(part), "{part} missing from {s}");
        }
        assert!(transport.to_string().contains("connection was refused"));
        assert!(timeout.to_string().contains("1 min 35 s"));
        let x = exhausted.to_string();
        assert!(x.contains("7 attempts over 2 min"), "{x}");
    }

    #[test]
    fn exceeded_quotas_are_named_apart_from_throttling_and_say_what_to_do() {
        for code in [
            "VpcLimitExceeded",
            "MaximumNumberOfTrailsExceededException",
            "DBClusterQuotaExceededFault",
            "InstanceQuotaExceeded",
            "LimitExceeded",
        ] {
            assert_eq!(ErrorKind::of_code(code), ErrorKind::QuotaExceeded, "{code}");
        }
        // Request rates are throttling, whatever the word "Limit" in them.
        assert_eq!(
            ErrorKind::of_code("RequestLimitExceeded"),
            ErrorKind::Throttled
        );
        let vpcs = AwsError::Api {
            operation: "CreateVpc",
            code: "VpcLimitExceeded".into(),
            message: "The maximum number of VPCs has been reached.".into(),
            request_id: None,
        }
        .to_string();
        assert!(vpcs.contains("Service Quotas"), "{vpcs}");
        let trails = AwsError::Api {
            operation: "CreateTrail",
            code: "MaximumNumberOfTrailsExceededException".into(),
            message: "User: 123456789012 already has 5 trails in us-east-1.".into(),
            request_id: None,
        }
        .to_string();
        assert!(trails.contains("audit { cloudtrail = false }"), "{trails}");
        assert!(!trails.contains("Service Quotas"), "not raisable: {trails}");
    }

    #[test]
    fn secrets_manager_refused_the_function_names_its_policy_not_the_credentials() {
        let e = AwsError::Api {
            operation: "RotateSecret",
            code: "AccessDeniedException".into(),
            message: "Secrets Manager cannot invoke the specified Lambda function. Ensure that \
                      the function policy grants access to the principal \
                      secretsmanager.amazonaws.com."
                .into(),
            request_id: None,
        };
        let said = e.to_string();
        assert!(said.contains("lambda_permission/secretsmanager"), "{said}");
        assert!(!said.contains("The credentials lack"), "{said}");
    }

    #[test]
    fn access_denied_names_the_action_the_resource_and_the_deployer_policy() {
        let denied = AwsError::Api {
            operation: "CreateVpc",
            code: "UnauthorizedOperation".into(),
            message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                      ec2:CreateVpc on resource: arn:aws:ec2:us-east-1:123456789012:vpc/* \
                      because no identity-based policy allows the ec2:CreateVpc action"
                .into(),
            request_id: None,
        }
        .to_string();
        assert!(
            denied.contains("lack ec2:CreateVpc on arn:aws:ec2:us-east-1:123456789012:vpc/*"),
            "{denied}"
        );
        assert!(denied.contains("deployer_policy_json"), "{denied}");
        // Without AWS's detail, the action comes from the operation.
        let bare = AwsError::Api {
            operation: "HeadBucket",
            code: "AccessDenied".into(),
            message: "Access Denied".into(),
            request_id: None,
        }
        .to_string();
        assert!(bare.contains("lack s3:ListBucket"), "{bare}");
    }

    #[test]
    fn transport_causes_are_said_in_plain_words() {
        assert!(transport_cause(&refused_io()).contains("connection was refused"));
        let timed_out = std::io::Error::from(std::io::ErrorKind::TimedOut);
        assert_eq!(transport_cause(&timed_out), "the connection timed out");
        let creds = aws_credential_types::provider::error::CredentialsError::not_loaded(
            "no providers in chain provided credentials",
        );
        assert!(transport_cause(&creds).starts_with("no AWS credentials could be loaded"));
    }
}
