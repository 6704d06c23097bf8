use std::collections::BTreeMap;

use serde_json::Value;

use super::*;
use crate::fixtures::{self, config, ctx, stack};
use crate::ids::{KmsKeyArn, SecretArn, SubnetId};
use crate::input::{AuditConfig, Input, StackConfig};

const SECRET: &str =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-AbC123";
const PATTERN: &str =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-??????";

fn statement<'a>(doc: &'a Value, sid: &str) -> &'a Value {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {doc:#}"))
}

fn sids(doc: &Value) -> Vec<&str> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect()
}

fn with_secret() -> AssignedIds {
    AssignedIds {
        secret_arn: Some(SecretArn::parse(SECRET).unwrap()),
        ..AssignedIds::none()
    }
}

#[test]
fn the_rotation_role_names_the_real_secret_once_it_exists_and_its_name_pattern_before() {
    let s = stack();
    let applied = s.policy(PolicyKind::RotationRole, &with_secret());
    assert_eq!(statement(&applied, "RotateThisSecret")["Resource"], SECRET);
    let preview = s.policy(PolicyKind::RotationRole, &AssignedIds::none());
    assert_eq!(statement(&preview, "RotateThisSecret")["Resource"], PATTERN);
}

#[test]
fn the_rotation_role_uses_the_secrets_key_only_through_secrets_manager_for_this_secret() {
    let key = KmsKeyArn::parse("arn:aws:kms:us-east-1:123456789012:key/abcd-1234").unwrap();
    let ids = AssignedIds {
        kms_keys: BTreeMap::from([(KeyPurpose::Secrets, key.clone())]),
        ..with_secret()
    };
    let doc = stack().policy(PolicyKind::RotationRole, &ids);
    let kms = statement(&doc, "UseSecretsKeyThroughSecretsManager");
    assert_eq!(kms["Resource"], key.as_str());
    assert_eq!(
        kms["Condition"]["StringEquals"]["kms:ViaService"],
        "secretsmanager.us-east-1.amazonaws.com"
    );
    assert_eq!(
        kms["Condition"]["StringLike"]["kms:EncryptionContext:SecretARN"],
        SECRET
    );
}

#[test]
fn network_interfaces_are_created_only_in_the_stack_s_subnets_once_all_are_known() {
    let s = stack();
    let some = AssignedIds {
        subnets: BTreeMap::from([("us-east-1a".into(), SubnetId::parse("subnet-0a").unwrap())]),
        ..AssignedIds::none()
    };
    let doc = s.policy(PolicyKind::RotationRole, &some);
    let resources = &statement(&doc, "CreateNetworkInterfacesInStackSubnets")["Resource"];
    assert!(
        resources.to_string().contains("subnet/*"),
        "with one subnet of three unknown, the preview pattern stays: {resources}"
    );
    let all = AssignedIds {
        subnets: ["a", "b", "c"]
            .map(|z| {
                (
                    format!("us-east-1{z}"),
                    SubnetId::parse(&format!("subnet-0{z}")).unwrap(),
                )
            })
            .into_iter()
            .collect(),
        ..AssignedIds::none()
    };
    let doc = s.policy(PolicyKind::RotationRole, &all);
    let resources =
        statement(&doc, "CreateNetworkInterfacesInStackSubnets")["Resource"].to_string();
    assert!(resources.contains("subnet/subnet-0c"));
    assert!(!resources.contains("subnet/*"));
}

#[test]
fn trust_policies_admit_one_service_acting_for_this_account() {
    let s = stack();
    for (kind, service) in [
        (PolicyKind::RotationTrust, "lambda.amazonaws.com"),
        (PolicyKind::CloudTrailTrust, "cloudtrail.amazonaws.com"),
    ] {
        let doc = s.policy(kind, &AssignedIds::none());
        let st = &doc["Statement"][0];
        assert_eq!(st["Principal"]["Service"], service);
        assert_eq!(st["Action"], "sts:AssumeRole");
        assert_eq!(
            st["Condition"]["StringEquals"]["aws:SourceAccount"],
            "123456789012"
        );
        assert_eq!(doc["Statement"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn key_policies_administer_from_the_account_and_use_only_through_their_service() {
    let s = stack();
    for (kind, service) in [
        (PolicyKind::DatabaseKey, "rds.us-east-1.amazonaws.com"),
        (
            PolicyKind::SecretsKey,
            "secretsmanager.us-east-1.amazonaws.com",
        ),
    ] {
        let doc = s.policy(kind, &with_secret());
        let admin = statement(&doc, "AccountAdministersKey");
        assert_eq!(admin["Principal"]["AWS"], "arn:aws:iam::123456789012:root");
        let admin_actions = admin["Action"].to_string();
        for forbidden in [
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:CreateGrant",
            "kms:GenerateDataKey",
            "kms:*",
        ] {
            assert!(
                !admin_actions.contains(&format!("\"{forbidden}")),
                "{kind:?}: {forbidden}"
            );
        }
        for st in doc["Statement"].as_array().unwrap() {
            if st["Sid"] == "AccountAdministersKey" {
                continue;
            }
            assert_eq!(
                st["Condition"]["StringEquals"]["kms:ViaService"], service,
                "{kind:?}"
            );
            assert_eq!(
                st["Condition"]["StringEquals"]["kms:CallerAccount"],
                "123456789012"
            );
        }
    }
}

#[test]
fn the_secrets_key_always_names_the_secret_by_pattern_since_it_predates_the_secret() {
    let doc = stack().policy(PolicyKind::SecretsKey, &with_secret());
    let st = statement(&doc, "UseThroughSecretsManagerForThisSecret");
    assert_eq!(
        st["Condition"]["StringLike"]["kms:EncryptionContext:SecretARN"],
        PATTERN
    );
}

#[test]
fn rds_grants_are_only_for_aws_resources() {
    let doc = stack().policy(PolicyKind::DatabaseKey, &AssignedIds::none());
    let st = statement(&doc, "GrantsForRds");
    assert_eq!(st["Action"], "kms:CreateGrant");
    assert_eq!(st["Condition"]["Bool"]["kms:GrantIsForAWSResource"], "true");
}

#[test]
fn the_logs_key_serves_cloudwatch_logs_only_for_the_stack_s_log_groups() {
    let doc = stack().policy(PolicyKind::LogsKey, &AssignedIds::none());
    let st = statement(&doc, "CloudWatchLogsEncryptsStackLogGroups");
    assert_eq!(st["Principal"]["Service"], "logs.us-east-1.amazonaws.com");
    assert_eq!(
        st["Condition"]["StringEquals"]["kms:EncryptionContext:aws:logs:arn"],
        serde_json::json!([
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/rotation-dev",
            "arn:aws:logs:us-east-1:123456789012:log-group:/vault/audit-dev"
        ])
    );
}

#[test]
fn cloudtrail_may_use_the_logs_key_only_while_the_trail_exists() {
    let with = stack().policy(PolicyKind::LogsKey, &AssignedIds::none());
    assert_eq!(
        sids(&with),
        [
            "AccountAdministersKey",
            "CloudWatchLogsEncryptsStackLogGroups",
            "CloudTrailEncryptsThisTrail",
            "CloudTrailDescribesKey",
            "ReadTrailFilesThroughS3"
        ]
    );
    let trail = statement(&with, "CloudTrailEncryptsThisTrail");
    assert_eq!(
        trail["Condition"]["StringEquals"]["aws:SourceArn"],
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/trail-dev"
    );
    let without = fixtures::build(&StackConfig {
        audit: Some(AuditConfig {
            cloudtrail: Input::Set(false),
        }),
        ..config()
    })
    .policy(PolicyKind::LogsKey, &AssignedIds::none());
    assert_eq!(
        sids(&without),
        [
            "AccountAdministersKey",
            "CloudWatchLogsEncryptsStackLogGroups"
        ]
    );
}

#[test]
fn the_audit_bucket_admits_only_this_trail_and_only_over_tls() {
    let doc = stack().policy(PolicyKind::AuditBucket, &AssignedIds::none());
    let trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/trail-dev";
    let acl = statement(&doc, "CloudTrailChecksBucketAcl");
    assert_eq!(acl["Action"], "s3:GetBucketAcl");
    assert_eq!(
        acl["Resource"],
        "arn:aws:s3:::audit-dev-123456789012-us-east-1"
    );
    assert_eq!(acl["Condition"]["StringEquals"]["aws:SourceArn"], trail);
    let put = statement(&doc, "CloudTrailWritesThisTrail");
    assert_eq!(
        put["Resource"],
        "arn:aws:s3:::audit-dev-123456789012-us-east-1/AWSLogs/123456789012/*"
    );
    assert_eq!(
        put["Condition"]["StringEquals"]["s3:x-amz-acl"],
        "bucket-owner-full-control"
    );
    assert_eq!(put["Condition"]["StringEquals"]["aws:SourceArn"], trail);
    let tls = statement(&doc, "DenyInsecureTransport");
    assert_eq!(tls["Effect"], "Deny");
    assert_eq!(tls["Condition"]["Bool"]["aws:SecureTransport"], "false");
}

#[test]
fn endpoints_admit_only_the_rotation_role() {
    let s = stack();
    for kind in [PolicyKind::SecretsManagerEndpoint, PolicyKind::KmsEndpoint] {
        let doc = s.policy(kind, &with_secret());
        for st in doc["Statement"].as_array().unwrap() {
            assert_eq!(
                st["Condition"]["ArnEquals"]["aws:PrincipalArn"],
                "arn:aws:iam::123456789012:role/role-dev-rotation",
                "{kind:?}"
            );
        }
    }
    let doc = s.policy(PolicyKind::SecretsManagerEndpoint, &with_secret());
    assert_eq!(
        statement(&doc, "RotationFunctionRotatesThisSecret")["Resource"],
        SECRET
    );
}

#[test]
fn secrets_manager_may_invoke_the_function_only_for_this_secret_and_account() {
    let doc = stack().policy(PolicyKind::LambdaInvoke, &with_secret());
    let st = statement(&doc, INVOKE_STATEMENT_ID);
    assert_eq!(st["Principal"]["Service"], "secretsmanager.amazonaws.com");
    assert_eq!(st["Action"], "lambda:InvokeFunction");
    assert_eq!(
        st["Resource"],
        "arn:aws:lambda:us-east-1:123456789012:function:rotation-dev"
    );
    assert_eq!(st["Condition"]["ArnLike"]["aws:SourceArn"], SECRET);
    assert_eq!(
        st["Condition"]["StringEquals"]["aws:SourceAccount"],
        "123456789012"
    );
}

#[test]
fn arns_and_regional_principals_follow_the_partition() {
    let mut c = ctx();
    c.region = Some("cn-north-1".into());
    let s = crate::model::ResolvedStack::build(
        &config(),
        &c,
        &fixtures::account(),
        &["cn-north-1a".into(), "cn-north-1b".into()],
    )
    .unwrap();
    let doc = s.policy(PolicyKind::LogsKey, &AssignedIds::none());
    assert_eq!(
        statement(&doc, "CloudWatchLogsEncryptsStackLogGroups")["Principal"]["Service"],
        "logs.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        statement(&doc, "AccountAdministersKey")["Principal"]["AWS"],
        "arn:aws-cn:iam::123456789012:root"
    );
}

#[test]
fn the_allow_list_is_matched_without_regard_to_case() {
    assert!(resource_star_allowed("secretsmanager:getrandompassword"));
    assert!(!resource_star_allowed("secretsmanager:GetSecretValue"));
    assert!(!resource_star_allowed("ec2:CreateNetworkInterface"));
}

#[test]
fn every_policy_kind_has_a_distinct_name() {
    let mut names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), PolicyKind::ALL.len());
}

fn granted_actions(doc: &Value) -> std::collections::BTreeSet<String> {
    doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| match &s["Action"] {
            Value::String(a) => vec![a.clone()],
            Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
            _ => vec![],
        })
        .collect()
}

#[test]
fn the_deployer_policy_grants_every_action_of_the_operation_table_and_no_other() {
    let doc = stack().policy(PolicyKind::Deployer, &AssignedIds::none());
    let granted = granted_actions(&doc);
    let table: std::collections::BTreeSet<String> = deployer::OPERATIONS
        .iter()
        .map(|(_, _, a)| a.to_string())
        .collect();
    assert_eq!(granted, table);
}

#[test]
fn the_deployer_policy_without_a_trail_grants_no_trail_or_bucket_action() {
    let no_trail = fixtures::build(&StackConfig {
        audit: Some(AuditConfig {
            cloudtrail: Input::Set(false),
        }),
        ..config()
    });
    let granted = granted_actions(&no_trail.policy(PolicyKind::Deployer, &AssignedIds::none()));
    assert!(granted
        .iter()
        .all(|a| !a.starts_with("cloudtrail:") || a == "cloudtrail:DescribeTrails"));
    assert!(granted.iter().all(|a| !a.starts_with("s3:")), "{granted:?}");
}

#[test]
fn an_operation_names_its_own_action_first_and_others_only_when_it_has_none() {
    assert_eq!(
        deployer::actions_of_operation("CreateVpc"),
        ["ec2:CreateVpc"]
    );
    assert_eq!(
        deployer::actions_of_operation("HeadBucket"),
        ["s3:ListBucket"]
    );
    assert_eq!(
        deployer::actions_of_operation("CreateFunction"),
        ["lambda:CreateFunction"]
    );
    assert_eq!(
        deployer::actions_of_operation("TagResource"),
        [
            "kms:TagResource",
            "lambda:TagResource",
            "logs:TagResource",
            "secretsmanager:TagResource"
        ]
    );
    assert_eq!(
        deployer::actions_of_call("Lambda", "CreateFunction"),
        ["lambda:CreateFunction", "iam:PassRole"]
    );
}
