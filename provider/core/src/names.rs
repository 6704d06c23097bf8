//! Names that are validated once, at construction.

use std::fmt;

pub const SUFFIX_MAX_LEN: usize = 24;

/// The `environment_suffix`: `[a-z0-9-]{1,24}`, appended to every object name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvironmentSuffix(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SuffixError {
    #[error("must not be empty")]
    Empty,
    #[error("is {0} characters long; at most {SUFFIX_MAX_LEN} are allowed")]
    TooLong(usize),
    #[error("contains {0:?}; only lowercase letters, digits and '-' are allowed")]
    BadCharacter(char),
    #[error("must not start or end with '-'")]
    EdgeHyphen,
    #[error("must not contain '--'")]
    DoubleHyphen,
}

impl EnvironmentSuffix {
    pub fn parse(s: &str) -> Result<Self, SuffixError> {
        if s.is_empty() {
            return Err(SuffixError::Empty);
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SuffixError::BadCharacter(c));
        }
        if s.len() > SUFFIX_MAX_LEN {
            return Err(SuffixError::TooLong(s.len()));
        }
        // Names such as `vpc--dev-` are legal for some services and rejected by others (S3, RDS).
        if s.starts_with('-') || s.ends_with('-') {
            return Err(SuffixError::EdgeHyphen);
        }
        // RDS identifiers cannot hold two hyphens in a row: `aurora-a--b` would fail at apply.
        if s.contains("--") {
            return Err(SuffixError::DoubleHyphen);
        }
        Ok(EnvironmentSuffix(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `{resource-type}-{suffix}`, the naming rule of every object in the stack.
    pub fn name(&self, resource_type: &str) -> String {
        format!("{resource_type}-{}", self.0)
    }
}

impl fmt::Display for EnvironmentSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_accepts_lowercase_digits_and_inner_hyphens() {
        assert_eq!(
            EnvironmentSuffix::parse("prod-eu-1").unwrap().as_str(),
            "prod-eu-1"
        );
        assert_eq!(
            EnvironmentSuffix::parse(&"a".repeat(24))
                .unwrap()
                .as_str()
                .len(),
            24
        );
    }

    #[test]
    fn suffix_rejects_uppercase_underscore_length_and_edge_hyphens() {
        assert_eq!(
            EnvironmentSuffix::parse("Dev"),
            Err(SuffixError::BadCharacter('D'))
        );
        assert_eq!(
            EnvironmentSuffix::parse("a_b"),
            Err(SuffixError::BadCharacter('_'))
        );
        assert_eq!(
            EnvironmentSuffix::parse(&"a".repeat(25)),
            Err(SuffixError::TooLong(25))
        );
        assert_eq!(EnvironmentSuffix::parse(""), Err(SuffixError::Empty));
        assert_eq!(
            EnvironmentSuffix::parse("-dev"),
            Err(SuffixError::EdgeHyphen)
        );
    }

    #[test]
    fn names_follow_resource_type_dash_suffix() {
        let s = EnvironmentSuffix::parse("dev").unwrap();
        assert_eq!(s.name("vpc"), "vpc-dev");
    }
}
