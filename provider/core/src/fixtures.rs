//! The stacks unit tests build on.

use crate::ids::AccountId;
use crate::input::{Input, ProviderContext, StackConfig, Tags};
use crate::model::ResolvedStack;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn zones() -> Vec<String> {
    ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
        .map(String::from)
        .to_vec()
}

pub fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// SPEC §3's example: suffix `dev`, the compliance tags, everything else defaulted.
pub fn config() -> StackConfig {
    StackConfig {
        environment_suffix: Input::Set("dev".into()),
        tags: Input::Set(tags(&[
            ("CostCenter", "FinancialServices"),
            ("Compliance", "PCI-DSS"),
        ])),
        ..StackConfig::default()
    }
}

pub fn ctx() -> ProviderContext {
    ProviderContext {
        region: Some(REGION.into()),
        default_tags: tags(&[("Team", "platform")]),
    }
}

pub fn account() -> AccountId {
    AccountId::parse(ACCOUNT).unwrap()
}

pub fn build(cfg: &StackConfig) -> ResolvedStack {
    ResolvedStack::build(cfg, &ctx(), &account(), &zones()).unwrap()
}

pub fn stack() -> ResolvedStack {
    build(&config())
}
