//! One SDK client per service, each honouring the provider's endpoint override.

use aws_types::SdkConfig;

use crate::config::{Endpoints, Service};

#[derive(Clone, Debug)]
pub struct Clients {
    pub region: String,
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
    ($sdk:ident, $endpoints:ident, $krate:ident, $service:expr) => {{
        let mut b = $krate::config::Builder::from($sdk)
            .retry_classifier(crate::retry::NeverSucceeds::shared());
        if let Some(url) = $endpoints.get($service) {
            b = b.endpoint_url(url);
        }
        $krate::Client::from_conf(b.build())
    }};
}

impl Clients {
    /// Clients for every service; no request is made until one is used.
    pub fn new(sdk: &SdkConfig, endpoints: &Endpoints) -> Clients {
        let s3 = {
            let mut b = aws_sdk_s3::config::Builder::from(sdk)
                .retry_classifier(crate::retry::NeverSucceeds::shared());
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
            cloudtrail: client!(sdk, endpoints, aws_sdk_cloudtrail, Service::CloudTrail),
            ec2: client!(sdk, endpoints, aws_sdk_ec2, Service::Ec2),
            iam: client!(sdk, endpoints, aws_sdk_iam, Service::Iam),
            kms: client!(sdk, endpoints, aws_sdk_kms, Service::Kms),
            lambda: client!(sdk, endpoints, aws_sdk_lambda, Service::Lambda),
            logs: client!(sdk, endpoints, aws_sdk_cloudwatchlogs, Service::Logs),
            rds: client!(sdk, endpoints, aws_sdk_rds, Service::Rds),
            s3,
            secretsmanager: client!(
                sdk,
                endpoints,
                aws_sdk_secretsmanager,
                Service::SecretsManager
            ),
            sts: client!(sdk, endpoints, aws_sdk_sts, Service::Sts),
        }
    }
}
