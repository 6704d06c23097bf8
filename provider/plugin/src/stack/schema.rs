//! The schema of `vault_secrets_stack` (SPEC §3.1 inputs, §3.3 outputs). Docs are generated from
//! these descriptions, so they are written for the user.

use vault_core::defaults as d;

use crate::protocol::{Block, Schema};
use crate::schema::{
    at_most_one, block, boolean, computed, defaulted, list_of_strings, map_of_strings, number,
    optional, required, sensitive, string,
};

fn network() -> Block {
    block(
        "The private network the stack lives in. No internet gateway, NAT or public IP mapping is \
         ever created.",
        vec![
            (
                "cidr_block",
                defaulted(string(), &format!("IPv4 block of the VPC, /16 to /28. Default `{}`. Changing it replaces the network and everything in it.", d::CIDR_BLOCK)),
            ),
            (
                "availability_zones",
                defaulted(
                    list_of_strings(),
                    "Availability zones of the private subnets (one subnet each), at least two, all \
                     in the provider's region, each offering the Secrets Manager and KMS \
                     interface endpoints and the instance class (checked at plan). Default: the \
                     region's first three available zones that do, looked up at apply.",
                ),
            ),
        ],
    )
}

fn database() -> Block {
    block(
        "The Aurora MySQL 8.0 cluster whose master credentials the stack holds and rotates.",
        vec![
            ("engine_version", defaulted(string(), &format!("Aurora MySQL 8.0 (Aurora MySQL 3) engine version. Default `{}`.", d::ENGINE_VERSION))),
            ("instance_class", defaulted(string(), &format!("DB instance class. Default `{}`. `db.t3.small` and smaller are rejected: Aurora MySQL 8.0 does not run on them.", d::INSTANCE_CLASS))),
            ("instance_count", defaulted(number(), &format!("Number of cluster instances (1 writer, the rest readers), 1 to 16, spread over the availability zones. Default `{}`.", d::INSTANCE_COUNT))),
            ("database_name", defaulted(string(), &format!("Name of the initial database. Default `{}`.", d::DATABASE_NAME))),
            ("master_username", sensitive(defaulted(string(), &format!("Master user name, 1 to 16 characters. Sensitive: half of the credential pair, kept out of plan output. Default `{}`.", d::MASTER_USERNAME)))),
            ("port", defaulted(number(), &format!("Port the cluster listens on, 1150 to 65535. Default `{}`.", d::PORT))),
            ("backup_retention_days", defaulted(number(), &format!("Days of automated backups, 1 to 35. Default `{}`.", d::BACKUP_RETENTION_DAYS))),
        ],
    )
}

fn rotation() -> Block {
    block(
        "How the master password is rotated by the stack's Lambda function.",
        vec![
            ("automatically_after_days", defaulted(number(), &format!("Rotate every N days, 1 to 1000. Default `{}`. Conflicts with `schedule_expression`.", d::ROTATION_DAYS))),
            ("schedule_expression", optional(string(), "A `rate(...)` or six-field `cron(...)` rotation schedule instead of `automatically_after_days`.")),
            ("duration", optional(string(), "Rotation window with `schedule_expression`, whole hours from `1h` to `24h`.")),
            ("runtime", defaulted(string(), &format!("Node.js runtime of the rotation function: {}. Default `{}`. `nodejs18.x` is accepted with a warning: AWS blocks new functions on it.", d::RUNTIMES_SUPPORTED.join(", "), d::RUNTIME))),
            ("timeout_seconds", defaulted(number(), &format!("Rotation function timeout, 1 to 900 seconds. Default `{}`.", d::TIMEOUT_SECONDS))),
            ("memory_mb", defaulted(number(), &format!("Rotation function memory, 128 to 10240 MB. Default `{}`.", d::MEMORY_MB))),
            ("exclude_characters", defaulted(string(), &format!("Characters generated passwords never contain; must include `/`, `'`, `\"` and `@`, which Aurora rejects. Default `{}`.", d::EXCLUDE_CHARACTERS))),
            ("password_length", defaulted(number(), &format!("Length of generated passwords, 8 to 41 (Aurora MySQL's limit). Default `{}`.", d::PASSWORD_LENGTH))),
            ("rotate_immediately", defaulted(boolean(), "Rotate once as soon as rotation is configured. Default `false`.")),
            ("strategy", defaulted(string(), &format!("`{}`: the master secret's user changes its own password (an application holding the old one fails until it reads the secret again). `{}`: the stack also holds an application secret `secret-<suffix>-app` that alternates between `app_username` and `<app_username>_clone`, created and changed by the function logging in with the master secret, so the credentials an application holds keep working until the rotation after next (zero downtime). Its first rotation starts at create and creates the user with privileges on `database_name` only. Switching is an in-place update that adds or removes the application secret and its rotation. Default `{}`.", d::STRATEGY_SINGLE_USER, d::STRATEGY_ALTERNATING_USERS, d::STRATEGY_SINGLE_USER))),
            ("app_username", optional(string(), &format!("The application user of `alternating_users`: 1 to {} letters, digits or underscores, starting with a letter, not ending in `_clone`, not the master user. Changing it replaces the application secret (the new user is created by its first rotation; the old users stay in the database). Default `{}`.", d::APP_USERNAME_MAX_LEN, d::APP_USERNAME))),
        ],
    )
}

fn logs() -> Block {
    block(
        "The KMS-encrypted CloudWatch log groups of the rotation function and the audit trail.",
        vec![(
            "retention_in_days",
            defaulted(number(), &format!("Retention of both log groups; one of the periods CloudWatch Logs offers (1, 3, 5, 7, 14, 30, ... 3653). Default `{}`.", d::LOG_RETENTION_DAYS)),
        )],
    )
}

fn kms() -> Block {
    block(
        "The customer-managed KMS keys (database, secrets, logs).",
        vec![(
            "deletion_window_in_days",
            defaulted(
                number(),
                &format!(
                    "Days between destroy and key deletion, 7 to 30. Default `{}`.",
                    d::KMS_DELETION_WINDOW_DAYS
                ),
            ),
        )],
    )
}

fn audit() -> Block {
    block(
        "The audit trail of secret access.",
        vec![(
            "cloudtrail",
            defaulted(boolean(), "Create a CloudTrail trail delivering management events to the encrypted audit log group and an S3 bucket, with a metric filter on this secret's calls. Turn off in accounts that already run an organisation trail. Default `true`."),
        )],
    )
}

fn timeouts() -> Block {
    block(
        "How long apply and destroy may take, in Terraform duration strings such as `90m`.",
        vec![
            (
                "create",
                defaulted(string(), &format!("Default `{}`.", d::CREATE_TIMEOUT)),
            ),
            (
                "update",
                defaulted(string(), &format!("Default `{}`.", d::UPDATE_TIMEOUT)),
            ),
            (
                "delete",
                defaulted(string(), &format!("Default `{}`.", d::DELETE_TIMEOUT)),
            ),
        ],
    )
}

pub fn stack_schema() -> Schema {
    let mut b = block(
        "A complete AWS secrets platform in one block: Aurora MySQL credentials held only in \
         Secrets Manager, encrypted with customer-managed KMS keys, rotated by a Lambda function \
         in a private VPC, with VPC endpoints, least-privilege IAM, encrypted audit logs and \
         compliance tags. Every object is named `{resource-type}-{environment_suffix}` and tagged \
         `vault:stack = <environment_suffix>`.",
        vec![
            ("environment_suffix", required(string(), "Suffix of every object name (`{resource-type}-{suffix}`), `[a-z0-9-]{1,24}`. Also the import id. Changing it replaces the whole stack.")),
            ("tags", optional(map_of_strings(), "Tags for every taggable object, merged over the provider's `default_tags`. `CostCenter` and `Compliance` must be set here or in `default_tags`; `Environment` is always the suffix.")),
            ("id", computed(string(), "The stack's id: its `environment_suffix`.")),
            ("tags_all", computed(map_of_strings(), "All tags every object carries: `default_tags`, `tags`, `Environment` and the management tag `vault:stack`.")),
            ("secret_arn", computed(string(), "ARN of the Secrets Manager secret holding the database credentials.")),
            ("secret_name", computed(string(), "Name of the secret.")),
            ("app_secret_arn", computed(string(), "ARN of the application secret `secret-<suffix>-app` of `rotation.strategy = \"alternating_users\"`; null with `single_user`.")),
            ("vpc_id", computed(string(), "Id of the VPC.")),
            ("private_subnet_ids", computed(list_of_strings(), "Ids of the private subnets, one per availability zone, in zone order.")),
            ("security_group_ids", computed(map_of_strings(), "Security group ids by role: `lambda`, `database`, `endpoints`.")),
            ("vpc_endpoint_ids", computed(map_of_strings(), "Interface VPC endpoint ids by service: `secretsmanager`, `kms`.")),
            ("kms_key_arns", computed(map_of_strings(), "Customer-managed key ARNs by use: `database`, `secrets`, `logs`.")),
            ("cluster_arn", computed(string(), "ARN of the Aurora cluster.")),
            ("cluster_endpoint", computed(string(), "Writer endpoint of the Aurora cluster.")),
            ("reader_endpoint", computed(string(), "Reader endpoint of the Aurora cluster.")),
            ("rotation_lambda_arn", computed(string(), "ARN of the rotation function.")),
            ("rotation_role_arn", computed(string(), "ARN of the rotation function's IAM role.")),
            ("log_group_names", computed(map_of_strings(), "CloudWatch log group names by use: `rotation`, `audit`.")),
            ("rotation_policy_json", computed(string(), "The synthesized inline IAM policy of the rotation role, for review in CI. A plan shows its new value whenever every id it names is known; it is unknown only when it will name an object apply creates, and the plan's warning then names the statements that change.")),
            ("components", computed(map_of_strings(), "Every managed AWS object: logical name to AWS id. In a plan only the entries of objects created or replaced are unknown; those of deleted objects are removed.")),
            ("drift", computed(list_of_strings(), "Differences between the AWS objects and the configuration found by the last refresh, as `component: difference`. A plan that shows this list emptying repairs them.")),
        ],
    );
    for (name, nested) in [
        ("network", network()),
        ("database", database()),
        ("rotation", rotation()),
        ("logs", logs()),
        ("kms", kms()),
        ("audit", audit()),
        ("timeouts", timeouts()),
    ] {
        b.blocks.insert(name.to_string(), at_most_one(nested));
    }
    Schema {
        version: 1,
        block: b,
    }
}
