//! What validation reports: a severity, a message, and the attribute path of the culprit.

use std::fmt;

/// One step of an attribute path, as Terraform addresses values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Attribute(&'static str),
    /// Blocks are lists of at most one element, so a block attribute is `block[0].attr`.
    Index(usize),
    Key(String),
}

/// Where in the configuration a finding points. Empty means the whole resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Step>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }

    pub fn attr(name: &'static str) -> Self {
        Path(vec![Step::Attribute(name)])
    }

    /// An attribute inside a nested block: `block[0].attr`.
    pub fn block_attr(block: &'static str, name: &'static str) -> Self {
        Path(vec![
            Step::Attribute(block),
            Step::Index(0),
            Step::Attribute(name),
        ])
    }

    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Step::Index(i));
        self
    }

    pub fn key(mut self, k: impl Into<String>) -> Self {
        self.0.push(Step::Key(k.into()));
        self
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attribute(a) if i == 0 => write!(f, "{a}")?,
                Step::Attribute(a) => write!(f, ".{a}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem (or a caution) found in the configuration, ready to become a Terraform diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub path: Path,
    pub summary: String,
    pub detail: String,
}

impl Finding {
    pub fn error(path: Path, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            path,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    pub fn warning(path: Path, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            path,
            summary: summary.into(),
            detail: detail.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
