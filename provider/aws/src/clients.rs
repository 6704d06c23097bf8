//! One SDK client per service, each honouring the provider's endpoint override.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::SdkConfig;

use crate::config::{Endpoints, Service};

#[derive(Clone, Debug)]
pub struct Clients {
    pub region: String,
    /// Every response any client has received, whatever it said.
    answers: Answers,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub iam: aws_sdk_iam::Client,
    pub kms: aws_sdk_kms::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub rds: aws_sdk_rds::Client,
    pub s3: aws_sdk_s3::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub sts: aws_sdk_sts::Client,
}

macro_rules! client {
    ($sdk:ident, $endpoints:ident, $answers:ident, $krate:ident, $service:expr) => {{
        let mut b = $krate::config::Builder::from($sdk)
            .retry_classifier(crate::retry::NeverSucceeds::shared())
            .interceptor($answers.clone())
            .interceptor(AttemptWatch);
        if let Some(url) = $endpoints.get($service) {
            b = b.endpoint_url(url);
        }
        $krate::Client::from_conf(b.build())
    }};
}

impl Clients {
    /// Clients for every service; no request is made until one is used.
    pub fn new(sdk: &SdkConfig, endpoints: &Endpoints) -> Clients {
        let answers = Answers::default();
        let s3 = {
            let mut b = aws_sdk_s3::config::Builder::from(sdk)
                .retry_classifier(crate::retry::NeverSucceeds::shared())
                .interceptor(answers.clone())
                .interceptor(AttemptWatch);
            let custom = endpoints.get(Service::S3).map(str::to_string);
            // Emulators and private endpoints serve buckets by path, not by virtual host.
            if custom.is_some() || sdk.endpoint_url().is_some() {
                b = b.force_path_style(true);
            }
            if let Some(url) = custom {
                b = b.endpoint_url(url);
            }
            aws_sdk_s3::Client::from_conf(b.build())
        };
        Clients {
            region: sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".to_string()),
            cloudtrail: client!(
                sdk,
                endpoints,
                answers,
                aws_sdk_cloudtrail,
                Service::CloudTrail
            ),
            ec2: client!(sdk, endpoints, answers, aws_sdk_ec2, Service::Ec2),
            iam: client!(sdk, endpoints, answers, aws_sdk_iam, Service::Iam),
            kms: client!(sdk, endpoints, answers, aws_sdk_kms, Service::Kms),
            lambda: client!(sdk, endpoints, answers, aws_sdk_lambda, Service::Lambda),
            logs: client!(
                sdk,
                endpoints,
                answers,
                aws_sdk_cloudwatchlogs,
                Service::Logs
            ),
            rds: client!(sdk, endpoints, answers, aws_sdk_rds, Service::Rds),
            s3,
            secretsmanager: client!(
                sdk,
                endpoints,
                answers,
                aws_sdk_secretsmanager,
                Service::SecretsManager
            ),
            sts: client!(sdk, endpoints, answers, aws_sdk_sts, Service::Sts),
            answers,
        }
    }

    /// Runs `work`, giving up with [`Silent`] when no client has heard a single response from
    /// AWS within `limit`. Once AWS has answered at all (a throttle or a 5xx included), it is
    /// reachable: `work` runs to its end, bounded by the SDK's retry strategy (`max_retries`)
    /// as every other call is. A time bound on the whole would turn a throttled account, which
    /// real AWS gives, into one that "did not answer".
    pub async fn bounded<T>(
        &self,
        limit: Duration,
        work: impl Future<Output = T>,
    ) -> Result<T, Silent> {
        let before = self.answers.0.load(Ordering::Relaxed);
        tokio::pin!(work);
        match tokio::time::timeout(limit, &mut work).await {
            Ok(done) => Ok(done),
            Err(_) if self.answers.0.load(Ordering::Relaxed) != before => Ok(work.await),
            Err(_) => Err(Silent(limit)),
        }
    }
}

/// AWS sent no response at all within this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Silent(pub Duration);

/// Counts the responses the clients receive.
#[derive(Clone, Debug, Default)]
struct Answers(Arc<AtomicU64>);

impl Intercept for Answers {
    fn name(&self) -> &'static str {
        "Answers"
    }

    fn read_after_transmit(
        &self,
        _: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Tells [`crate::clock::unless_stopped`] when a call's attempt starts and whether it failed:
/// a call waiting to be retried is abandoned at once on Ctrl-C.
#[derive(Debug)]
struct AttemptWatch;

impl Intercept for AttemptWatch {
    fn name(&self) -> &'static str {
        "AttemptWatch"
    }

    fn read_before_attempt(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        crate::clock::attempt_starts();
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let failed = !matches!(context.output_or_error(), Some(Ok(_)));
        crate::clock::attempt_ended(failed);
        Ok(())
    }
}
