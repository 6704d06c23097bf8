//! Terraform Registry documentation rendered from the schemas' descriptions and the examples, in
//! the layout the Registry reads (`docs/index.md`, `docs/resources/`, `docs/data-sources/`).

use std::fmt::Write;
use std::path::Path;

use crate::protocol::{
    Attribute, AttributeConstraint, AttributeType, Block, IdentitySchema, NestedBlock, Schema,
};

fn type_name(t: &AttributeType) -> String {
    match t {
        AttributeType::String => "String".into(),
        AttributeType::Number => "Number".into(),
        AttributeType::Bool => "Boolean".into(),
        AttributeType::List(inner) => format!("List of {}", type_name(inner)),
        AttributeType::Set(inner) => format!("Set of {}", type_name(inner)),
        AttributeType::Map(inner) => format!("Map of {}", type_name(inner)),
        _ => "Dynamic".into(),
    }
}

fn sorted<T>(m: &std::collections::HashMap<String, T>) -> Vec<(&String, &T)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

fn attribute_line(out: &mut String, name: &str, a: &Attribute) {
    let sensitive = if a.sensitive { ", Sensitive" } else { "" };
    let _ = writeln!(
        out,
        "- `{name}` ({}{sensitive}) {}",
        type_name(&a.attr_type),
        a.description.content
    );
}

fn nested_block(nb: &NestedBlock) -> (&Block, &'static str) {
    match nb {
        NestedBlock::Optional(b) => (b, "Block List, Max: 1"),
        NestedBlock::Single(b) => (b, "Block, Required"),
        NestedBlock::List(b) => (b, "Block List"),
        NestedBlock::Set(b) => (b, "Block Set"),
        NestedBlock::Map(b) => (b, "Block Map"),
        NestedBlock::Group(b) => (b, "Block"),
    }
}

/// The `## Schema` section: required, optional and read-only attributes, then nested blocks.
fn schema_section(block: &Block) -> String {
    let mut out = String::from("## Schema\n");
    let groups = [
        ("Required", vec![AttributeConstraint::Required]),
        (
            "Optional",
            vec![
                AttributeConstraint::Optional,
                AttributeConstraint::OptionalComputed,
            ],
        ),
        ("Read-Only", vec![AttributeConstraint::Computed]),
    ];
    for (title, constraints) in groups {
        let attrs: Vec<_> = sorted(&block.attributes)
            .into_iter()
            .filter(|(_, a)| constraints.contains(&a.constraint))
            .collect();
        let blocks: Vec<_> = if title == "Optional" {
            sorted(&block.blocks)
        } else {
            Vec::new()
        };
        if attrs.is_empty() && blocks.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for (name, a) in attrs {
            attribute_line(&mut out, name, a);
        }
        for (name, nb) in &blocks {
            let (b, kind) = nested_block(nb);
            let _ = writeln!(
                out,
                "- `{name}` ({kind}) {} (see [below for nested schema](#nestedblock--{name}))",
                b.description.content
            );
        }
    }
    for (name, nb) in sorted(&block.blocks) {
        let (b, _) = nested_block(nb);
        let _ = writeln!(
            out,
            "\n<a id=\"nestedblock--{name}\"></a>\n### Nested Schema for `{name}`\n"
        );
        for (title, constraints) in [
            ("Required", vec![AttributeConstraint::Required]),
            (
                "Optional",
                vec![
                    AttributeConstraint::Optional,
                    AttributeConstraint::OptionalComputed,
                ],
            ),
            ("Read-Only", vec![AttributeConstraint::Computed]),
        ] {
            let attrs: Vec<_> = sorted(&b.attributes)
                .into_iter()
                .filter(|(_, a)| constraints.contains(&a.constraint))
                .collect();
            if attrs.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title}:\n");
            for (n, a) in attrs {
                attribute_line(&mut out, n, a);
            }
            out.push('\n');
        }
    }
    if block.attributes.is_empty() && block.blocks.is_empty() {
        out.push_str("\nNo arguments.\n");
    }
    out.trim_end().to_string() + "\n"
}

fn example(root: &Path, path: &str, lang: &str) -> String {
    match std::fs::read_to_string(root.join(path)) {
        Ok(code) => format!("```{lang}\n{}\n```\n", code.trim_end()),
        Err(_) => String::new(),
    }
}

fn front_matter(title: &str, description: &str) -> String {
    let first = description.split(". ").next().unwrap_or(description);
    format!(
        "---\npage_title: \"{title} - terraform-provider-vault\"\nsubcategory: \"\"\ndescription: |-\n  {}\n---\n\n",
        first.trim_end_matches('.')
    )
}

pub struct Page<'a> {
    pub kind: &'static str,
    pub name: &'a str,
    pub schema: Schema,
    pub example: &'a str,
    pub import: Option<&'a str>,
    pub identity: Option<IdentitySchema>,
    /// The Terraform version the feature needs, when newer than 1.0.
    pub requires: Option<&'a str>,
}

/// The `## Identity Schema` section of a resource with a resource identity.
fn identity_section(identity: &IdentitySchema) -> String {
    let mut out = String::from(
        "
## Identity Schema

With Terraform 1.12 and newer every `vault_secrets_stack` in state carries a \
         resource identity, returned on every read (a state written by an older provider or \
         Terraform gains it at its next refresh).\n",
    );
    for (title, required) in [("Required", true), ("Optional", false)] {
        let attrs: Vec<_> = identity
            .attributes
            .iter()
            .filter(|a| a.required_for_import == required)
            .collect();
        if attrs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for a in attrs {
            let _ = writeln!(
                out,
                "- `{}` ({}) {}",
                a.name,
                type_name(&a.attr_type),
                a.description
            );
        }
    }
    out
}

/// What every page of a feature newer than Terraform 1.0 says about versions.
fn requires_note(version: &str) -> String {
    format!(
        "~> **Terraform {version} or newer.** Older Terraform versions ignore this part of the \
         provider's schema; every other resource and data source, and \
         `vault_secrets_stack` itself, work with Terraform 1.0 and newer.\n\n"
    )
}

fn page(root: &Path, p: &Page) -> String {
    let title = format!("{} {}", p.name, p.kind);
    let mut out = front_matter(&title, &p.schema.block.description.content);
    let _ = writeln!(
        out,
        "# {} ({})\n\n{}\n",
        p.name, p.kind, p.schema.block.description.content
    );
    if let Some(version) = p.requires {
        out.push_str(&requires_note(version));
    }
    let ex = example(root, p.example, "terraform");
    if !ex.is_empty() {
        let _ = writeln!(out, "## Example Usage\n\n{ex}");
    }
    out.push_str(&schema_section(&p.schema.block));
    if let Some(identity) = &p.identity {
        out.push_str(&identity_section(identity));
    }
    if let Some(import) = p.import {
        let _ = write!(
            out,
            "\n## Import\n\nImport rebuilds the state from the objects tagged `vault:stack = <environment_suffix>`: \
             the `network`, `database` and `rotation` blocks are read back from AWS, and `logs` when \
             it differs from its default; `kms`, `audit` (unless the trail is off) and `timeouts` \
             are left to their defaults. A configuration that omits `logs` at its default plans \
             empty right after import.\n\n{}\nOr, with Terraform 1.5 and newer:\n\n{}\n\
             Or by resource identity, with Terraform 1.12 and newer (the same import, so the same \
             result):\n\n{}\n{OWNERSHIP}",
            example(root, import, "shell"),
            example(root, "examples/resources/vault_secrets_stack/import-by-block.tf", "terraform"),
            example(
                root,
                "examples/resources/vault_secrets_stack/import-by-identity.tf",
                "terraform"
            )
        );
    }
    out
}

/// Who may create, adopt and destroy a stack: the rules of `vault_aws::claim` and the
/// completion mark, for the resource page.
const OWNERSHIP: &str = r#"## Ownership

A stack belongs to the state that created it. Two marks say so:

- **The claim.** Before a create makes anything, it creates the stack's rotation role (its name, `role-<suffix>-rotation`, is unique in the account) with the tag `vault:owner = <host>:<working directory>`. IAM refuses a second role of that name, so of two applies racing for one suffix exactly one creates the claim; the other fails on `environment_suffix` ("Stack belongs to another working directory", naming the owner) before it has created anything.
- **Completion.** The last step of a create that finished tags the stack's VPC `vault:created = <time>`. A create from another state for a suffix whose stack is complete fails already at plan, on `environment_suffix` ("Stack already exists"), and changes nothing.

A create adopts the objects of an incomplete stack only when the claim is its own: that is how an apply interrupted mid-create (a killed process, a lost connection) is finished by the next apply *from the same directory*, without duplicates. From another directory, the same apply is refused, with the owner named. Destroy deletes what its own state records, plus the leftovers of its own create; while another directory holds the claim it deletes nothing it has not recorded. `terraform import vault_secrets_stack.<name> <suffix>` stays the deliberate way to take a stack over. Neither mark is drift, and tag reconciliation leaves both alone.

The owner is the host name and the directory Terraform runs in, so two Terraform workspaces (`terraform workspace`) of one directory count as one owner: give them different suffixes, as the naming requires anyway. A claim without `vault:owner` (a stack created by an older provider version) is treated as the current directory's.
"#;

/// Which Terraform versions each part needs, for the provider's index page.
const TERRAFORM_VERSIONS: &str = r#"
## Terraform versions

The provider speaks plugin protocol 6 and works with **Terraform 1.0 and newer**: `vault_secrets_stack` (create, update, import by suffix, destroy), `vault_rotation_status` and `vault_policy_document` behave the same on every version. Newer Terraform versions unlock more; older ones ignore those parts of the schema:

| Feature | Needs |
|---|---|
| `import` blocks by `id` | Terraform 1.5 |
| Ephemeral resource [`vault_database_credentials`](ephemeral-resources/database_credentials.md): credentials never in state or plan | Terraform 1.10 |
| Resource identity of `vault_secrets_stack`, `import { identity = { environment_suffix = "..." } }` | Terraform 1.12 |
| Action [`vault_rotate_secret`](actions/rotate_secret.md): `terraform apply -invoke`, `action_trigger` | Terraform 1.14 |
| List resource [`vault_secrets_stack`](list-resources/secrets_stack.md): `terraform query`, `-generate-config-out` | Terraform 1.14 |
"#;

/// Every docs file as (path relative to the repository, content).
pub fn render(root: &Path) -> Vec<(String, String)> {
    let provider = crate::provider::provider_schema();
    let mut index = front_matter("vault Provider", &provider.block.description.content);
    let _ = writeln!(
        index,
        "# vault Provider\n\n{}\n\n## Example Usage\n\n{}",
        provider.block.description.content,
        example(root, "examples/provider/provider.tf", "terraform")
    );
    index.push_str(&schema_section(&provider.block));
    index.push_str(TERRAFORM_VERSIONS);
    let stack = page(
        root,
        &Page {
            kind: "Resource",
            name: "vault_secrets_stack",
            schema: crate::stack::schema::stack_schema(),
            example: "examples/resources/vault_secrets_stack/resource.tf",
            import: Some("examples/resources/vault_secrets_stack/import.sh"),
            identity: Some(crate::stack::identity::identity_schema()),
            requires: None,
        },
    );
    let policy_document = page(
        root,
        &Page {
            kind: "Data Source",
            name: "vault_policy_document",
            schema: crate::policy_document::policy_document_schema(),
            example: "examples/data-sources/vault_policy_document/data-source.tf",
            import: None,
            identity: None,
            requires: None,
        },
    );
    let rotation_status = page(
        root,
        &Page {
            kind: "Data Source",
            name: "vault_rotation_status",
            schema: crate::rotation_status::rotation_status_schema(),
            example: "examples/data-sources/vault_rotation_status/data-source.tf",
            import: None,
            identity: None,
            requires: None,
        },
    );
    let credentials = page(
        root,
        &Page {
            kind: "Ephemeral Resource",
            name: "vault_database_credentials",
            schema: crate::database_credentials::database_credentials_schema(),
            example:
                "examples/ephemeral-resources/vault_database_credentials/ephemeral-resource.tf",
            import: None,
            identity: None,
            requires: Some("1.10"),
        },
    );
    let rotate = page(
        root,
        &Page {
            kind: "Action",
            name: "vault_rotate_secret",
            schema: crate::rotate_secret::rotate_secret_schema(),
            example: "examples/actions/vault_rotate_secret/action.tf",
            import: None,
            identity: None,
            requires: Some("1.14"),
        },
    );
    let list = page(
        root,
        &Page {
            kind: "List Resource",
            name: "vault_secrets_stack",
            schema: crate::stack::list::list_schema(),
            example: "examples/list-resources/vault_secrets_stack/list-resource.tfquery.hcl",
            import: None,
            identity: None,
            requires: Some("1.14"),
        },
    );
    vec![
        ("docs/index.md".into(), index),
        (
            "docs/data-sources/rotation_status.md".into(),
            rotation_status,
        ),
        ("docs/resources/secrets_stack.md".into(), stack),
        (
            "docs/data-sources/policy_document.md".into(),
            policy_document,
        ),
        (
            "docs/ephemeral-resources/database_credentials.md".into(),
            credentials,
        ),
        ("docs/actions/rotate_secret.md".into(), rotate),
        ("docs/list-resources/secrets_stack.md".into(), list),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_docs_match_the_schema_and_examples() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for (path, content) in render(&root) {
            let current = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            assert!(
                current == content,
                "{path} is stale: run `cargo run -p terraform-provider-vault --bin vault-docs`"
            );
        }
    }

    #[test]
    fn the_resource_page_lists_every_attribute_and_nested_block() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let docs = render(&root);
        let stack = &docs
            .iter()
            .find(|(p, _)| p.ends_with("secrets_stack.md"))
            .unwrap()
            .1;
        for needle in [
            "- `environment_suffix` (String)",
            "### Nested Schema for `rotation`",
            "- `master_username` (String, Sensitive)",
            "- `rotation_policy_json` (String)",
        ] {
            assert!(stack.contains(needle), "missing {needle}");
        }
    }
}
