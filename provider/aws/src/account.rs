//! What the provider asks AWS before it can model a stack: whose account it is (the zones are
//! [`crate::zones`]).

use crate::clients::Clients;
use crate::error::{api, AwsError};

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
