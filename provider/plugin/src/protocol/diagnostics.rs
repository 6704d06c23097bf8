//! Diagnostics and attribute paths, as Terraform shows them to users.
//!
//! A diagnostic holds only what the provider wrote: no backtrace is ever captured, whatever
//! `RUST_BACKTRACE` says, so no Rust frame or source path can reach a user.

use std::fmt;

use super::tfplugin6 as tf;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Attribute(String),
    Index(i64),
    Key(String),
}

/// Where in a configuration a diagnostic points (`network[0].cidr_block`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributePath {
    pub steps: Vec<Step>,
}

impl AttributePath {
    /// The whole object: the diagnostic points at the block, not an attribute.
    pub fn root() -> Self {
        AttributePath::default()
    }
    pub fn new(name: impl Into<String>) -> Self {
        AttributePath::root().attribute(name)
    }
    pub fn attribute(mut self, name: impl Into<String>) -> Self {
        self.add_attribute(name);
        self
    }
    pub fn index(mut self, i: i64) -> Self {
        self.add_index(i);
        self
    }
    pub fn key(mut self, k: impl Into<String>) -> Self {
        self.add_key(k);
        self
    }
    pub fn add_attribute(&mut self, name: impl Into<String>) -> &mut Self {
        self.steps.push(Step::Attribute(name.into()));
        self
    }
    pub fn add_index(&mut self, i: i64) -> &mut Self {
        self.steps.push(Step::Index(i));
        self
    }
    pub fn add_key(&mut self, k: impl Into<String>) -> &mut Self {
        self.steps.push(Step::Key(k.into()));
        self
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
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

impl From<&AttributePath> for tf::AttributePath {
    fn from(p: &AttributePath) -> Self {
        use tf::attribute_path::step::Selector;
        tf::AttributePath {
            steps: p
                .steps
                .iter()
                .map(|s| tf::attribute_path::Step {
                    selector: Some(match s {
                        Step::Attribute(a) => Selector::AttributeName(a.clone()),
                        Step::Index(i) => Selector::ElementKeyInt(*i),
                        Step::Key(k) => Selector::ElementKeyString(k.clone()),
                    }),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub summary: String,
    pub detail: String,
    pub attribute: AttributePath,
}

impl Diagnostic {
    pub fn new(
        summary: impl Into<String>,
        detail: impl Into<String>,
        attribute: AttributePath,
    ) -> Self {
        Diagnostic {
            summary: summary.into(),
            detail: detail.into(),
            attribute,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn add_error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }
    pub fn add_warning(&mut self, d: Diagnostic) {
        self.warnings.push(d);
    }
    pub fn error(
        &mut self,
        summary: impl Into<String>,
        detail: impl Into<String>,
        at: AttributePath,
    ) {
        self.add_error(Diagnostic::new(summary, detail, at));
    }
    pub fn root_error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.error(summary, detail, AttributePath::root());
    }
    pub fn root_error_short(&mut self, summary: impl Into<String>) {
        self.root_error(summary, "");
    }
    pub fn root_warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.add_warning(Diagnostic::new(summary, detail, AttributePath::root()));
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    /// Everything recorded, in Terraform's message form.
    pub fn to_wire(&self) -> Vec<tf::Diagnostic> {
        let one = |d: &Diagnostic, severity: tf::diagnostic::Severity| tf::Diagnostic {
            severity: severity as i32,
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            // An empty path makes Terraform point at the whole block.
            attribute: (!d.attribute.steps.is_empty()).then(|| (&d.attribute).into()),
        };
        self.errors
            .iter()
            .map(|d| one(d, tf::diagnostic::Severity::Error))
            .chain(
                self.warnings
                    .iter()
                    .map(|d| one(d, tf::diagnostic::Severity::Warning)),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reads_the_way_terraform_prints_it() {
        let p = AttributePath::new("network")
            .index(0)
            .attribute("zones")
            .key("a");
        assert_eq!(p.to_string(), "network[0].zones[\"a\"]");
    }

    #[test]
    fn a_path_goes_on_the_wire_step_by_step() {
        use tf::attribute_path::step::Selector;
        let wire: tf::AttributePath = (&AttributePath::new("tags").key("Team")).into();
        let selectors: Vec<_> = wire.steps.into_iter().map(|s| s.selector).collect();
        assert_eq!(
            selectors,
            vec![
                Some(Selector::AttributeName("tags".into())),
                Some(Selector::ElementKeyString("Team".into()))
            ]
        );
    }

    #[test]
    fn a_diagnostic_holds_only_its_message_even_with_backtraces_on() {
        let mut diags = Diagnostics::default();
        diags.root_error("Invalid port", "Use 1150 to 65535.");
        let wire = diags.to_wire();
        assert_eq!(wire.len(), 1);
        assert_eq!(wire[0].summary, "Invalid port");
        assert_eq!(wire[0].detail, "Use 1150 to 65535.");
        assert_eq!(wire[0].severity, tf::diagnostic::Severity::Error as i32);
        assert!(wire[0].attribute.is_none());
    }
}
