//! The `vault` provider: its configuration block and what it hands to resources.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use vault_aws::clients::Clients;
use vault_aws::config::{check_endpoint_url, load_sdk_config, resolve_region};
use vault_aws::{AwsSettings, Endpoints, Service};
use vault_core::{defaults, validate, Input, ProviderContext};

use crate::database_credentials::DatabaseCredentialsResource;
use crate::policy_document::PolicyDocumentDataSource;
use crate::protocol::{
    self, AttributePath, Block, Diagnostics, DynamicAction, DynamicDataSource,
    DynamicEphemeralResource, DynamicListResource, DynamicResource, Provider, Schema, Value,
    ValueEmpty,
};
use crate::rotate_secret::RotateSecretAction;
use crate::rotation_status::RotationStatusDataSource;
use crate::schema::{at_most_one, block, boolean, map_of_strings, number, optional, string};
use crate::stack::list::SecretsStackList;
use crate::stack::SecretsStackResource;

/// Why AWS calls outside a run were abandoned ([`Configured::unless_stopped`]).
pub const STOPPED: &str = "Terraform asked the provider to stop before AWS answered";

/// What `configure` resolved, shared with every resource and data source.
#[derive(Clone, Debug)]
pub struct Configured {
    pub context: ProviderContext,
    /// One client per service; building them sends no request.
    pub clients: Clients,
    /// Flipped by Terraform's `StopProvider` (Ctrl-C); every run's clock watches it.
    pub stop: vault_aws::clock::Stop,
    /// Who runs Terraform here (`host:working-directory`): the owner a create claims its stack
    /// for (`vault_aws::claim`).
    pub owner: String,
    /// The account the credentials belong to, as configure's check found it (`None` with
    /// `skip_credentials_validation`).
    pub account: Option<String>,
}

impl Configured {
    /// `work`'s result, unless Terraform stops the provider (Ctrl-C) while one of its AWS calls
    /// waits to be retried or goes unanswered: `None` then ([`vault_aws::clock::unless_stopped`]).
    /// For AWS calls outside a run's executor (the plan's checks, import, data sources, ephemeral
    /// resources, lists), which a throttling burst or a lost response could otherwise hold long
    /// after Ctrl-C.
    pub async fn unless_stopped<T>(&self, work: impl std::future::Future<Output = T>) -> Option<T> {
        vault_aws::clock::unless_stopped(self.stop.stopped(), work).await
    }

    /// The caller's account: the one configure confirmed, else asked of STS now.
    pub async fn account(&self) -> Result<String, vault_aws::error::AwsError> {
        match &self.account {
            Some(a) => Ok(a.clone()),
            None => vault_aws::account::caller_account(&self.clients).await,
        }
    }

    /// The names of the stack `suffix` in the credentials' account and the provider's region.
    pub async fn naming(
        &self,
        suffix: vault_core::EnvironmentSuffix,
    ) -> Result<vault_core::model::Naming, String> {
        let account = self
            .account()
            .await
            .map_err(|e| format!("looking up the AWS account: {e}"))?;
        Ok(vault_core::model::Naming::new(
            suffix,
            vault_core::AccountId::parse(&account).map_err(|e| e.to_string())?,
            vault_core::Region::parse(&self.clients.region).map_err(|e| e.to_string())?,
        ))
    }
}

pub type SharedConfig = Arc<RwLock<Option<Configured>>>;

#[derive(Default)]
pub struct VaultProvider {
    configured: SharedConfig,
    /// One per provider process: a stop ends every run under way, whatever resource runs it.
    stop: vault_aws::clock::Stop,
}

pub type StringMap = BTreeMap<String, Value<String>>;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ProviderConfig {
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub profile: Value<String>,
    #[serde(default)]
    pub default_tags: Value<StringMap>,
    #[serde(default)]
    pub endpoints: Value<Vec<StringMap>>,
    #[serde(default)]
    pub max_retries: Value<i64>,
    #[serde(default)]
    pub skip_credentials_validation: Value<bool>,
}

/// The bound on configure's credential check (credential chain and STS together).
const CREDENTIAL_CHECK_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The diagnostic of a failed credential check: the region, every source of the chain and how
/// to set it, the STS endpoint where it could not be reached, and the way out for offline runs.
fn credential_diagnostic(
    problem: &vault_aws::account::CredentialProblem,
    region: &str,
    profile: Option<&str>,
    sts_endpoint: &str,
) -> (String, String) {
    use vault_aws::account::CredentialProblem;
    let summary = match problem {
        CredentialProblem::NotFound(_) => "No valid AWS credential sources found",
        CredentialProblem::Rejected(vault_aws::error::AwsError::Transport { .. })
        | CredentialProblem::TimedOut(_) => "Cannot reach AWS STS to check the credentials",
        CredentialProblem::Rejected(_) => "AWS refused the credentials",
    };
    let mut detail = format!("In region {region}: {problem}.");
    if matches!(
        problem,
        CredentialProblem::Rejected(vault_aws::error::AwsError::Transport { .. })
            | CredentialProblem::TimedOut(_)
    ) {
        detail.push_str(&format!(
            " The STS endpoint that could not be reached is {sts_endpoint} (set by \
             endpoints {{ sts = ... }}, AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL)."
        ));
    }
    let profile = profile.map_or_else(
        || "the profile in AWS_PROFILE, else \"default\"".to_string(),
        |p| format!("profile \"{p}\""),
    );
    detail.push_str(&format!(
        "\n\nThe provider looked for credentials, in order, in:\n\
         - the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for \
         temporary credentials), or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN;\n\
         - the shared config and credentials files (~/.aws/config, ~/.aws/credentials), {profile}, \
         including SSO (run aws sso login --profile <name>) and role_arn/source_profile entries; \
         set profile in the provider block or AWS_PROFILE;\n\
         - the container credentials endpoint (ECS, EKS Pod Identity): \
         AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI;\n\
         - the EC2 instance metadata service (an instance profile), asked with a {} s \
         timeout; AWS_EC2_METADATA_DISABLED=true skips it.\n\n\
         To validate or plan offline (in CI without credentials), set \
         skip_credentials_validation = true in the provider block. See \
         https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html",
        vault_aws::config::IMDS_TIMEOUT.as_secs()
    ));
    (summary.to_string(), detail)
}

/// A Terraform string value as the core sees it.
pub fn input_string(v: &Value<String>) -> Input<String> {
    match v {
        Value::Value(s) => Input::Set(s.clone()),
        Value::Null => Input::Unset,
        Value::Unknown => Input::Unknown,
    }
}

/// A map is known only when every value in it is.
pub fn input_map(v: &Value<StringMap>) -> Input<BTreeMap<String, String>> {
    match v {
        Value::Value(m) => m
            .iter()
            .map(|(k, v)| match v {
                Value::Value(s) => Some((k.clone(), s.clone())),
                // A null map element is dropped, as the AWS provider does.
                Value::Null => Some((k.clone(), String::new())),
                Value::Unknown => None,
            })
            .collect::<Option<BTreeMap<_, _>>>()
            .map_or(Input::Unknown, Input::Set),
        Value::Null => Input::Unset,
        Value::Unknown => Input::Unknown,
    }
}

fn endpoints_block() -> Block {
    block(
        "Endpoint overrides, one per AWS service the stack uses, for emulators such as moto or \
         LocalStack, or for FIPS endpoints. A service left out uses `AWS_ENDPOINT_URL_<SERVICE>`, \
         then `AWS_ENDPOINT_URL`, then AWS's endpoint.",
        Service::ALL
            .iter()
            .map(|s| {
                (
                    s.key(),
                    optional(
                        string(),
                        &format!("Endpoint URL for {} ({}).", s.key(), s.purpose()),
                    ),
                )
            })
            .collect(),
    )
}

pub fn provider_schema() -> Schema {
    let mut b = block(
        "The `vault` provider stands up complete AWS secrets platforms (`vault_secrets_stack`). \
         Credentials come from the standard AWS chain: environment, shared config and credentials \
         files, SSO, container and instance metadata.",
        vec![
            (
                "region",
                optional(
                    string(),
                    &format!(
                        "AWS region. Defaults to `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's \
                         region, then `{}`.",
                        defaults::REGION
                    ),
                ),
            ),
            (
                "profile",
                optional(string(), "Named profile of the shared AWS config and credentials files."),
            ),
            (
                "max_retries",
                optional(
                    number(),
                    &format!(
                        "How many times the AWS SDK retries a throttled or transiently failed \
                         call (5xx, connection errors), with jittered exponential backoff. \
                         Defaults to `{}`, as the AWS provider; `AWS_MAX_ATTEMPTS` and \
                         `AWS_RETRY_MODE` are honoured when this is not set.",
                        defaults::MAX_RETRIES
                    ),
                ),
            ),
            (
                "skip_credentials_validation",
                optional(
                    boolean(),
                    "Skip the check of the credentials when the provider is configured (one STS \
                     `GetCallerIdentity`, bounded to 10 s), as the AWS provider's attribute of \
                     the same name: for `terraform validate` and plans in CI without AWS \
                     credentials. Operations that need AWS still fail, when they run. Default \
                     `false`.",
                ),
            ),
            (
                "default_tags",
                optional(
                    map_of_strings(),
                    "Tags merged into every taggable object of every stack; a resource's own `tags` \
                     win on conflicts. May carry the mandatory `CostCenter` and `Compliance` tags.",
                ),
            ),
        ],
    );
    b.blocks
        .insert("endpoints".to_string(), at_most_one(endpoints_block()));
    Schema {
        version: 1,
        block: b,
    }
}

impl VaultProvider {
    /// The switch `StopProvider` flips (for tests that watch it).
    pub fn stop_handle(&self) -> vault_aws::clock::Stop {
        self.stop.clone()
    }

    /// The endpoints and the retry bound, checked; `None` after reporting what is wrong.
    fn settings(
        diags: &mut Diagnostics,
        config: &ProviderConfig,
    ) -> Option<(Endpoints, Option<u32>)> {
        let mut endpoints = Endpoints::default();
        let mut ok = true;
        let max_retries = match config.max_retries {
            Value::Value(n) => match u32::try_from(n) {
                Ok(n) if n <= defaults::MAX_RETRIES_LIMIT => Some(n),
                _ => {
                    ok = false;
                    diags.error(
                        "Invalid max_retries",
                        format!(
                            "max_retries is {n}; it must be a whole number from 0 to {}.",
                            defaults::MAX_RETRIES_LIMIT
                        ),
                        AttributePath::new("max_retries"),
                    );
                    None
                }
            },
            _ => None,
        };
        if let Value::Value(blocks) = &config.endpoints {
            for (key, url) in blocks.iter().flat_map(|b| b.iter()) {
                let Value::Value(url) = url else { continue };
                let Some(service) = Service::from_key(key) else {
                    continue;
                };
                if let Err(e) = check_endpoint_url(url) {
                    ok = false;
                    diags.error(
                        "Invalid endpoint URL",
                        format!("{e}; use a URL such as \"http://127.0.0.1:5000\"."),
                        AttributePath::new("endpoints")
                            .index(0)
                            .attribute(key.clone()),
                    );
                }
                endpoints.0.insert(service, url.clone());
            }
        }
        ok.then_some((endpoints, max_retries))
    }
}

#[async_trait]
impl Provider for VaultProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(provider_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        let findings = validate::validate_provider(
            &input_string(&config.region),
            &input_map(&config.default_tags),
        );
        protocol::report(diags, findings);
        Self::settings(diags, &config);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        let Some((endpoints, max_retries)) = Self::settings(diags, &config) else {
            return Some(());
        };
        let profile = config.profile.as_ref_option().cloned();
        let region = resolve_region(
            config.region.as_ref_option().map(String::as_str),
            profile.as_deref(),
            defaults::REGION,
        )
        .await;
        let failed = protocol::report(
            diags,
            validate::validate_provider(&Input::Set(region.clone()), &Input::Unset),
        );
        if failed {
            return Some(());
        }
        let default_tags = match input_map(&config.default_tags) {
            Input::Set(t) => t,
            _ => BTreeMap::new(),
        };
        let aws = AwsSettings {
            region: region.clone(),
            profile,
            endpoints,
            max_retries,
        };
        // Loading builds the credential chain; nothing is requested from AWS until a call needs it.
        let sdk = load_sdk_config(&aws).await;
        let clients = Clients::new(&sdk, &aws.endpoints);
        let skip = matches!(config.skip_credentials_validation, Value::Value(true));
        let mut account = None;
        if !skip {
            let check =
                vault_aws::account::check_credentials(&sdk, &clients, CREDENTIAL_CHECK_LIMIT);
            // Ctrl-C while STS throttles: ended as an apply's calls are.
            let checked = vault_aws::clock::unless_stopped(self.stop.stopped(), check).await;
            match checked {
                None => {
                    diags.root_error(
                        "Provider configuration interrupted",
                        "Terraform asked the provider to stop before STS confirmed the credentials.",
                    );
                    return Some(());
                }
                Some(Ok(a)) => account = Some(a),
                Some(Err(problem)) => {
                    let endpoint = aws.endpoints.effective(Service::Sts, &region);
                    let (summary, detail) =
                        credential_diagnostic(&problem, &region, aws.profile.as_deref(), &endpoint);
                    diags.root_error(summary, detail);
                    return Some(());
                }
            }
        }
        let configured = Configured {
            context: ProviderContext {
                region: Some(region),
                default_tags,
            },
            clients,
            stop: self.stop.clone(),
            owner: vault_aws::claim::local_owner(),
            account,
        };
        *self
            .configured
            .write()
            .expect("provider configuration lock") = Some(configured);
        Some(())
    }

    /// Terraform's `StopProvider` (Ctrl-C): every run's clock sees the stop, so no new object is
    /// started, waits and retries end, and each apply returns what exists with an error.
    fn stop(&self) {
        tracing::info!("stopping: no new AWS object will be started");
        self.stop.stop();
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        let stack: Box<dyn DynamicResource> =
            Box::new(SecretsStackResource::new(self.configured.clone()));
        Some(HashMap::from([("secrets_stack".to_string(), stack)]))
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let documents: Box<dyn DynamicDataSource> =
            Box::new(PolicyDocumentDataSource::new(self.configured.clone()));
        let status: Box<dyn DynamicDataSource> =
            Box::new(RotationStatusDataSource::new(self.configured.clone()));
        Some(HashMap::from([
            ("policy_document".to_string(), documents),
            ("rotation_status".to_string(), status),
        ]))
    }

    fn get_ephemeral_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicEphemeralResource>>> {
        let credentials: Box<dyn DynamicEphemeralResource> =
            Box::new(DatabaseCredentialsResource::new(self.configured.clone()));
        Some(HashMap::from([(
            "database_credentials".to_string(),
            credentials,
        )]))
    }

    fn get_actions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicAction>>> {
        let rotate: Box<dyn DynamicAction> =
            Box::new(RotateSecretAction::new(self.configured.clone()));
        Some(HashMap::from([("rotate_secret".to_string(), rotate)]))
    }

    fn get_list_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicListResource>>> {
        let stacks: Box<dyn DynamicListResource> =
            Box::new(SecretsStackList::new(self.configured.clone()));
        Some(HashMap::from([("secrets_stack".to_string(), stacks)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_retries(n: i64) -> (Diagnostics, Option<(Endpoints, Option<u32>)>) {
        let mut diags = Diagnostics::default();
        let config = ProviderConfig {
            max_retries: Value::Value(n),
            ..ProviderConfig::default()
        };
        let settings = VaultProvider::settings(&mut diags, &config);
        (diags, settings)
    }

    #[test]
    fn a_negative_max_retries_is_an_error_at_its_attribute() {
        let (diags, settings) = with_retries(-1);
        assert!(settings.is_none());
        assert_eq!(diags.errors.len(), 1);
        assert_eq!(diags.errors[0].summary, "Invalid max_retries");
        assert_eq!(diags.errors[0].attribute.to_string(), "max_retries");
    }

    #[test]
    fn the_credential_diagnostic_names_region_sources_and_unreachable_endpoint() {
        use vault_aws::account::CredentialProblem;
        let (summary, detail) = credential_diagnostic(
            &CredentialProblem::NotFound("no providers in chain provided credentials".into()),
            "eu-west-1",
            None,
            "https://sts.eu-west-1.amazonaws.com",
        );
        assert_eq!(summary, "No valid AWS credential sources found");
        for part in [
            "eu-west-1",
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "SSO",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "instance metadata",
            "skip_credentials_validation",
        ] {
            assert!(detail.contains(part), "{part} missing from {detail}");
        }
        // Nothing was unreachable: no endpoint is named.
        assert!(!detail.contains("sts.eu-west-1.amazonaws.com"), "{detail}");

        let unreachable = CredentialProblem::Rejected(vault_aws::error::AwsError::Transport {
            operation: "GetCallerIdentity",
            message: format!("could not reach AWS: {}", vault_aws::error::REFUSED),
        });
        let (summary, detail) =
            credential_diagnostic(&unreachable, "eu-west-1", Some("ci"), "http://127.0.0.1:1");
        assert_eq!(summary, "Cannot reach AWS STS to check the credentials");
        assert!(detail.contains("http://127.0.0.1:1"), "{detail}");
        assert!(detail.contains("profile \"ci\""), "{detail}");
    }

    #[test]
    fn max_retries_within_bounds_reaches_the_aws_settings() {
        let (diags, settings) = with_retries(5);
        assert!(diags.errors.is_empty());
        assert_eq!(settings.unwrap().1, Some(5));
    }
}
