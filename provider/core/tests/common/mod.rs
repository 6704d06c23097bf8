//! The stack the policy tests synthesize from: SPEC §3's example in account 123456789012.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;
use vault_core::ids::{KmsKeyArn, SecretArn, SecurityGroupId, SubnetId};
use vault_core::input::{AuditConfig, Input, ProviderContext, RotationConfig, StackConfig, Tags};
use vault_core::model::component::{KeyPurpose, SecurityGroupRole};
use vault_core::{AccountId, AssignedIds, PolicyKind, ResolvedStack};

pub fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn stack_with_trail(cloudtrail: bool) -> ResolvedStack {
    build(StackConfig {
        audit: Some(AuditConfig {
            cloudtrail: Input::Set(cloudtrail),
        }),
        ..base_config()
    })
}

/// The stack with `rotation { strategy = "alternating_users" }`: it also has the application
/// secret `secret-dev-app`.
pub fn alternating_stack() -> ResolvedStack {
    build(StackConfig {
        rotation: Some(RotationConfig {
            strategy: Input::Set("alternating_users".into()),
            ..RotationConfig::default()
        }),
        ..base_config()
    })
}

fn base_config() -> StackConfig {
    StackConfig {
        environment_suffix: Input::Set("dev".into()),
        tags: Input::Set(tags(&[
            ("CostCenter", "FinancialServices"),
            ("Compliance", "PCI-DSS"),
        ])),
        ..StackConfig::default()
    }
}

fn build(cfg: StackConfig) -> ResolvedStack {
    let ctx = ProviderContext {
        region: Some("us-east-1".into()),
        default_tags: tags(&[("Team", "platform")]),
    };
    let zones: Vec<String> = ["us-east-1a", "us-east-1b", "us-east-1c"]
        .map(String::from)
        .to_vec();
    let account = AccountId::parse("123456789012").unwrap();
    ResolvedStack::build(&cfg, &ctx, &account, &zones).unwrap()
}

pub fn stack() -> ResolvedStack {
    stack_with_trail(true)
}

/// What AWS assigned once the stack was created.
pub fn assigned() -> AssignedIds {
    let key = |n: char| {
        KmsKeyArn::parse(&format!(
            "arn:aws:kms:us-east-1:123456789012:key/{}",
            [n; 8].iter().collect::<String>() + "-1111-2222-3333-444444444444"
        ))
        .unwrap()
    };
    AssignedIds {
        secret_arn: Some(
            SecretArn::parse(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-AbC123",
            )
            .unwrap(),
        ),
        app_secret_arn: Some(
            SecretArn::parse(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-app-XyZ789",
            )
            .unwrap(),
        ),
        kms_keys: BTreeMap::from([
            (KeyPurpose::Database, key('a')),
            (KeyPurpose::Secrets, key('b')),
            (KeyPurpose::Logs, key('c')),
        ]),
        subnets: BTreeMap::from([
            (
                "us-east-1a".into(),
                SubnetId::parse("subnet-0aaaaaaaaaaaaaaaa").unwrap(),
            ),
            (
                "us-east-1b".into(),
                SubnetId::parse("subnet-0bbbbbbbbbbbbbbbb").unwrap(),
            ),
            (
                "us-east-1c".into(),
                SubnetId::parse("subnet-0cccccccccccccccc").unwrap(),
            ),
        ]),
        security_groups: BTreeMap::from([
            (
                SecurityGroupRole::Lambda,
                SecurityGroupId::parse("sg-0111111111111111a").unwrap(),
            ),
            (
                SecurityGroupRole::Database,
                SecurityGroupId::parse("sg-0222222222222222b").unwrap(),
            ),
            (
                SecurityGroupRole::Endpoints,
                SecurityGroupId::parse("sg-0333333333333333c").unwrap(),
            ),
        ]),
    }
}

/// Every document the tests check, by a file-name-friendly name: each policy as applied, the
/// previews of those that name assigned ids, the logs key without the trail, and (`.alternating`)
/// each policy that the application secret of `alternating_users` changes, applied and previewed.
pub fn all_policies() -> Vec<(String, PolicyKind, Value)> {
    let s = stack();
    let applied = assigned();
    let none = AssignedIds::none();
    let mut out = Vec::new();
    for kind in PolicyKind::ALL {
        let doc = s.policy(kind, &applied);
        let preview = s.policy(kind, &none);
        if !vault_core::policy::equivalent(&doc, &preview) {
            out.push((format!("{}.preview", kind.as_str()), kind, preview));
        }
        out.push((kind.as_str().to_string(), kind, doc));
    }
    let no_trail = stack_with_trail(false);
    out.push((
        "logs-key.no-trail".to_string(),
        PolicyKind::LogsKey,
        no_trail.policy(PolicyKind::LogsKey, &applied),
    ));
    let alternating = alternating_stack();
    for kind in PolicyKind::ALL {
        let doc = alternating.policy(kind, &applied);
        let preview = alternating.policy(kind, &none);
        if vault_core::policy::equivalent(&doc, &s.policy(kind, &applied)) {
            continue;
        }
        if !vault_core::policy::equivalent(&doc, &preview) {
            out.push((
                format!("{}.alternating.preview", kind.as_str()),
                kind,
                preview,
            ));
        }
        out.push((format!("{}.alternating", kind.as_str()), kind, doc));
    }
    out
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
