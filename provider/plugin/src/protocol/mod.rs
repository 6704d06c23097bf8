//! The one seam to the Terraform plugin protocol (v6, from `proto/`). The rest of the plugin
//! sees typed values, schemas, diagnostics and the provider/resource/data-source traits; the
//! wire (msgpack, cty types, gRPC, go-plugin's handshake and mutual TLS) stays in here.

mod diagnostics;
mod dynamic;
pub mod logging;
mod plugin;
mod schema;
mod server;
mod traits;
mod value;

/// Code generated from `proto/tfplugin6.proto`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// Code generated from go-plugin's `proto/grpc_*.proto`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod go_plugin {
    tonic::include_proto!("plugin");
}

pub use diagnostics::{AttributePath, Diagnostic, Diagnostics};
pub use plugin::{serve, Mode, PROTOCOL_VERSION};
pub use schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, IdentityAttribute,
    IdentitySchema, NestedBlock, Schema,
};
pub use traits::{
    Action, DataSource, DynamicAction, DynamicDataSource, DynamicEphemeralResource,
    DynamicListResource, DynamicResource, EphemeralResource, ListResource, Listed, Progress,
    Provider, Resource,
};
pub use value::{Value, ValueEmpty};

use vault_core::{Finding, Severity, Step};

pub fn attribute_path(path: &vault_core::Path) -> AttributePath {
    let mut out = AttributePath::root();
    for step in &path.0 {
        match step {
            Step::Attribute(a) => {
                out.add_attribute(*a);
            }
            Step::Index(i) => {
                out.add_index(*i as i64);
            }
            Step::Key(k) => {
                out.add_key(k.clone());
            }
        }
    }
    out
}

/// Adds the core's findings as Terraform diagnostics; returns true when any is an error.
pub fn report(diags: &mut Diagnostics, findings: Vec<Finding>) -> bool {
    let mut failed = false;
    for f in findings {
        let d = Diagnostic::new(f.summary, f.detail, attribute_path(&f.path));
        match f.severity {
            Severity::Error => {
                failed = true;
                diags.add_error(d)
            }
            Severity::Warning => diags.add_warning(d),
        }
    }
    failed
}
