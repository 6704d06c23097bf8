//! Errors of the AWS layer. API errors keep AWS's code, so retry classifiers and finders can
//! match on it; messages never carry request parameters (passwords travel only in requests).

use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    #[error("{operation}: {code}: {message}")]
    Api {
        operation: &'static str,
        code: String,
        message: String,
    },
    #[error("{operation}: no response from AWS: {message}")]
    Transport {
        operation: &'static str,
        message: String,
    },
    #[error(
        "timed out after {waited:?} waiting for {what} to become {target} (last seen: {last})"
    )]
    Timeout {
        what: String,
        target: String,
        last: String,
        waited: Duration,
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
        } else {
            ErrorKind::Other
        }
    }
}

impl AwsError {
    /// What the error means; only API errors have a kind other than [`ErrorKind::Other`].
    pub fn kind(&self) -> ErrorKind {
        self.code().map_or(ErrorKind::Other, ErrorKind::of_code)
    }

    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            AwsError::Api { message, .. } | AwsError::Transport { message, .. } => message,
            _ => "",
        }
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
            }
        }
        _ => AwsError::Transport {
            operation,
            message: DisplayErrorContext(&e).to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
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
