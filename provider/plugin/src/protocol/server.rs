//! The `tfplugin6.Provider` gRPC service: decodes Terraform's requests, dispatches them to the
//! typed provider, resource and data sources, and encodes their answers.
//!
//! Each RPC runs as its own task (one HTTP/2 stream each), so `StopProvider` is answered while
//! an `ApplyResourceChange` is still running. A panic in a handler becomes an error diagnostic,
//! never a dropped connection that would lose the state of an apply.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use tonic::{Request, Response, Status, Streaming};

use super::diagnostics::Diagnostics;
use super::dynamic::{decode, is_null};
use super::schema::Schema;
use super::tfplugin6 as tf;
use super::traits::{
    DynamicAction, DynamicDataSource, DynamicEphemeralResource, DynamicListResource,
    DynamicResource, Provider,
};

type Reply<T> = Result<Response<T>, Status>;
type Empty<T> = futures::stream::Empty<Result<T, Status>>;
type Events<T> = tokio_stream::wrappers::UnboundedReceiverStream<Result<T, Status>>;

/// The provider as Terraform sees it: every resource and data source under its full type name.
pub struct ProviderService<P: Provider> {
    provider: P,
    name: String,
    schema: Schema,
    resources: HashMap<String, (Box<dyn DynamicResource>, Schema)>,
    data_sources: HashMap<String, (Box<dyn DynamicDataSource>, Schema)>,
    ephemeral_resources: HashMap<String, (Box<dyn DynamicEphemeralResource>, Schema)>,
    actions: HashMap<String, (Box<dyn DynamicAction>, Schema)>,
    list_resources: HashMap<String, (Box<dyn DynamicListResource>, Schema)>,
    /// Diagnostics from building the schemas, repeated on every schema request.
    init_diags: Diagnostics,
    /// The configuration the provider was configured with (msgpack), to refuse another.
    configured_with: Mutex<Option<Vec<u8>>>,
}

impl<P: Provider> ProviderService<P> {
    /// Ends every run under way as soon as it safely can: Terraform's `StopProvider`, or
    /// Terraform gone.
    pub fn interrupt(&self) {
        self.provider.stop();
    }

    /// `name` is the provider's local name, the prefix of its type names (`vault`).
    pub fn new(name: &str, provider: P) -> Arc<Self> {
        let mut init_diags = Diagnostics::default();
        let schema = provider
            .schema(&mut init_diags)
            .unwrap_or_else(empty_schema);
        let mut resources = HashMap::new();
        for (n, r) in provider.get_resources(&mut init_diags).unwrap_or_default() {
            if let Some(s) = r.schema(&mut init_diags) {
                resources.insert(format!("{name}_{n}"), (r, s));
            }
        }
        let mut data_sources = HashMap::new();
        for (n, d) in provider
            .get_data_sources(&mut init_diags)
            .unwrap_or_default()
        {
            if let Some(s) = d.schema(&mut init_diags) {
                data_sources.insert(format!("{name}_{n}"), (d, s));
            }
        }
        let mut ephemeral_resources = HashMap::new();
        for (n, e) in provider
            .get_ephemeral_resources(&mut init_diags)
            .unwrap_or_default()
        {
            if let Some(s) = e.schema(&mut init_diags) {
                ephemeral_resources.insert(format!("{name}_{n}"), (e, s));
            }
        }
        let mut actions = HashMap::new();
        for (n, a) in provider.get_actions(&mut init_diags).unwrap_or_default() {
            if let Some(s) = a.schema(&mut init_diags) {
                actions.insert(format!("{name}_{n}"), (a, s));
            }
        }
        let mut list_resources = HashMap::new();
        for (n, l) in provider
            .get_list_resources(&mut init_diags)
            .unwrap_or_default()
        {
            if let Some(s) = l.schema(&mut init_diags) {
                list_resources.insert(format!("{name}_{n}"), (l, s));
            }
        }
        Arc::new(ProviderService {
            provider,
            name: name.to_string(),
            schema,
            resources,
            data_sources,
            ephemeral_resources,
            actions,
            list_resources,
            init_diags,
            configured_with: Mutex::new(None),
        })
    }

    fn resource(&self, diags: &mut Diagnostics, name: &str) -> Option<&dyn DynamicResource> {
        let found = self.resources.get(name).map(|(r, _)| r.as_ref());
        if found.is_none() {
            diags.root_error(
                "Unknown resource type",
                format!("The {} provider has no resource type {name:?}.", self.name),
            );
        }
        found
    }

    fn data_source(&self, diags: &mut Diagnostics, name: &str) -> Option<&dyn DynamicDataSource> {
        let found = self.data_sources.get(name).map(|(d, _)| d.as_ref());
        if found.is_none() {
            diags.root_error(
                "Unknown data source",
                format!("The {} provider has no data source {name:?}.", self.name),
            );
        }
        found
    }

    fn ephemeral(
        &self,
        diags: &mut Diagnostics,
        name: &str,
    ) -> Option<&dyn DynamicEphemeralResource> {
        let found = self.ephemeral_resources.get(name).map(|(e, _)| e.as_ref());
        if found.is_none() {
            diags.root_error(
                "Unknown ephemeral resource",
                format!(
                    "The {} provider has no ephemeral resource {name:?}.",
                    self.name
                ),
            );
        }
        found
    }

    fn action(&self, diags: &mut Diagnostics, name: &str) -> Option<&dyn DynamicAction> {
        let found = self.actions.get(name).map(|(a, _)| a.as_ref());
        if found.is_none() {
            diags.root_error(
                "Unknown action",
                format!("The {} provider has no action {name:?}.", self.name),
            );
        }
        found
    }

    fn lister(&self, diags: &mut Diagnostics, name: &str) -> Option<&dyn DynamicListResource> {
        let found = self.list_resources.get(name).map(|(l, _)| l.as_ref());
        if found.is_none() {
            diags.root_error(
                "Unknown list resource",
                format!("The {} provider has no list resource {name:?}.", self.name),
            );
        }
        found
    }

    fn capabilities() -> tf::ServerCapabilities {
        tf::ServerCapabilities {
            plan_destroy: true,
            // The schema never changes within a release: Terraform may use a cached copy.
            get_provider_schema_optional: true,
            move_resource_state: false,
            generate_resource_config: false,
        }
    }
}

fn empty_schema() -> Schema {
    Schema {
        version: 0,
        block: super::schema::Block {
            version: 0,
            attributes: HashMap::new(),
            blocks: HashMap::new(),
            description: super::schema::Description::plain(""),
            deprecated: false,
        },
    }
}

/// Runs a handler; a panic becomes an error diagnostic in a reply of type `T`.
async fn guarded<T, F>(f: F, on_panic: impl FnOnce(Vec<tf::Diagnostic>) -> T) -> Reply<T>
where
    F: std::future::Future<Output = T>,
{
    match AssertUnwindSafe(f).catch_unwind().await {
        Ok(t) => Ok(Response::new(t)),
        Err(_) => {
            tracing::error!("a request handler panicked");
            let mut diags = Diagnostics::default();
            diags.root_error(
                "Internal error in the vault provider",
                "The provider hit a bug while handling this request. Objects already created \
                 carry the stack's management tag and are found again by the next apply. \
                 Please report this with the provider's log (TF_LOG_PROVIDER=DEBUG).",
            );
            Ok(Response::new(on_panic(diags.to_wire())))
        }
    }
}

fn value_or_null(v: Option<tf::DynamicValue>) -> tf::DynamicValue {
    v.unwrap_or_default()
}

/// The identity of a state in wire form; none for resources without one, null states and
/// objects not yet wholly known.
fn identity_data(
    r: &dyn DynamicResource,
    diags: &mut Diagnostics,
    state: &tf::DynamicValue,
    private: &[u8],
) -> Option<tf::ResourceIdentityData> {
    r.identity_schema()?;
    Some(tf::ResourceIdentityData {
        identity_data: Some(r.identity(diags, state, private)?),
    })
}

fn sorted_names<T>(m: &HashMap<String, T>) -> Vec<String> {
    let mut names: Vec<_> = m.keys().cloned().collect();
    names.sort();
    names
}

#[tonic::async_trait]
impl<P: Provider> tf::provider_server::Provider for Arc<ProviderService<P>> {
    async fn get_metadata(
        &self,
        _request: Request<tf::get_metadata::Request>,
    ) -> Reply<tf::get_metadata::Response> {
        let mut resources: Vec<_> = self.resources.keys().cloned().collect();
        resources.sort();
        let mut data_sources: Vec<_> = self.data_sources.keys().cloned().collect();
        data_sources.sort();
        Ok(Response::new(tf::get_metadata::Response {
            server_capabilities: Some(ProviderService::<P>::capabilities()),
            diagnostics: self.init_diags.to_wire(),
            data_sources: data_sources
                .into_iter()
                .map(|type_name| tf::get_metadata::DataSourceMetadata { type_name })
                .collect(),
            resources: resources
                .into_iter()
                .map(|type_name| tf::get_metadata::ResourceMetadata { type_name })
                .collect(),
            ephemeral_resources: sorted_names(&self.ephemeral_resources)
                .into_iter()
                .map(|type_name| tf::get_metadata::EphemeralMetadata { type_name })
                .collect(),
            actions: sorted_names(&self.actions)
                .into_iter()
                .map(|type_name| tf::get_metadata::ActionMetadata { type_name })
                .collect(),
            list_resources: sorted_names(&self.list_resources)
                .into_iter()
                .map(|type_name| tf::get_metadata::ListResourceMetadata { type_name })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<tf::get_provider_schema::Request>,
    ) -> Reply<tf::get_provider_schema::Response> {
        Ok(Response::new(tf::get_provider_schema::Response {
            provider: Some(self.schema.to_wire()),
            resource_schemas: self
                .resources
                .iter()
                .map(|(n, (_, s))| (n.clone(), s.to_wire()))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(n, (_, s))| (n.clone(), s.to_wire()))
                .collect(),
            ephemeral_resource_schemas: self
                .ephemeral_resources
                .iter()
                .map(|(n, (_, s))| (n.clone(), s.to_wire()))
                .collect(),
            action_schemas: self
                .actions
                .iter()
                .map(|(n, (_, s))| {
                    (
                        n.clone(),
                        tf::ActionSchema {
                            schema: Some(s.to_wire()),
                        },
                    )
                })
                .collect(),
            list_resource_schemas: self
                .list_resources
                .iter()
                .map(|(n, (_, s))| (n.clone(), s.to_wire()))
                .collect(),
            diagnostics: self.init_diags.to_wire(),
            server_capabilities: Some(ProviderService::<P>::capabilities()),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        request: Request<tf::validate_provider_config::Request>,
    ) -> Reply<tf::validate_provider_config::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(config) = decode(&mut diags, &value_or_null(request.config)) {
                    self.provider.validate(&mut diags, config).await;
                }
                tf::validate_provider_config::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::validate_provider_config::Response { diagnostics },
        )
        .await
    }

    async fn validate_resource_config(
        &self,
        request: Request<tf::validate_resource_config::Request>,
    ) -> Reply<tf::validate_resource_config::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(r) = self.resource(&mut diags, &request.type_name) {
                    r.validate(&mut diags, &value_or_null(request.config)).await;
                }
                tf::validate_resource_config::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::validate_resource_config::Response { diagnostics },
        )
        .await
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<tf::validate_data_resource_config::Request>,
    ) -> Reply<tf::validate_data_resource_config::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(d) = self.data_source(&mut diags, &request.type_name) {
                    d.validate(&mut diags, &value_or_null(request.config)).await;
                }
                tf::validate_data_resource_config::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::validate_data_resource_config::Response { diagnostics },
        )
        .await
    }

    /// States are stored at the schema's version; one written by another version is refused
    /// rather than guessed at.
    async fn upgrade_resource_state(
        &self,
        request: Request<tf::upgrade_resource_state::Request>,
    ) -> Reply<tf::upgrade_resource_state::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut upgraded = None;
        match (self.resources.get(&request.type_name), request.raw_state) {
            (Some((_, schema)), Some(raw)) if !raw.json.is_empty() => {
                if request.version == schema.version {
                    upgraded = Some(tf::DynamicValue {
                        msgpack: Vec::new(),
                        json: raw.json,
                    });
                } else {
                    diags.root_error(
                        "Unsupported state version",
                        format!(
                            "This state was written at schema version {} of {}; this provider \
                             reads version {}. Use the provider version that wrote it.",
                            request.version, request.type_name, schema.version
                        ),
                    );
                }
            }
            (Some(_), _) => diags.root_error(
                "Unsupported state format",
                "This state was written in Terraform's legacy flatmap format.",
            ),
            (None, _) => {
                self.resource(&mut diags, &request.type_name);
            }
        }
        Ok(Response::new(tf::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diags.to_wire(),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<tf::get_resource_identity_schemas::Request>,
    ) -> Reply<tf::get_resource_identity_schemas::Response> {
        Ok(Response::new(tf::get_resource_identity_schemas::Response {
            identity_schemas: self
                .resources
                .iter()
                .filter_map(|(n, (r, _))| Some((n.clone(), r.identity_schema()?.to_wire())))
                .collect(),
            diagnostics: self.init_diags.to_wire(),
        }))
    }

    /// As states: identities are stored at the identity schema's version; another version is
    /// refused rather than guessed at.
    async fn upgrade_resource_identity(
        &self,
        request: Request<tf::upgrade_resource_identity::Request>,
    ) -> Reply<tf::upgrade_resource_identity::Response> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut upgraded = None;
        let schema = self
            .resources
            .get(&request.type_name)
            .and_then(|(r, _)| r.identity_schema());
        match (schema, request.raw_identity) {
            (Some(schema), Some(raw)) if request.version == schema.version => {
                upgraded = Some(tf::ResourceIdentityData {
                    identity_data: Some(tf::DynamicValue {
                        msgpack: Vec::new(),
                        json: raw.json,
                    }),
                });
            }
            (Some(schema), _) => diags.root_error(
                "Unsupported identity version",
                format!(
                    "This resource identity was written at version {} of {}'s identity; this \
                     provider reads version {}. Use the provider version that wrote it.",
                    request.version, request.type_name, schema.version
                ),
            ),
            (None, _) => {
                if self.resource(&mut diags, &request.type_name).is_some() {
                    diags.root_error(
                        "No resource identity",
                        format!("{} has no resource identity.", request.type_name),
                    );
                }
            }
        }
        Ok(Response::new(tf::upgrade_resource_identity::Response {
            upgraded_identity: upgraded,
            diagnostics: diags.to_wire(),
        }))
    }

    /// One configuration per process: the same one again is accepted (Terraform may repeat
    /// it), a different one is refused, so nothing can repoint a configured provider.
    async fn configure_provider(
        &self,
        request: Request<tf::configure_provider::Request>,
    ) -> Reply<tf::configure_provider::Response> {
        let request = request.into_inner();
        let config = value_or_null(request.config);
        let fingerprint = [config.msgpack.clone(), config.json.clone()].concat();
        {
            let mut seen = self.configured_with.lock().expect("configuration lock");
            match seen.as_ref() {
                Some(prior) if *prior == fingerprint => {
                    return Ok(Response::new(Default::default()));
                }
                Some(_) => {
                    let mut diags = Diagnostics::default();
                    diags.root_error(
                        "Provider already configured",
                        "This provider process was already configured with other settings; a \
                         provider is configured once per run.",
                    );
                    return Ok(Response::new(tf::configure_provider::Response {
                        diagnostics: diags.to_wire(),
                    }));
                }
                None => *seen = Some(fingerprint),
            }
        }
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(c) = decode(&mut diags, &config) {
                    self.provider
                        .configure(&mut diags, request.terraform_version, c)
                        .await;
                }
                tf::configure_provider::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::configure_provider::Response { diagnostics },
        )
        .await
    }

    async fn read_resource(
        &self,
        request: Request<tf::read_resource::Request>,
    ) -> Reply<tf::read_resource::Response> {
        let request = request.into_inner();
        let current = value_or_null(request.current_state);
        let private = request.private;
        guarded(
            async {
                let mut diags = Diagnostics::default();
                let r = self.resource(&mut diags, &request.type_name);
                let out = match r {
                    Some(r) => {
                        r.read(
                            &mut diags,
                            &current,
                            &private,
                            &value_or_null(request.provider_meta),
                        )
                        .await
                    }
                    None => None,
                };
                // A failed read keeps the state Terraform had.
                let (new_state, private) = out.unwrap_or((current.clone(), private.clone()));
                // Every read answers with the identity, so a state written before identities
                // existed (or by Terraform < 1.12) gains one at its next refresh.
                let new_identity =
                    r.and_then(|r| identity_data(r, &mut diags, &new_state, &private));
                tf::read_resource::Response {
                    new_state: Some(new_state),
                    diagnostics: diags.to_wire(),
                    private,
                    new_identity,
                    ..Default::default()
                }
            },
            |diagnostics| tf::read_resource::Response {
                new_state: Some(current.clone()),
                private: private.clone(),
                diagnostics,
                ..Default::default()
            },
        )
        .await
    }

    async fn plan_resource_change(
        &self,
        request: Request<tf::plan_resource_change::Request>,
    ) -> Reply<tf::plan_resource_change::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                let mut response = tf::plan_resource_change::Response::default();
                let Some(r) = self.resource(&mut diags, &request.type_name) else {
                    response.diagnostics = diags.to_wire();
                    return response;
                };
                let prior = value_or_null(request.prior_state);
                let proposed = value_or_null(request.proposed_new_state);
                let config = value_or_null(request.config);
                let meta = value_or_null(request.provider_meta);
                match (is_null(&prior), is_null(&proposed)) {
                    (false, false) => {
                        if let Some((state, private, replace)) = r
                            .plan_update(
                                &mut diags,
                                &prior,
                                &proposed,
                                &config,
                                &request.prior_private,
                                &meta,
                            )
                            .await
                        {
                            // A replacement is a new object: its identity comes with its create.
                            if replace.is_empty() {
                                response.planned_identity =
                                    identity_data(r, &mut diags, &state, &private);
                            }
                            response.planned_state = Some(state);
                            response.planned_private = private;
                            response.requires_replace = replace.iter().map(Into::into).collect();
                        }
                    }
                    (false, true) => {
                        if let Some(private) = r
                            .plan_destroy(&mut diags, &prior, &request.prior_private, &meta)
                            .await
                        {
                            response.planned_state = Some(proposed.clone());
                            response.planned_private = private;
                        }
                    }
                    (true, false) => {
                        if let Some((state, private)) =
                            r.plan_create(&mut diags, &proposed, &config, &meta).await
                        {
                            response.planned_state = Some(state);
                            response.planned_private = private;
                        }
                    }
                    (true, true) => response.planned_state = Some(proposed.clone()),
                }
                response.diagnostics = diags.to_wire();
                response
            },
            |diagnostics| tf::plan_resource_change::Response {
                diagnostics,
                ..Default::default()
            },
        )
        .await
    }

    async fn apply_resource_change(
        &self,
        request: Request<tf::apply_resource_change::Request>,
    ) -> Reply<tf::apply_resource_change::Response> {
        let request = request.into_inner();
        let prior = value_or_null(request.prior_state);
        let planned = value_or_null(request.planned_state);
        let config = value_or_null(request.config);
        let meta = value_or_null(request.provider_meta);
        let private = request.planned_private;
        tracing::debug!(type_name = %request.type_name, "apply started");
        let reply = guarded(
            async {
                let mut diags = Diagnostics::default();
                let mut response = tf::apply_resource_change::Response::default();
                let Some(r) = self.resource(&mut diags, &request.type_name) else {
                    response.diagnostics = diags.to_wire();
                    return response;
                };
                match (is_null(&prior), is_null(&planned)) {
                    (false, false) => {
                        let out = r
                            .update(&mut diags, &prior, &planned, &config, &private, &meta)
                            .await;
                        // Without an answer the prior state stands: nothing is forgotten.
                        let (state, private) = out.unwrap_or((prior.clone(), private.clone()));
                        response.new_identity = identity_data(r, &mut diags, &state, &private);
                        response.new_state = Some(state);
                        response.private = private;
                    }
                    (false, true) => {
                        let left = r.destroy(&mut diags, &prior, &private, &meta).await;
                        if diags.has_errors() {
                            // What is left stays in state; without an answer, the prior state.
                            let (state, private) = left.unwrap_or((prior.clone(), private.clone()));
                            response.new_state = Some(state);
                            response.private = private;
                        } else {
                            response.new_state = Some(planned.clone());
                        }
                    }
                    (true, false) => {
                        let out = r
                            .create(&mut diags, &planned, &config, &private, &meta)
                            .await;
                        if let Some((state, private)) = out {
                            response.new_identity = identity_data(r, &mut diags, &state, &private);
                            response.new_state = Some(state);
                            response.private = private;
                        }
                    }
                    (true, true) => response.new_state = Some(planned.clone()),
                }
                response.diagnostics = diags.to_wire();
                response
            },
            |diagnostics| tf::apply_resource_change::Response {
                new_state: Some(prior.clone()),
                private: private.clone(),
                diagnostics,
                ..Default::default()
            },
        )
        .await;
        tracing::debug!("apply finished");
        reply
    }

    async fn import_resource_state(
        &self,
        request: Request<tf::import_resource_state::Request>,
    ) -> Reply<tf::import_resource_state::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                let mut imported = Vec::new();
                if let Some(r) = self.resource(&mut diags, &request.type_name) {
                    // `import { identity = {...} }` sends the identity and no id.
                    let by_identity = request
                        .identity
                        .as_ref()
                        .and_then(|i| i.identity_data.as_ref())
                        .filter(|i| !is_null(i) && request.id.is_empty());
                    let out = match by_identity {
                        Some(identity) => r.import_identity(&mut diags, identity).await,
                        None => r.import(&mut diags, request.id.clone()).await,
                    };
                    if let Some((state, private)) = out {
                        let identity = identity_data(r, &mut diags, &state, &private);
                        imported.push(tf::import_resource_state::ImportedResource {
                            type_name: request.type_name.clone(),
                            state: Some(state),
                            private,
                            identity,
                        });
                    }
                }
                tf::import_resource_state::Response {
                    imported_resources: imported,
                    diagnostics: diags.to_wire(),
                    ..Default::default()
                }
            },
            |diagnostics| tf::import_resource_state::Response {
                diagnostics,
                ..Default::default()
            },
        )
        .await
    }

    async fn move_resource_state(
        &self,
        _request: Request<tf::move_resource_state::Request>,
    ) -> Reply<tf::move_resource_state::Response> {
        let mut diags = Diagnostics::default();
        diags.root_error(
            "Moving resources is not supported",
            "vault_secrets_stack cannot take over the state of another resource type.",
        );
        Ok(Response::new(tf::move_resource_state::Response {
            diagnostics: diags.to_wire(),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<tf::read_data_source::Request>,
    ) -> Reply<tf::read_data_source::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                let mut state = None;
                if let Some(d) = self.data_source(&mut diags, &request.type_name) {
                    state = d
                        .read(
                            &mut diags,
                            &value_or_null(request.config),
                            &value_or_null(request.provider_meta),
                        )
                        .await;
                }
                tf::read_data_source::Response {
                    state,
                    diagnostics: diags.to_wire(),
                    ..Default::default()
                }
            },
            |diagnostics| tf::read_data_source::Response {
                diagnostics,
                ..Default::default()
            },
        )
        .await
    }

    async fn generate_resource_config(
        &self,
        _request: Request<tf::generate_resource_config::Request>,
    ) -> Reply<tf::generate_resource_config::Response> {
        Err(Status::unimplemented(
            "generating configuration is not served",
        ))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<tf::validate_ephemeral_resource_config::Request>,
    ) -> Reply<tf::validate_ephemeral_resource_config::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(e) = self.ephemeral(&mut diags, &request.type_name) {
                    e.validate(&mut diags, &value_or_null(request.config)).await;
                }
                tf::validate_ephemeral_resource_config::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::validate_ephemeral_resource_config::Response { diagnostics },
        )
        .await
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<tf::open_ephemeral_resource::Request>,
    ) -> Reply<tf::open_ephemeral_resource::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                let mut result = None;
                if let Some(e) = self.ephemeral(&mut diags, &request.type_name) {
                    result = e.open(&mut diags, &value_or_null(request.config)).await;
                }
                tf::open_ephemeral_resource::Response {
                    diagnostics: diags.to_wire(),
                    result,
                    ..Default::default()
                }
            },
            |diagnostics| tf::open_ephemeral_resource::Response {
                diagnostics,
                ..Default::default()
            },
        )
        .await
    }

    /// Nothing an ephemeral resource opens is leased (`renew_at` is never set), so there is
    /// nothing to renew.
    async fn renew_ephemeral_resource(
        &self,
        request: Request<tf::renew_ephemeral_resource::Request>,
    ) -> Reply<tf::renew_ephemeral_resource::Response> {
        let mut diags = Diagnostics::default();
        self.ephemeral(&mut diags, &request.into_inner().type_name);
        Ok(Response::new(tf::renew_ephemeral_resource::Response {
            diagnostics: diags.to_wire(),
            ..Default::default()
        }))
    }

    /// Nothing is held open: closing has nothing to release.
    async fn close_ephemeral_resource(
        &self,
        request: Request<tf::close_ephemeral_resource::Request>,
    ) -> Reply<tf::close_ephemeral_resource::Response> {
        let mut diags = Diagnostics::default();
        self.ephemeral(&mut diags, &request.into_inner().type_name);
        Ok(Response::new(tf::close_ephemeral_resource::Response {
            diagnostics: diags.to_wire(),
        }))
    }

    type ListResourceStream =
        futures::stream::Iter<std::vec::IntoIter<Result<tf::list_resource::Event, Status>>>;

    /// One event per object found; a failure is one event carrying the diagnostics.
    async fn list_resource(
        &self,
        request: Request<tf::list_resource::Request>,
    ) -> Reply<Self::ListResourceStream> {
        let request = request.into_inner();
        let limit = usize::try_from(request.limit).ok().filter(|l| *l > 0);
        let events = guarded(
            async {
                let mut diags = Diagnostics::default();
                let mut found = Vec::new();
                if let Some(l) = self.lister(&mut diags, &request.type_name) {
                    found = l
                        .list(
                            &mut diags,
                            &value_or_null(request.config),
                            request.include_resource_object,
                            limit,
                        )
                        .await;
                }
                let mut events: Vec<_> = found
                    .into_iter()
                    .map(|(display_name, identity, state)| tf::list_resource::Event {
                        identity: Some(tf::ResourceIdentityData {
                            identity_data: Some(identity),
                        }),
                        display_name,
                        resource_object: state,
                        diagnostic: Vec::new(),
                    })
                    .collect();
                if !diags.to_wire().is_empty() {
                    events.push(tf::list_resource::Event {
                        diagnostic: diags.to_wire(),
                        ..Default::default()
                    });
                }
                events
            },
            |diagnostic| {
                vec![tf::list_resource::Event {
                    diagnostic,
                    ..Default::default()
                }]
            },
        )
        .await?
        .into_inner();
        Ok(Response::new(futures::stream::iter(
            events.into_iter().map(Ok).collect::<Vec<_>>(),
        )))
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<tf::validate_list_resource_config::Request>,
    ) -> Reply<tf::validate_list_resource_config::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(l) = self.lister(&mut diags, &request.type_name) {
                    l.validate(&mut diags, &value_or_null(request.config)).await;
                }
                tf::validate_list_resource_config::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::validate_list_resource_config::Response { diagnostics },
        )
        .await
    }

    async fn get_functions(
        &self,
        _request: Request<tf::get_functions::Request>,
    ) -> Reply<tf::get_functions::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn call_function(
        &self,
        _request: Request<tf::call_function::Request>,
    ) -> Reply<tf::call_function::Response> {
        Err(Status::unimplemented("the provider has no functions"))
    }

    async fn validate_state_store_config(
        &self,
        _request: Request<tf::validate_state_store::Request>,
    ) -> Reply<tf::validate_state_store::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    async fn configure_state_store(
        &self,
        _request: Request<tf::configure_state_store::Request>,
    ) -> Reply<tf::configure_state_store::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    type ReadStateBytesStream = Empty<tf::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        _request: Request<tf::read_state_bytes::Request>,
    ) -> Reply<Self::ReadStateBytesStream> {
        Err(Status::unimplemented("state stores are not served"))
    }

    async fn write_state_bytes(
        &self,
        _request: Request<Streaming<tf::write_state_bytes::RequestChunk>>,
    ) -> Reply<tf::write_state_bytes::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    async fn lock_state(
        &self,
        _request: Request<tf::lock_state::Request>,
    ) -> Reply<tf::lock_state::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    async fn unlock_state(
        &self,
        _request: Request<tf::unlock_state::Request>,
    ) -> Reply<tf::unlock_state::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    async fn get_states(
        &self,
        _request: Request<tf::get_states::Request>,
    ) -> Reply<tf::get_states::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    async fn delete_state(
        &self,
        _request: Request<tf::delete_state::Request>,
    ) -> Reply<tf::delete_state::Response> {
        Err(Status::unimplemented("state stores are not served"))
    }

    /// An action changes nothing Terraform plans: planning checks its configuration again.
    async fn plan_action(
        &self,
        request: Request<tf::plan_action::Request>,
    ) -> Reply<tf::plan_action::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(a) = self.action(&mut diags, &request.action_type) {
                    a.validate(&mut diags, &value_or_null(request.config)).await;
                }
                tf::plan_action::Response {
                    diagnostics: diags.to_wire(),
                    ..Default::default()
                }
            },
            |diagnostics| tf::plan_action::Response {
                diagnostics,
                ..Default::default()
            },
        )
        .await
    }

    type InvokeActionStream = Events<tf::invoke_action::Event>;

    /// Progress events as the action reports them, then one completion with its diagnostics.
    async fn invoke_action(
        &self,
        request: Request<tf::invoke_action::Request>,
    ) -> Reply<Self::InvokeActionStream> {
        use tf::invoke_action::event::{Completed, Progress, Type};
        let request = request.into_inner();
        let (events, stream) = tokio::sync::mpsc::unbounded_channel();
        let service = Arc::clone(self);
        tokio::spawn(async move {
            let (progress, mut reported) = tokio::sync::mpsc::unbounded_channel::<String>();
            let forward = {
                let events = events.clone();
                async move {
                    while let Some(message) = reported.recv().await {
                        let _ = events.send(Ok(tf::invoke_action::Event {
                            r#type: Some(Type::Progress(Progress { message })),
                        }));
                    }
                }
            };
            let run = async {
                let config = value_or_null(request.config);
                guarded(
                    async {
                        let mut diags = Diagnostics::default();
                        if let Some(a) = service.action(&mut diags, &request.action_type) {
                            a.invoke(&mut diags, &config, progress).await;
                        }
                        diags.to_wire()
                    },
                    |diagnostics| diagnostics,
                )
                .await
            };
            let (done, ()) = tokio::join!(run, forward);
            let diagnostics = done.map(Response::into_inner).unwrap_or_default();
            let _ = events.send(Ok(tf::invoke_action::Event {
                r#type: Some(Type::Completed(Completed { diagnostics })),
            }));
        });
        Ok(Response::new(
            tokio_stream::wrappers::UnboundedReceiverStream::new(stream),
        ))
    }

    async fn validate_action_config(
        &self,
        request: Request<tf::validate_action_config::Request>,
    ) -> Reply<tf::validate_action_config::Response> {
        let request = request.into_inner();
        guarded(
            async {
                let mut diags = Diagnostics::default();
                if let Some(a) = self.action(&mut diags, &request.type_name) {
                    a.validate(&mut diags, &value_or_null(request.config)).await;
                }
                tf::validate_action_config::Response {
                    diagnostics: diags.to_wire(),
                }
            },
            |diagnostics| tf::validate_action_config::Response { diagnostics },
        )
        .await
    }

    /// Ctrl-C in Terraform: every run under way stops starting objects and abandons its waits;
    /// the running apply then answers with what exists.
    async fn stop_provider(
        &self,
        _request: Request<tf::stop_provider::Request>,
    ) -> Reply<tf::stop_provider::Response> {
        tracing::info!("stop requested by Terraform: interrupting runs under way");
        self.interrupt();
        Ok(Response::new(tf::stop_provider::Response {
            error: String::new(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use tf::provider_server::Provider as _;

    use super::*;
    use crate::protocol::Value;
    use crate::provider::{ProviderConfig, VaultProvider};

    fn config(region: &str) -> tf::DynamicValue {
        // Offline: this is about Terraform configuring twice, not about credentials.
        let c = ProviderConfig {
            region: Value::Value(region.to_string()),
            skip_credentials_validation: Value::Value(true),
            ..Default::default()
        };
        super::super::dynamic::encode(&mut Diagnostics::default(), &c).unwrap()
    }

    async fn configure(
        service: &Arc<ProviderService<VaultProvider>>,
        region: &str,
    ) -> Vec<tf::Diagnostic> {
        service
            .configure_provider(Request::new(tf::configure_provider::Request {
                terraform_version: "1.15.0".into(),
                config: Some(config(region)),
                client_capabilities: None,
            }))
            .await
            .unwrap()
            .into_inner()
            .diagnostics
    }

    #[tokio::test]
    async fn a_second_configuration_with_other_settings_is_refused() {
        let service = ProviderService::new("vault", VaultProvider::default());
        assert_eq!(configure(&service, "us-east-1").await, vec![]);
        // Terraform may repeat the same configuration: harmless.
        assert_eq!(configure(&service, "us-east-1").await, vec![]);
        let refused = configure(&service, "eu-west-1").await;
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].summary, "Provider already configured");
    }

    #[tokio::test]
    async fn metadata_names_every_type_and_lets_terraform_cache_the_schema() {
        let service = ProviderService::new("vault", VaultProvider::default());
        let meta = service
            .get_metadata(Request::new(tf::get_metadata::Request {}))
            .await
            .unwrap()
            .into_inner();
        let resources: Vec<_> = meta
            .resources
            .iter()
            .map(|r| r.type_name.as_str())
            .collect();
        let data: Vec<_> = meta
            .data_sources
            .iter()
            .map(|d| d.type_name.as_str())
            .collect();
        assert_eq!(resources, ["vault_secrets_stack"]);
        assert_eq!(data, ["vault_policy_document", "vault_rotation_status"]);
        let names = |v: Vec<String>| v;
        assert_eq!(
            names(
                meta.ephemeral_resources
                    .into_iter()
                    .map(|e| e.type_name)
                    .collect()
            ),
            ["vault_database_credentials"]
        );
        assert_eq!(
            names(meta.actions.into_iter().map(|a| a.type_name).collect()),
            ["vault_rotate_secret"]
        );
        assert_eq!(
            names(
                meta.list_resources
                    .into_iter()
                    .map(|l| l.type_name)
                    .collect()
            ),
            ["vault_secrets_stack"]
        );
        assert!(
            meta.server_capabilities
                .unwrap()
                .get_provider_schema_optional
        );
    }

    #[tokio::test]
    async fn a_stop_is_answered_at_once_and_reaches_the_provider() {
        let provider = VaultProvider::default();
        let stop = provider.stop_handle();
        let service = ProviderService::new("vault", provider);
        let answer = service
            .stop_provider(Request::new(tf::stop_provider::Request {}))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(answer.error, "");
        assert!(stop.is_stopped());
    }

    #[tokio::test]
    async fn the_stack_has_an_identity_schema_and_identities_of_its_version_pass_through_upgrade() {
        let service = ProviderService::new("vault", VaultProvider::default());
        let schemas = service
            .get_resource_identity_schemas(Request::new(
                tf::get_resource_identity_schemas::Request {},
            ))
            .await
            .unwrap()
            .into_inner()
            .identity_schemas;
        let stack = &schemas["vault_secrets_stack"];
        let names: Vec<_> = stack
            .identity_attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["environment_suffix", "region", "account_id"]);

        let upgrade = |version| {
            service.upgrade_resource_identity(Request::new(
                tf::upgrade_resource_identity::Request {
                    type_name: "vault_secrets_stack".into(),
                    version,
                    raw_identity: Some(tf::RawState {
                        json: br#"{"environment_suffix":"dev","region":"us-east-1","account_id":"123456789012"}"#.to_vec(),
                        flatmap: HashMap::new(),
                    }),
                },
            ))
        };
        let same = upgrade(stack.version).await.unwrap().into_inner();
        assert!(same.diagnostics.is_empty());
        let data = same.upgraded_identity.unwrap().identity_data.unwrap();
        assert!(String::from_utf8(data.json)
            .unwrap()
            .contains("\"environment_suffix\":\"dev\""));
        let newer = upgrade(stack.version + 1).await.unwrap().into_inner();
        assert!(newer.upgraded_identity.is_none());
        assert_eq!(newer.diagnostics[0].summary, "Unsupported identity version");
    }

    #[tokio::test]
    async fn an_action_on_an_unconfigured_provider_completes_with_an_error_diagnostic() {
        use futures::StreamExt;
        let service = ProviderService::new("vault", VaultProvider::default());
        let config = crate::protocol::dynamic::encode(
            &mut Diagnostics::default(),
            &crate::rotate_secret::RotateSecretConfig {
                environment_suffix: Value::Value("dev".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let events: Vec<_> = service
            .invoke_action(Request::new(tf::invoke_action::Request {
                action_type: "vault_rotate_secret".into(),
                config: Some(config),
                client_capabilities: None,
            }))
            .await
            .unwrap()
            .into_inner()
            .collect()
            .await;
        let last = events.last().unwrap().as_ref().unwrap();
        let Some(tf::invoke_action::event::Type::Completed(done)) = &last.r#type else {
            panic!("the stream ends with a completion: {events:?}");
        };
        assert_eq!(
            done.diagnostics[0].summary,
            "The vault provider is not configured"
        );
    }
}
