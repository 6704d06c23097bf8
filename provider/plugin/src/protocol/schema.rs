//! Schemas as the plugin writes them, and their wire form: `Schema` messages whose attribute
//! types are cty types encoded as JSON (`"string"`, `["list","string"]`, ...).

use std::collections::HashMap;

use serde_json::{json, Value as Json};

use super::tfplugin6 as tf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringKind {
    Plain,
    Markdown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    pub kind: StringKind,
    pub content: String,
}

impl Description {
    pub fn plain(content: impl Into<String>) -> Self {
        Description {
            kind: StringKind::Plain,
            content: content.into(),
        }
    }
    pub fn markdown(content: impl Into<String>) -> Self {
        Description {
            kind: StringKind::Markdown,
            content: content.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeType {
    String,
    Number,
    Bool,
    List(Box<AttributeType>),
    Set(Box<AttributeType>),
    Map(Box<AttributeType>),
    Object(HashMap<String, AttributeType>),
    Tuple(Vec<AttributeType>),
    /// cty's `DynamicPseudoType`: any type, decided by the value.
    Any,
}

impl AttributeType {
    /// cty's JSON type notation, the bytes of `Schema.Attribute.type`.
    pub fn cty_json(&self) -> Json {
        match self {
            AttributeType::String => json!("string"),
            AttributeType::Number => json!("number"),
            AttributeType::Bool => json!("bool"),
            AttributeType::List(t) => json!(["list", t.cty_json()]),
            AttributeType::Set(t) => json!(["set", t.cty_json()]),
            AttributeType::Map(t) => json!(["map", t.cty_json()]),
            AttributeType::Object(attrs) => {
                let attrs: serde_json::Map<String, Json> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.cty_json()))
                    .collect();
                json!(["object", attrs])
            }
            AttributeType::Tuple(ts) => {
                json!(["tuple", ts.iter().map(|t| t.cty_json()).collect::<Vec<_>>()])
            }
            AttributeType::Any => json!("dynamic"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeConstraint {
    Computed,
    Optional,
    /// Optional, with a value the provider fills in when the configuration leaves it out.
    OptionalComputed,
    Required,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub attr_type: AttributeType,
    pub description: Description,
    pub constraint: AttributeConstraint,
    pub sensitive: bool,
    pub deprecated: bool,
}

/// How a nested block may be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NestedBlock {
    /// Exactly once.
    Single(Block),
    List(Block),
    Set(Block),
    Map(Block),
    /// Once, its attributes all optional; absent reads as present with nulls.
    Group(Block),
    /// At most once: a list of zero or one, as the AWS provider's `network { ... }` blocks.
    Optional(Block),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub version: i64,
    pub attributes: HashMap<String, Attribute>,
    pub blocks: HashMap<String, NestedBlock>,
    pub description: Description,
    pub deprecated: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

/// One attribute of a resource identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityAttribute {
    pub name: String,
    pub attr_type: AttributeType,
    /// `import { identity = { ... } }` must give it; otherwise the provider fills it in.
    pub required_for_import: bool,
    pub description: String,
}

/// What identifies a managed object across states (Terraform >= 1.12): versioned apart from
/// the resource's schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    pub fn to_wire(&self) -> tf::ResourceIdentitySchema {
        tf::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| tf::resource_identity_schema::IdentityAttribute {
                    name: a.name.clone(),
                    r#type: a.attr_type.cty_json().to_string().into_bytes(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.clone(),
                })
                .collect(),
        }
    }
}

fn string_kind(k: StringKind) -> i32 {
    match k {
        StringKind::Plain => tf::StringKind::Plain as i32,
        StringKind::Markdown => tf::StringKind::Markdown as i32,
    }
}

fn sorted<T>(m: &HashMap<String, T>) -> Vec<(&String, &T)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

impl Attribute {
    fn to_wire(&self, name: &str) -> tf::schema::Attribute {
        let c = self.constraint;
        tf::schema::Attribute {
            name: name.to_string(),
            r#type: self.attr_type.cty_json().to_string().into_bytes(),
            nested_type: None,
            description: self.description.content.clone(),
            required: c == AttributeConstraint::Required,
            optional: matches!(
                c,
                AttributeConstraint::Optional | AttributeConstraint::OptionalComputed
            ),
            computed: matches!(
                c,
                AttributeConstraint::Computed | AttributeConstraint::OptionalComputed
            ),
            sensitive: self.sensitive,
            description_kind: string_kind(self.description.kind),
            deprecated: self.deprecated,
            ..Default::default()
        }
    }
}

impl NestedBlock {
    fn to_wire(&self, name: &str) -> tf::schema::NestedBlock {
        use tf::schema::nested_block::NestingMode;
        let (block, mode, min, max) = match self {
            NestedBlock::Single(b) => (b, NestingMode::Single, 1, 1),
            NestedBlock::List(b) => (b, NestingMode::List, 0, 0),
            NestedBlock::Set(b) => (b, NestingMode::Set, 0, 0),
            NestedBlock::Map(b) => (b, NestingMode::Map, 0, 0),
            NestedBlock::Group(b) => (b, NestingMode::Group, 0, 0),
            NestedBlock::Optional(b) => (b, NestingMode::List, 0, 1),
        };
        tf::schema::NestedBlock {
            type_name: name.to_string(),
            block: Some(block.to_wire()),
            nesting: mode as i32,
            min_items: min,
            max_items: max,
        }
    }
}

impl Block {
    pub fn to_wire(&self) -> tf::schema::Block {
        tf::schema::Block {
            version: self.version,
            attributes: sorted(&self.attributes)
                .into_iter()
                .map(|(n, a)| a.to_wire(n))
                .collect(),
            block_types: sorted(&self.blocks)
                .into_iter()
                .map(|(n, b)| b.to_wire(n))
                .collect(),
            description: self.description.content.clone(),
            description_kind: string_kind(self.description.kind),
            deprecated: self.deprecated,
            ..Default::default()
        }
    }
}

impl Schema {
    pub fn to_wire(&self) -> tf::Schema {
        tf::Schema {
            version: self.version,
            block: Some(self.block.to_wire()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_types_encode_as_cty_json() {
        let t = AttributeType::List(Box::new(AttributeType::Object(HashMap::from([(
            "stages".to_string(),
            AttributeType::Set(Box::new(AttributeType::String)),
        )]))));
        assert_eq!(
            t.cty_json().to_string(),
            r#"["list",["object",{"stages":["set","string"]}]]"#
        );
        assert_eq!(AttributeType::Any.cty_json().to_string(), r#""dynamic""#);
    }

    #[test]
    fn an_optional_computed_attribute_is_both_optional_and_computed_on_the_wire() {
        let a = Attribute {
            attr_type: AttributeType::Number,
            description: Description::markdown("Port."),
            constraint: AttributeConstraint::OptionalComputed,
            sensitive: false,
            deprecated: false,
        };
        let w = a.to_wire("port");
        assert!(w.optional && w.computed && !w.required);
        assert_eq!(w.r#type, b"\"number\"");
    }

    #[test]
    fn a_block_written_at_most_once_is_a_list_of_at_most_one() {
        let b = Block {
            version: 1,
            attributes: HashMap::new(),
            blocks: HashMap::new(),
            description: Description::plain(""),
            deprecated: false,
        };
        let w = NestedBlock::Optional(b).to_wire("network");
        assert_eq!(
            w.nesting,
            tf::schema::nested_block::NestingMode::List as i32
        );
        assert_eq!((w.min_items, w.max_items), (0, 1));
    }
}
