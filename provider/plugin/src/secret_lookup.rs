//! A stack's database secret named the two ways users name it: `secret_arn`, or the stack's
//! `environment_suffix` (the secret's name follows from it). Shared by `vault_rotation_status`,
//! `vault_database_credentials` and `vault_rotate_secret`.

use vault_core::model::Naming;
use vault_core::{AccountId, EnvironmentSuffix, Region};

use crate::protocol::{AttributePath, Diagnostics, Value};
use crate::provider::{Configured, SharedConfig};

/// The configuration checks, before any AWS call: exactly one of the two, and a well-formed
/// suffix. Unknown values are left for the apply.
pub fn validate(
    diags: &mut Diagnostics,
    secret_arn: &Value<String>,
    environment_suffix: &Value<String>,
) {
    if secret_arn.is_value() && environment_suffix.is_value() {
        diags.error(
            "Conflicting arguments",
            "Give either secret_arn or environment_suffix, not both.",
            AttributePath::new("environment_suffix"),
        );
    }
    if secret_arn.is_null() && environment_suffix.is_null() {
        diags.root_error("Missing argument", "Give secret_arn or environment_suffix.");
    }
    if let Value::Value(suffix) = environment_suffix {
        if let Err(e) = EnvironmentSuffix::parse(suffix) {
            diags.error(
                "Invalid environment_suffix",
                format!("{suffix:?} {e}."),
                AttributePath::new("environment_suffix"),
            );
        }
    }
}

/// The provider's configuration, or an error diagnostic.
pub fn configured(diags: &mut Diagnostics, shared: &SharedConfig) -> Option<Configured> {
    let configured = shared.read().expect("provider configuration lock").clone();
    if configured.is_none() {
        diags.root_error_short("The vault provider is not configured");
    }
    configured
}

/// The secret's id: the ARN given, or the stack's secret name from its suffix.
pub async fn secret_id(
    diags: &mut Diagnostics,
    configured: &Configured,
    secret_arn: &Value<String>,
    environment_suffix: &Value<String>,
) -> Option<String> {
    if let Value::Value(arn) = secret_arn {
        return Some(arn.clone());
    }
    let Value::Value(suffix) = environment_suffix else {
        diags.root_error_short("Give secret_arn or environment_suffix");
        return None;
    };
    let suffix = match EnvironmentSuffix::parse(suffix) {
        Ok(s) => s,
        Err(e) => {
            diags.error(
                "Invalid environment_suffix",
                format!("{suffix:?} {e}."),
                AttributePath::new("environment_suffix"),
            );
            return None;
        }
    };
    let account = configured.account().await;
    let (Ok(account), Ok(region)) = (
        account
            .map_err(|e| e.to_string())
            .and_then(|a| AccountId::parse(&a).map_err(|e| e.to_string())),
        Region::parse(&configured.clients.region),
    ) else {
        diags.root_error_short("Cannot look up the caller's account");
        return None;
    };
    Some(Naming::new(suffix, account, region).secret())
}
