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
use super::traits::{DynamicDataSource, DynamicResource, Provider};

type Reply<T> = Result<Response<T>, Status>;
type Empty<T> = futures::stream::Empty<Result<T, Status>>;

/// The provider as Terraform sees it: every resource and data source under its full type name.
pub struct ProviderService<P: Provider> {
    provider: P,
    name: String,
    schema: Schema,
    resources: HashMap<String, (Box<dyn DynamicResource>, Schema)>,
    data_sources: HashMap<String, (Box<dyn DynamicDataSource>, Schema)>,
    /// Diagnostics from building the schemas, repeated on every schema request.
    init_diags: Diagnostics,
    /// The configuration the provider was configured with (msgpack), to refuse another.
    configured_with: Mutex<Option<Vec<u8>>>,
}

impl<P: Provider> ProviderService<P> {
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
        Arc::new(ProviderService {
            provider,
            name: name.to_string(),
            schema,
            resources,
            data_sources,
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
        Ok(Response::new(Default::default()))
    }

    async fn upgrade_resource_identity(
        &self,
        _request: Request<tf::upgrade_resource_identity::Request>,
    ) -> Reply<tf::upgrade_resource_identity::Response> {
        Err(Status::unimplemented("resource identity is not served"))
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
                let out = match self.resource(&mut diags, &request.type_name) {
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
                tf::read_resource::Response {
                    new_state: Some(new_state),
                    diagnostics: diags.to_wire(),
                    private,
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
                        response.new_state = Some(state);
                        response.private = private;
                    }
                    (false, true) => {
                        r.destroy(&mut diags, &prior, &private, &meta).await;
                        response.new_state = Some(if diags.has_errors() {
                            prior.clone()
                        } else {
                            planned.clone()
                        });
                        if diags.has_errors() {
                            response.private = private.clone();
                        }
                    }
                    (true, false) => {
                        let out = r
                            .create(&mut diags, &planned, &config, &private, &meta)
                            .await;
                        if let Some((state, private)) = out {
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
                    if let Some((state, private)) = r.import(&mut diags, request.id.clone()).await {
                        imported.push(tf::import_resource_state::ImportedResource {
                            type_name: request.type_name.clone(),
                            state: Some(state),
                            private,
                            ..Default::default()
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
        _request: Request<tf::validate_ephemeral_resource_config::Request>,
    ) -> Reply<tf::validate_ephemeral_resource_config::Response> {
        Err(Status::unimplemented("ephemeral resources are not served"))
    }

    async fn open_ephemeral_resource(
        &self,
        _request: Request<tf::open_ephemeral_resource::Request>,
    ) -> Reply<tf::open_ephemeral_resource::Response> {
        Err(Status::unimplemented("ephemeral resources are not served"))
    }

    async fn renew_ephemeral_resource(
        &self,
        _request: Request<tf::renew_ephemeral_resource::Request>,
    ) -> Reply<tf::renew_ephemeral_resource::Response> {
        Err(Status::unimplemented("ephemeral resources are not served"))
    }

    async fn close_ephemeral_resource(
        &self,
        _request: Request<tf::close_ephemeral_resource::Request>,
    ) -> Reply<tf::close_ephemeral_resource::Response> {
        Err(Status::unimplemented("ephemeral resources are not served"))
    }

    type ListResourceStream = Empty<tf::list_resource::Event>;

    async fn list_resource(
        &self,
        _request: Request<tf::list_resource::Request>,
    ) -> Reply<Self::ListResourceStream> {
        Err(Status::unimplemented("list resources are not served"))
    }

    async fn validate_list_resource_config(
        &self,
        _request: Request<tf::validate_list_resource_config::Request>,
    ) -> Reply<tf::validate_list_resource_config::Response> {
        Err(Status::unimplemented("list resources are not served"))
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

    async fn plan_action(
        &self,
        _request: Request<tf::plan_action::Request>,
    ) -> Reply<tf::plan_action::Response> {
        Err(Status::unimplemented("actions are not served"))
    }

    type InvokeActionStream = Empty<tf::invoke_action::Event>;

    async fn invoke_action(
        &self,
        _request: Request<tf::invoke_action::Request>,
    ) -> Reply<Self::InvokeActionStream> {
        Err(Status::unimplemented("actions are not served"))
    }

    async fn validate_action_config(
        &self,
        _request: Request<tf::validate_action_config::Request>,
    ) -> Reply<tf::validate_action_config::Response> {
        Err(Status::unimplemented("actions are not served"))
    }

    /// Ctrl-C in Terraform: every run under way stops starting objects and abandons its waits;
    /// the running apply then answers with what exists.
    async fn stop_provider(
        &self,
        _request: Request<tf::stop_provider::Request>,
    ) -> Reply<tf::stop_provider::Response> {
        tracing::info!("stop requested by Terraform: interrupting runs under way");
        self.provider.stop();
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
}
