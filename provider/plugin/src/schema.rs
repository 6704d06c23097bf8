//! Small constructors that keep schema definitions readable: every attribute has a description.

use std::collections::HashMap;

use crate::protocol::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock,
};

pub fn string() -> AttributeType {
    AttributeType::String
}
pub fn number() -> AttributeType {
    AttributeType::Number
}
pub fn boolean() -> AttributeType {
    AttributeType::Bool
}
pub fn list_of_strings() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}
pub fn map_of_strings() -> AttributeType {
    AttributeType::Map(Box::new(AttributeType::String))
}

fn attribute(t: AttributeType, c: AttributeConstraint, description: &str) -> Attribute {
    Attribute {
        attr_type: t,
        description: Description::markdown(description),
        constraint: c,
        sensitive: false,
        deprecated: false,
    }
}

pub fn required(t: AttributeType, description: &str) -> Attribute {
    attribute(t, AttributeConstraint::Required, description)
}
pub fn optional(t: AttributeType, description: &str) -> Attribute {
    attribute(t, AttributeConstraint::Optional, description)
}
/// Optional with a default the provider fills in at plan time.
pub fn defaulted(t: AttributeType, description: &str) -> Attribute {
    attribute(t, AttributeConstraint::OptionalComputed, description)
}
pub fn computed(t: AttributeType, description: &str) -> Attribute {
    attribute(t, AttributeConstraint::Computed, description)
}
pub fn sensitive(mut a: Attribute) -> Attribute {
    a.sensitive = true;
    a
}

pub fn block(description: &str, attributes: Vec<(&str, Attribute)>) -> Block {
    Block {
        version: 1,
        attributes: attributes
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        blocks: HashMap::new(),
        description: Description::markdown(description),
        deprecated: false,
    }
}

/// A nested block written at most once, as `network { ... }` in the AWS provider.
pub fn at_most_one(b: Block) -> NestedBlock {
    NestedBlock::Optional(b)
}
