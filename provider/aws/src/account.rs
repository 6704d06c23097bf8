//! What the provider asks AWS before it can model a stack: whose account it is, checked at
//! configure (the zones are [`crate::zones`]).

use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_types::SdkConfig;

use crate::clients::Clients;
use crate::error::{api, human_duration, AwsError};

/// Why the provider's credentials could not be confirmed at configure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialProblem {
    /// No source of the chain produced credentials: why, in the chain's words.
    NotFound(String),
    /// Credentials were found, but STS refused them or could not be asked.
    Rejected(AwsError),
    /// Nothing came back within the bound.
    TimedOut(Duration),
}

/// Confirms the credentials at configure with one STS GetCallerIdentity, within `limit` in
/// total (credential chain included): the account they belong to.
pub async fn check_credentials(
    sdk: &SdkConfig,
    clients: &Clients,
    limit: Duration,
) -> Result<String, CredentialProblem> {
    let check = async {
        let Some(provider) = sdk.credentials_provider() else {
            return Err(CredentialProblem::NotFound(
                "no credential provider is configured".into(),
            ));
        };
        if let Err(e) = provider.provide_credentials().await {
            // The chain's own sentence (the innermost cause), never its Debug rendering.
            let mut cause: &(dyn std::error::Error + 'static) = &e;
            while let Some(next) = cause.source() {
                cause = next;
            }
            return Err(CredentialProblem::NotFound(cause.to_string()));
        }
        caller_account(clients)
            .await
            .map_err(CredentialProblem::Rejected)
    };
    match tokio::time::timeout(limit, check).await {
        Ok(result) => result,
        Err(_) => Err(CredentialProblem::TimedOut(limit)),
    }
}

impl std::fmt::Display for CredentialProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialProblem::NotFound(why) => {
                write!(f, "no valid credential source found: {why}")
            }
            CredentialProblem::Rejected(e) => write!(f, "{e}"),
            CredentialProblem::TimedOut(limit) => write!(
                f,
                "neither the credential chain nor STS answered within {}",
                human_duration(*limit)
            ),
        }
    }
}

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
