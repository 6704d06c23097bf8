//! A moto server, clients pointing at it, and the SPEC §3 example stack, for the object modules'
//! tests: each test gets its own moto, so tests never see each other's objects.

#![allow(dead_code)]

use std::time::Duration;

use vault_aws::clients::Clients;
use vault_aws::clock::SystemClock;
use vault_aws::config::{AwsSettings, Endpoints, Service};
use vault_aws::objects::{Ctx, Ids};
use vault_core::graph::ComponentId;
use vault_core::ids::AccountId;
use vault_core::input::{Input, ProviderContext, StackConfig};
use vault_core::model::{Component, ResolvedStack};
use vault_testbed::Moto;

pub const ACCOUNT: &str = "123456789012";

pub struct Bed {
    pub moto: Moto,
    pub clients: Clients,
    pub stack: ResolvedStack,
    pub clock: SystemClock,
    pub ids: Ids,
}

pub fn stack(suffix: &str) -> ResolvedStack {
    let config = StackConfig {
        environment_suffix: Input::Set(suffix.into()),
        tags: Input::Set(
            [
                ("CostCenter", "FinancialServices"),
                ("Compliance", "PCI-DSS"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        ),
        ..StackConfig::default()
    };
    let ctx = ProviderContext {
        region: Some("us-east-1".into()),
        default_tags: [("Team".to_string(), "platform".to_string())].into(),
    };
    let zones: Vec<String> = ["us-east-1a", "us-east-1b", "us-east-1c"]
        .map(String::from)
        .to_vec();
    ResolvedStack::build(&config, &ctx, &AccountId::parse(ACCOUNT).unwrap(), &zones).unwrap()
}

impl Bed {
    pub async fn start() -> Bed {
        std::env::set_var("AWS_ACCESS_KEY_ID", "test");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        let moto = Moto::start();
        let settings = AwsSettings {
            region: "us-east-1".into(),
            profile: None,
            endpoints: Endpoints(
                Service::ALL
                    .iter()
                    .map(|s| (*s, moto.url.clone()))
                    .collect(),
            ),
            max_retries: None,
        };
        let sdk = vault_aws::config::load_sdk_config(&settings).await;
        Bed {
            clients: Clients::new(&sdk, &settings.endpoints),
            moto,
            stack: stack("dev"),
            clock: SystemClock::default(),
            ids: Ids::new(),
        }
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            clients: &self.clients,
            clock: &self.clock,
            stack: &self.stack,
            ids: &self.ids,
            timeout: Duration::from_secs(60),
            owner: "test-host:/work/test",
        }
    }

    pub fn component(&self, id: &str) -> Component {
        self.stack
            .component(&ComponentId::from(id))
            .unwrap_or_else(|| panic!("the stack has no {id}"))
            .clone()
    }

    /// Creates `id` (and records its AWS id) so components depending on it can be created.
    pub async fn create(&mut self, id: &str) -> String {
        let c = self.component(id);
        let aws_id = vault_aws::objects::create(&self.ctx(), &c).await.unwrap();
        self.ids.insert(ComponentId::from(id), aws_id.clone());
        aws_id
    }
}

/// What a read found, with its drift as the core decides it.
#[derive(Debug)]
#[allow(dead_code)] // each test binary uses its own part of this module
pub struct Seen {
    pub observed: vault_aws::objects::Observed,
    pub drift: Vec<String>,
}

impl std::ops::Deref for Seen {
    type Target = vault_aws::objects::Observed;

    fn deref(&self) -> &Self::Target {
        &self.observed
    }
}

/// Reads an object; `None` when it is gone.
#[allow(dead_code)] // each test binary uses its own part of this module
pub async fn read(ctx: &Ctx<'_>, c: &Component, id: &str) -> Option<Seen> {
    let observed = vault_aws::objects::read(ctx, c, id).await.unwrap()?;
    Some(Seen {
        drift: vault_aws::objects::drift(ctx, c, &observed),
        observed,
    })
}
