//! From resolved inputs to the list of components of SPEC §3.2.

use std::collections::BTreeMap;

use crate::defaults as d;
use crate::graph::ComponentId;
use crate::input::Tags;
use crate::model::component::*;
use crate::model::inputs::{RotationStrategy, StackInputs};
use crate::model::logical;
use crate::model::naming::Naming;
use crate::model::ModelError;
use crate::policy::PolicyKind;

const HTTPS: u16 = 443;

fn inside(id: &ComponentId) -> Dependency {
    Dependency {
        on: id.clone(),
        kind: DependencyKind::Inside,
    }
}

fn refers(id: &ComponentId) -> Dependency {
    Dependency {
        on: id.clone(),
        kind: DependencyKind::Refers,
    }
}

fn after(id: &ComponentId) -> Dependency {
    Dependency {
        on: id.clone(),
        kind: DependencyKind::After,
    }
}

struct Builder<'a> {
    inputs: &'a StackInputs,
    naming: &'a Naming,
    out: Vec<Component>,
}

impl Builder<'_> {
    /// Tags, later ones winning: the provider's `default_tags`, the resource's `tags`, then the
    /// ones the stack owns: `Environment`, the management tag and, for kinds named by tag, `Name`.
    /// A kind that cannot be tagged gets `None`.
    fn tags(&self, kind: ComponentKind, name: Option<&str>) -> Option<Tags> {
        if !kind.taggable() {
            return None;
        }
        let mut tags = self.inputs.default_tags.clone();
        tags.extend(self.inputs.tags.clone());
        let suffix = self.inputs.environment_suffix.as_str().to_string();
        tags.insert("Environment".into(), suffix.clone());
        tags.insert(d::MANAGEMENT_TAG.into(), suffix);
        // Validation allows 50 tags counting Environment, the management tag and one mark
        // (completion or owner); `Name` comes on top, so it is added only where AWS's limit of
        // 50 leaves room (or replaces the user's).
        if let (true, Some(name)) = (kind.named_by_tag(), name) {
            if tags.len() + 1 < d::MAX_TAGS || tags.contains_key("Name") {
                tags.insert("Name".into(), name.to_string());
            }
        }
        Some(tags)
    }

    fn add(
        &mut self,
        id: ComponentId,
        name: Option<String>,
        depends_on: Vec<Dependency>,
        settings: Settings,
    ) -> ComponentId {
        let tags = self.tags(settings.kind(), name.as_deref());
        self.out.push(Component {
            id: id.clone(),
            name,
            tags,
            depends_on,
            settings,
        });
        id
    }
}

pub(crate) fn components(
    inputs: &StackInputs,
    naming: &Naming,
) -> Result<Vec<Component>, ModelError> {
    let mut b = Builder {
        inputs,
        naming,
        out: Vec::new(),
    };
    let n = naming;
    let zones = &inputs.network.availability_zones;
    let subnet_cidrs = inputs
        .network
        .cidr_block
        .subnets(zones.len())
        .map_err(ModelError::Cidr)?;

    // Network: a VPC, one private subnet per zone, one route table with only the local route.
    let vpc = b.add(
        logical::vpc(),
        Some(n.vpc()),
        vec![],
        Settings::Vpc(VpcSettings {
            cidr_block: inputs.network.cidr_block,
            enable_dns_support: true,
            enable_dns_hostnames: true,
            restrict_default_security_group: true,
        }),
    );
    let subnets: Vec<ComponentId> = zones
        .iter()
        .zip(&subnet_cidrs)
        .map(|(zone, cidr)| {
            b.add(
                logical::subnet(zone),
                Some(n.subnet(zone)),
                vec![inside(&vpc)],
                Settings::Subnet(SubnetSettings {
                    vpc: vpc.clone(),
                    availability_zone: zone.clone(),
                    cidr_block: *cidr,
                    map_public_ip_on_launch: false,
                }),
            )
        })
        .collect();
    let route_table = b.add(
        logical::route_table(),
        Some(n.route_table()),
        vec![inside(&vpc)],
        Settings::RouteTable(RouteTableSettings { vpc: vpc.clone() }),
    );
    for (zone, subnet) in zones.iter().zip(&subnets) {
        b.add(
            logical::route_table_association(zone),
            None,
            vec![inside(&route_table), inside(subnet)],
            Settings::RouteTableAssociation(RouteTableAssociationSettings {
                route_table: route_table.clone(),
                subnet: subnet.clone(),
            }),
        );
    }

    // Security groups and the only flows between them.
    let group = |b: &mut Builder, role: SecurityGroupRole, description: &str| {
        b.add(
            logical::security_group(role),
            Some(n.security_group(role)),
            vec![inside(&vpc)],
            Settings::SecurityGroup(SecurityGroupSettings {
                role,
                vpc: vpc.clone(),
                description: description.to_string(),
                revoke_default_egress: true,
            }),
        )
    };
    let sg_lambda = group(
        &mut b,
        SecurityGroupRole::Lambda,
        "Rotation function: reaches only the database and the endpoints",
    );
    let sg_database = group(
        &mut b,
        SecurityGroupRole::Database,
        "Aurora cluster: reachable only from the rotation function",
    );
    let sg_endpoints = group(
        &mut b,
        SecurityGroupRole::Endpoints,
        "Interface endpoints: reachable only from the rotation function",
    );
    let port = inputs.database.port;
    let rules = [
        (
            logical::RULE_DATABASE_FROM_LAMBDA,
            &sg_database,
            Direction::Ingress,
            port,
            &sg_lambda,
            "database from rotation function",
        ),
        (
            logical::RULE_ENDPOINTS_FROM_LAMBDA,
            &sg_endpoints,
            Direction::Ingress,
            HTTPS,
            &sg_lambda,
            "endpoints from rotation function",
        ),
        (
            logical::RULE_LAMBDA_TO_DATABASE,
            &sg_lambda,
            Direction::Egress,
            port,
            &sg_database,
            "rotation function to database",
        ),
        (
            logical::RULE_LAMBDA_TO_ENDPOINTS,
            &sg_lambda,
            Direction::Egress,
            HTTPS,
            &sg_endpoints,
            "rotation function to endpoints",
        ),
    ];
    let mut rule_ids = Vec::new();
    for (name, group, direction, port, peer, description) in rules {
        rule_ids.push(b.add(
            logical::security_group_rule(name),
            None,
            vec![inside(group), inside(peer)],
            Settings::SecurityGroupRule(SecurityGroupRuleSettings {
                group: group.clone(),
                direction,
                port,
                peer: peer.clone(),
                description: description.to_string(),
            }),
        ));
    }

    // Keys, with rotation on, and their aliases.
    let mut keys = BTreeMap::new();
    for purpose in KeyPurpose::ALL {
        let key = b.add(
            logical::kms_key(purpose),
            Some(n.kms_key(purpose)),
            vec![],
            Settings::KmsKey(KmsKeySettings {
                purpose,
                description: format!(
                    "vault_secrets_stack {}: {}",
                    inputs.environment_suffix,
                    match purpose {
                        KeyPurpose::Database => "Aurora storage",
                        KeyPurpose::Secrets => "Secrets Manager secret",
                        KeyPurpose::Logs => "CloudWatch Logs and the audit trail",
                    }
                ),
                key_spec: "SYMMETRIC_DEFAULT",
                key_usage: "ENCRYPT_DECRYPT",
                enable_key_rotation: true,
                deletion_window_days: inputs.kms.deletion_window_in_days,
                policy: PolicyKind::key(purpose),
            }),
        );
        b.add(
            logical::kms_alias(purpose),
            Some(n.kms_alias(purpose)),
            vec![refers(&key)],
            Settings::KmsAlias(KmsAliasSettings { key: key.clone() }),
        );
        keys.insert(purpose, key);
    }
    let key_database = keys[&KeyPurpose::Database].clone();
    let key_secrets = keys[&KeyPurpose::Secrets].clone();
    let key_logs = keys[&KeyPurpose::Logs].clone();

    // Log groups: created by the stack, so they are encrypted and expire, before anything writes.
    let log_group = |b: &mut Builder, purpose: LogGroupPurpose| {
        b.add(
            logical::log_group(purpose),
            Some(n.log_group(purpose)),
            vec![refers(&key_logs)],
            Settings::LogGroup(LogGroupSettings::from_inputs(
                inputs,
                LogGroupGiven {
                    purpose,
                    kms_key: key_logs.clone(),
                },
            )),
        )
    };
    let lg_rotation = log_group(&mut b, LogGroupPurpose::Rotation);
    let lg_audit = log_group(&mut b, LogGroupPurpose::Audit);

    // The secret holds the first password before the cluster uses it.
    let secret = b.add(
        logical::secret(),
        Some(n.secret()),
        vec![refers(&key_secrets)],
        Settings::Secret(SecretSettings {
            description: format!(
                "Aurora MySQL master credentials of vault_secrets_stack {}",
                inputs.environment_suffix
            ),
            kms_key: key_secrets.clone(),
            engine: "mysql",
            username: inputs.database.master_username.clone(),
            dbname: inputs.database.database_name.clone(),
            port,
            db_cluster_identifier: n.db_cluster(),
            initial_password: Some(PasswordPolicy {
                length: inputs.rotation.password_length,
                exclude_characters: inputs.rotation.exclude_characters.clone(),
            }),
            master_secret: None,
            force_delete_without_recovery: true,
        }),
    );

    // Alternating users: the application secret, rotated by logging in with the master secret.
    // It starts without a password: its first rotation creates the user (see secret_rotation/app).
    let app_secret = (inputs.rotation.strategy == RotationStrategy::AlternatingUsers).then(|| {
        b.add(
            logical::app_secret(),
            Some(n.app_secret()),
            vec![refers(&key_secrets), refers(&secret)],
            Settings::Secret(SecretSettings {
                description: format!(
                    "Aurora MySQL application credentials (alternating users) of \
                     vault_secrets_stack {}",
                    inputs.environment_suffix
                ),
                kms_key: key_secrets.clone(),
                engine: "mysql",
                username: inputs.rotation.app_username.clone(),
                dbname: inputs.database.database_name.clone(),
                port,
                db_cluster_identifier: n.db_cluster(),
                initial_password: None,
                master_secret: Some(secret.clone()),
                force_delete_without_recovery: true,
            }),
        )
    });
    let secrets: Vec<&ComponentId> = std::iter::once(&secret).chain(&app_secret).collect();

    // Interface endpoints: the function's only way out of the VPC.
    let mut endpoints = Vec::new();
    for (service, policy_dep) in [
        (EndpointService::SecretsManager, &secret),
        (EndpointService::Kms, &key_secrets),
    ] {
        let mut deps = vec![inside(&vpc), refers(&sg_endpoints), refers(policy_dep)];
        if service == EndpointService::SecretsManager {
            deps.extend(app_secret.iter().map(refers));
        }
        deps.extend(subnets.iter().map(refers));
        endpoints.push(b.add(
            logical::vpc_endpoint(service),
            Some(n.vpc_endpoint(service)),
            deps,
            Settings::VpcEndpoint(VpcEndpointSettings {
                service,
                service_name: service.service_name(&inputs.region.to_string()),
                vpc: vpc.clone(),
                subnets: subnets.clone(),
                security_groups: vec![sg_endpoints.clone()],
                private_dns_enabled: true,
                policy: PolicyKind::endpoint(service),
            }),
        ));
    }

    // Audit trail of secret access.
    if inputs.audit.cloudtrail {
        let bucket = b.add(
            logical::s3_bucket(),
            Some(n.audit_bucket()),
            vec![],
            Settings::S3Bucket(S3BucketSettings {
                force_destroy: true,
            }),
        );
        let public_access_block = b.add(
            logical::s3_bucket_public_access_block(),
            None,
            vec![inside(&bucket)],
            Settings::S3BucketPublicAccessBlock(S3BucketPublicAccessBlockSettings {
                bucket: bucket.clone(),
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            }),
        );
        let encryption = b.add(
            logical::s3_bucket_encryption(),
            None,
            vec![inside(&bucket), refers(&key_logs)],
            Settings::S3BucketEncryption(S3BucketEncryptionSettings {
                bucket: bucket.clone(),
                kms_key: key_logs.clone(),
                // Off, so every object is encrypted under CloudTrail's own encryption context,
                // which the logs key's policy conditions on. The trail writes a few files an hour.
                bucket_key_enabled: false,
            }),
        );
        let bucket_policy = b.add(
            logical::s3_bucket_policy(),
            None,
            vec![inside(&bucket)],
            Settings::S3BucketPolicy(S3BucketPolicySettings {
                bucket: bucket.clone(),
                policy: PolicyKind::AuditBucket,
            }),
        );
        let (role, role_policy) = role_with_policy(&mut b, RolePurpose::CloudTrail, vec![]);
        b.add(
            logical::cloudtrail(),
            Some(n.trail()),
            vec![
                refers(&bucket),
                after(&public_access_block),
                after(&encryption),
                // CloudTrail checks the bucket policy, and the role's permissions, on creation.
                after(&bucket_policy),
                refers(&lg_audit),
                refers(&role),
                after(&role_policy),
                refers(&key_logs),
            ],
            Settings::CloudTrail(CloudTrailSettings {
                bucket: bucket.clone(),
                log_group: lg_audit.clone(),
                cloudwatch_logs_role: role.clone(),
                kms_key: key_logs.clone(),
                is_multi_region_trail: false,
                include_global_service_events: false,
                enable_log_file_validation: true,
                read_write_type: "All".into(),
            }),
        );
        b.add(
            logical::metric_filter(),
            Some(n.metric_filter()),
            vec![inside(&lg_audit)],
            Settings::MetricFilter(MetricFilterSettings {
                log_group: lg_audit.clone(),
                pattern: secret_access_pattern(n),
                metric_namespace: n.metric_namespace(),
                metric_name: "SecretAccess".to_string(),
                metric_value: "1".to_string(),
            }),
        );
    }

    // Aurora MySQL: subnet group, parameter group, cluster, instances round-robin over zones.
    let mut subnet_group_deps: Vec<Dependency> = subnets.iter().map(refers).collect();
    // A subnet group in use cannot move to another VPC: a new VPC means a new group (and cluster).
    subnet_group_deps.push(inside(&vpc));
    let subnet_group = b.add(
        logical::db_subnet_group(),
        Some(n.db_subnet_group()),
        subnet_group_deps,
        Settings::DbSubnetGroup(DbSubnetGroupSettings {
            description: format!(
                "Private subnets of vault_secrets_stack {}",
                inputs.environment_suffix
            ),
            subnets: subnets.clone(),
        }),
    );
    let parameter_group = b.add(
        logical::db_cluster_parameter_group(),
        Some(n.db_cluster_parameter_group()),
        vec![],
        Settings::DbClusterParameterGroup(DbClusterParameterGroupSettings {
            family: "aurora-mysql8.0",
            description: format!(
                "TLS-only connections for vault_secrets_stack {}",
                inputs.environment_suffix
            ),
            parameters: BTreeMap::from([("require_secure_transport".into(), "ON".into())]),
        }),
    );
    let cluster = b.add(
        logical::db_cluster(),
        Some(n.db_cluster()),
        vec![
            inside(&subnet_group),
            refers(&parameter_group),
            refers(&sg_database),
            inside(&key_database),
            refers(&secret),
        ],
        Settings::DbCluster(DbClusterSettings::from_inputs(
            inputs,
            DbClusterGiven {
                engine: crate::defaults::ENGINE,
                master_username: inputs.database.master_username.clone(),
                master_password_secret: secret.clone(),
                subnet_group: subnet_group.clone(),
                parameter_group: parameter_group.clone(),
                security_groups: vec![sg_database.clone()],
                kms_key: key_database.clone(),
                storage_encrypted: true,
                deletion_protection: false,
                skip_final_snapshot: true,
                copy_tags_to_snapshot: true,
            },
        )),
    );
    let mut instances = Vec::new();
    for index in 1..=inputs.database.instance_count {
        let zone = &zones[(usize::from(index) - 1) % zones.len()];
        instances.push(b.add(
            logical::db_instance(index),
            Some(n.db_instance(index)),
            vec![inside(&cluster)],
            Settings::DbInstance(DbInstanceSettings::from_inputs(
                inputs,
                DbInstanceGiven {
                    index,
                    cluster: cluster.clone(),
                    engine: crate::defaults::ENGINE,
                    availability_zone: zone.clone(),
                    publicly_accessible: false,
                },
            )),
        ));
    }

    // The rotation function, its role and the permission Secrets Manager invokes it with.
    let mut rotation_policy_deps: Vec<Dependency> = secrets.iter().copied().map(refers).collect();
    rotation_policy_deps.extend([refers(&key_secrets), refers(&sg_lambda)]);
    rotation_policy_deps.extend(subnets.iter().map(refers));
    let (role, role_policy) = role_with_policy(&mut b, RolePurpose::Rotation, rotation_policy_deps);
    let mut function_deps = vec![
        refers(&role),
        // Lambda checks the role may create network interfaces when the function is created.
        after(&role_policy),
        refers(&sg_lambda),
        refers(&lg_rotation),
    ];
    function_deps.extend(subnets.iter().map(refers));
    let function = b.add(
        logical::lambda_function(),
        Some(n.lambda_function()),
        function_deps,
        Settings::LambdaFunction(LambdaFunctionSettings::from_inputs(
            inputs,
            LambdaFunctionGiven {
                role: role.clone(),
                handler: "index.handler".into(),
                subnets: subnets.clone(),
                security_groups: vec![sg_lambda.clone()],
                environment: BTreeMap::from([
                    (
                        "EXCLUDE_CHARACTERS".to_string(),
                        inputs.rotation.exclude_characters.clone(),
                    ),
                    (
                        "PASSWORD_LENGTH".to_string(),
                        inputs.rotation.password_length.to_string(),
                    ),
                    (
                        "SECRETS_MANAGER_ENDPOINT".to_string(),
                        format!("https://{}", inputs.region.service_host("secretsmanager")),
                    ),
                ]),
                log_group: lg_rotation.clone(),
            },
        )),
    );
    // One invoke permission and one rotation per secret; the function tells the strategies apart
    // by the secret's value. Rotation last: the first rotation needs the function to reach the
    // database and the endpoints.
    for rotated in secrets {
        let app = Some(rotated) == app_secret.as_ref();
        let (permission_id, statement_id, rotation_id) = if app {
            (
                logical::app_lambda_permission(),
                crate::policy::APP_INVOKE_STATEMENT_ID,
                logical::app_secret_rotation(),
            )
        } else {
            (
                logical::lambda_permission(),
                crate::policy::INVOKE_STATEMENT_ID,
                logical::secret_rotation(),
            )
        };
        let permission = b.add(
            permission_id,
            None,
            vec![inside(&function), inside(rotated)],
            Settings::LambdaPermission(LambdaPermissionSettings {
                function: function.clone(),
                statement_id: statement_id.to_string(),
                action: "lambda:InvokeFunction".into(),
                principal: "secretsmanager.amazonaws.com".into(),
                source_secret: rotated.clone(),
                source_account: naming.account().clone(),
                policy: PolicyKind::LambdaInvoke,
            }),
        );
        let mut rotation_deps = vec![
            inside(rotated),
            refers(&function),
            after(&permission),
            after(&role_policy),
            after(&cluster),
        ];
        rotation_deps.extend(instances.iter().map(after));
        rotation_deps.extend(endpoints.iter().map(after));
        rotation_deps.extend(rule_ids.iter().map(after));
        b.add(
            rotation_id,
            None,
            rotation_deps,
            Settings::SecretRotation(SecretRotationSettings {
                secret: rotated.clone(),
                function: function.clone(),
                schedule: inputs.rotation.schedule(),
                rotate_immediately: inputs.rotation.rotate_immediately,
                // The provider cannot reach the private database, so the application secret's
                // first rotation, which creates its user, starts as soon as rotation is on.
                first_rotation_at_once: app,
            }),
        );
    }

    Ok(b.out)
}

fn role_with_policy(
    b: &mut Builder,
    purpose: RolePurpose,
    mut policy_deps: Vec<Dependency>,
) -> (ComponentId, ComponentId) {
    let n = b.naming;
    let (trust, policy, description) = match purpose {
        RolePurpose::Rotation => (
            PolicyKind::RotationTrust,
            PolicyKind::RotationRole,
            "Rotation function of vault_secrets_stack",
        ),
        RolePurpose::CloudTrail => (
            PolicyKind::CloudTrailTrust,
            PolicyKind::CloudTrailRole,
            "CloudTrail delivery to CloudWatch Logs for vault_secrets_stack",
        ),
    };
    let role = b.add(
        logical::iam_role(purpose),
        Some(n.iam_role(purpose)),
        vec![],
        Settings::IamRole(IamRoleSettings {
            purpose,
            description: format!("{description} {}", b.inputs.environment_suffix),
            trust_policy: trust,
        }),
    );
    policy_deps.insert(0, inside(&role));
    let role_policy = b.add(
        logical::iam_role_policy(purpose),
        Some(n.iam_role_policy(purpose)),
        policy_deps,
        Settings::IamRolePolicy(IamRolePolicySettings {
            role: role.clone(),
            policy,
        }),
    );
    (role, role_policy)
}

/// Calls to this stack's secret, by name or by ARN, as CloudTrail records them.
fn secret_access_pattern(n: &Naming) -> String {
    let arn_prefix = n.secret_arn_pattern().trim_end_matches('?').to_string();
    format!(
        "{{ ($.eventSource = \"secretsmanager.amazonaws.com\") && \
         (($.requestParameters.secretId = \"{}\") || ($.requestParameters.secretId = \"{arn_prefix}*\")) }}",
        n.secret()
    )
}
