//! How the provider reaches AWS: region, credentials (the standard chain of `aws-config`) and
//! per-service endpoint overrides for emulators or FIPS endpoints.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::meta::region::ProvideRegion;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_types::region::Region;
use aws_types::SdkConfig;

/// Every AWS service a stack talks to; each has an `endpoints` attribute of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    CloudTrail,
    Ec2,
    Iam,
    Kms,
    Lambda,
    Logs,
    Rds,
    S3,
    SecretsManager,
    Sts,
}

impl Service {
    pub const ALL: [Service; 10] = [
        Service::CloudTrail,
        Service::Ec2,
        Service::Iam,
        Service::Kms,
        Service::Lambda,
        Service::Logs,
        Service::Rds,
        Service::S3,
        Service::SecretsManager,
        Service::Sts,
    ];

    /// The attribute name in the provider's `endpoints` block.
    pub fn key(self) -> &'static str {
        match self {
            Service::CloudTrail => "cloudtrail",
            Service::Ec2 => "ec2",
            Service::Iam => "iam",
            Service::Kms => "kms",
            Service::Lambda => "lambda",
            Service::Logs => "logs",
            Service::Rds => "rds",
            Service::S3 => "s3",
            Service::SecretsManager => "secretsmanager",
            Service::Sts => "sts",
        }
    }

    /// What the stack uses the service for, for the schema's descriptions.
    pub fn purpose(self) -> &'static str {
        match self {
            Service::CloudTrail => "the audit trail of secret access",
            Service::Ec2 => "the VPC, subnets, route table, security groups and VPC endpoints",
            Service::Iam => "the rotation function's role and policies",
            Service::Kms => "the customer-managed keys and their aliases",
            Service::Lambda => "the rotation function and its invoke permission",
            Service::Logs => "the encrypted log groups and the metric filter",
            Service::Rds => "the Aurora MySQL cluster, instances, subnet and parameter groups",
            Service::S3 => "the audit trail's bucket",
            Service::SecretsManager => "the database secret and its rotation",
            Service::Sts => "the caller identity (account id) used in policies",
        }
    }

    pub fn from_key(key: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.key() == key)
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Per-service endpoint overrides from the provider block. Services left out use
/// `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then AWS's own endpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints(pub BTreeMap<Service, String>);

impl Endpoints {
    pub fn get(&self, s: Service) -> Option<&str> {
        self.0.get(&s).map(String::as_str)
    }

    /// The endpoint a service's requests go to: the override, else `AWS_ENDPOINT_URL_<SERVICE>`,
    /// else `AWS_ENDPOINT_URL`, else AWS's regional endpoint (for messages that name it).
    pub fn effective(&self, s: Service, region: &str) -> String {
        if let Some(url) = self.get(s) {
            return url.to_string();
        }
        let service_var = format!("AWS_ENDPOINT_URL_{}", s.key().to_ascii_uppercase());
        for var in [service_var.as_str(), "AWS_ENDPOINT_URL"] {
            if let Ok(url) = std::env::var(var) {
                if !url.is_empty() {
                    return url;
                }
            }
        }
        format!("https://{}.{region}.amazonaws.com", s.key())
    }
}

/// Checks an endpoint override: an absolute http(s) URL.
pub fn check_endpoint_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("{url:?} is not an http:// or https:// URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(format!("{url:?} has no host"));
    }
    Ok(())
}

/// The provider's resolved settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: String,
    pub profile: Option<String>,
    pub endpoints: Endpoints,
    /// The provider's `max_retries`.
    pub max_retries: Option<u32>,
}

/// Region from the provider block, else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the profile,
/// else `default`. Instance metadata is not consulted: a plan on a laptop must not stall on it.
pub async fn resolve_region(
    explicit: Option<&str>,
    profile: Option<&str>,
    default: &str,
) -> String {
    if let Some(r) = explicit.filter(|r| !r.is_empty()) {
        return r.to_string();
    }
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Ok(r) = std::env::var(var) {
            if !r.is_empty() {
                return r;
            }
        }
    }
    let mut from_profile = ProfileFileRegionProvider::builder();
    if let Some(p) = profile {
        from_profile = from_profile.profile_name(p);
    }
    match from_profile.build().region().await {
        Some(r) => r.to_string(),
        None => default.to_string(),
    }
}

/// How long instance metadata may take to connect and to answer: off EC2 nothing listens there,
/// and a plan on a laptop must not wait out the SDK's default retries against it.
pub const IMDS_TIMEOUT: Duration = Duration::from_secs(1);

/// The SDK configuration: the standard credential chain (environment, shared files, SSO,
/// container and instance metadata, the last with short timeouts and one attempt), resolved
/// lazily at the first request.
pub async fn load_sdk_config(settings: &AwsSettings) -> SdkConfig {
    let region = Region::new(settings.region.clone());
    let imds = aws_config::imds::Client::builder()
        .connect_timeout(IMDS_TIMEOUT)
        .read_timeout(IMDS_TIMEOUT)
        .max_attempts(1)
        .build();
    let mut chain = DefaultCredentialsChain::builder()
        .region(region.clone())
        .imds_client(imds);
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(region);
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
        chain = chain.profile_name(p);
    }
    loader = loader.credentials_provider(chain.build().await);
    if let Some(retry) = retry_config(settings.max_retries, |v| std::env::var_os(v).is_some()) {
        loader = loader.retry_config(retry);
    }
    loader
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .read_timeout(READ_TIMEOUT)
                .build(),
        )
        .load()
        .await
}

/// The SDK's own default for connecting, kept (a timeout configuration replaces the default).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// How long a call waits for AWS's response once sent; then the SDK ends the attempt and tries
/// again, as a transient fault, within `max_retries`. The SDK sets no such limit: a response lost
/// on a connection that stays open (a NAT or proxy dropping it silently) held the apply forever.
/// AWS answers every call this provider makes in well under a second; the AWS CLI waits 60 s.
/// A create sent again finds what the first made by its name or tag and adopts it.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The one retry layer for throttling and transient faults: the SDK's standard mode (jittered
/// exponential backoff) with `max_retries` retries. Without the setting, `AWS_MAX_ATTEMPTS` /
/// `AWS_RETRY_MODE` (read by the SDK itself: `None` here) win over the default of 25.
fn retry_config(max_retries: Option<u32>, env_set: impl Fn(&str) -> bool) -> Option<RetryConfig> {
    let retries = match max_retries {
        Some(n) => n,
        None if env_set("AWS_MAX_ATTEMPTS") || env_set("AWS_RETRY_MODE") => return None,
        None => vault_core::defaults::MAX_RETRIES,
    };
    Some(RetryConfig::standard().with_max_attempts(retries + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_round_trips_through_its_endpoint_key() {
        for s in Service::ALL {
            assert_eq!(Service::from_key(s.key()), Some(s));
        }
    }

    #[test]
    fn endpoint_urls_must_be_absolute_http_urls() {
        assert!(check_endpoint_url("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint_url("https://kms-fips.us-east-1.amazonaws.com").is_ok());
        assert!(check_endpoint_url("127.0.0.1:5000").is_err());
        assert!(check_endpoint_url("http://").is_err());
    }

    #[test]
    fn max_retries_sets_the_sdk_attempts_and_defaults_to_25_retries() {
        let none = |_: &str| false;
        assert_eq!(retry_config(Some(0), none).unwrap().max_attempts(), 1);
        assert_eq!(retry_config(Some(5), none).unwrap().max_attempts(), 6);
        assert_eq!(retry_config(None, none).unwrap().max_attempts(), 26);
    }

    #[test]
    fn aws_max_attempts_is_honoured_only_when_max_retries_is_not_set() {
        let env = |v: &str| v == "AWS_MAX_ATTEMPTS";
        assert!(retry_config(None, env).is_none());
        assert_eq!(retry_config(Some(2), env).unwrap().max_attempts(), 3);
    }

    #[tokio::test]
    async fn explicit_region_wins_over_environment_and_profile() {
        assert_eq!(
            resolve_region(Some("eu-west-1"), None, "us-east-1").await,
            "eu-west-1"
        );
    }
}
