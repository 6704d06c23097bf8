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
    #[error("{0}")]
    Invalid(String),
}

impl AwsError {
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
