//! The schema of `vault_secrets_stack` (SPEC §3.1 inputs, §3.3 outputs). Docs are generated from
//! these descriptions, so they are written for the user.

use vault_core::input::{InputKind, PresenceKind};
use vault_core::Attribute;

use crate::protocol::{self, Schema};
use crate::schema::{
    at_most_one, block, boolean, computed, defaulted, list_of_strings, map_of_strings, number,
    optional, required, sensitive, string,
};

/// An input attribute as its declaration in the core's table says ([`vault_core::stack_inputs`]).
fn input(a: Attribute) -> (&'static str, protocol::Attribute) {
    let t = match a.kind() {
        InputKind::Text => string(),
        InputKind::Number => number(),
        InputKind::Bool => boolean(),
        InputKind::TextList => list_of_strings(),
        InputKind::TextMap => map_of_strings(),
    };
    let presence = a.presence();
    let description = a.description();
    let attribute = match presence.kind {
        PresenceKind::Required => required(t, &description),
        PresenceKind::Optional | PresenceKind::Implied(_) => optional(t, &description),
        PresenceKind::Default(_)
        | PresenceKind::DefaultUnless(..)
        | PresenceKind::ChosenAtApply => defaulted(t, &description),
    };
    let attribute = if presence.sensitive {
        sensitive(attribute)
    } else {
        attribute
    };
    (a.parts().1, attribute)
}

/// The input attributes of a block (`None`: the resource's own).
fn inputs_of(
    block: Option<&str>,
) -> impl Iterator<Item = (&'static str, protocol::Attribute)> + '_ {
    Attribute::ALL
        .into_iter()
        .filter(move |a| *a != Attribute::Region && a.parts().0 == block)
        .map(input)
}

pub fn stack_schema() -> Schema {
    let mut b = block(
        "A complete AWS secrets platform in one block: Aurora MySQL credentials held only in \
         Secrets Manager, encrypted with customer-managed KMS keys, rotated by a Lambda function \
         in a private VPC, with VPC endpoints, least-privilege IAM, encrypted audit logs and \
         compliance tags. Every object is named `{resource-type}-{environment_suffix}` and tagged \
         `vault:stack = <environment_suffix>`.",
        inputs_of(None).chain([
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
        ]).collect(),
    );
    for (name, description) in Attribute::BLOCKS {
        let nested = block(description, inputs_of(Some(name)).collect());
        b.blocks.insert(name.to_string(), at_most_one(nested));
    }
    Schema {
        version: 1,
        block: b,
    }
}
