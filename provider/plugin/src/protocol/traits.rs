//! What the plugin implements: a provider, its resources and data sources, each with typed
//! configuration and state. The `Dynamic*` traits are the same objects as the server sees them,
//! with values still in their wire form; every typed implementation gets one for free.

use std::collections::HashMap;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::diagnostics::{AttributePath, Diagnostics};
use super::dynamic::{decode, decode_private, encode, encode_private, is_null};
use super::schema::{IdentitySchema, Schema};
use super::tfplugin6::DynamicValue;

#[async_trait]
pub trait Provider: Send + Sync + 'static {
    type Config<'a>: Serialize + DeserializeOwned + Send;
    type MetaState<'a>: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()>;
    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()>;
    /// Terraform's `StopProvider`: end every run under way as soon as it safely can.
    fn stop(&self) {}
    fn get_resources(
        &self,
        diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>>;
    fn get_data_sources(
        &self,
        diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>>;
    /// Ephemeral resources (Terraform >= 1.10): values opened during a run, never stored.
    fn get_ephemeral_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicEphemeralResource>>> {
        Some(HashMap::new())
    }
    /// Actions (Terraform >= 1.14): operations invoked by `terraform apply -invoke`.
    fn get_actions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicAction>>> {
        Some(HashMap::new())
    }
    /// List resources (Terraform >= 1.14, `terraform query`), under the name of the managed
    /// resource type they list.
    fn get_list_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicListResource>>> {
        Some(HashMap::new())
    }
}

#[async_trait]
pub trait Resource: Send + Sync {
    type State<'a>: Serialize + DeserializeOwned + Send;
    type PrivateState<'a>: Serialize + DeserializeOwned + Send;
    type ProviderMetaState<'a>: Serialize + DeserializeOwned + Send;
    /// The resource identity (Terraform >= 1.12), as its identity schema lists it.
    type Identity: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    /// `None`: the resource has no identity.
    fn identity_schema(&self) -> Option<IdentitySchema>;
    /// The identity of a stored object; `None` while it is not wholly known (before a create).
    fn identity<'a>(
        &self,
        state: &Self::State<'a>,
        private_state: &Self::PrivateState<'a>,
    ) -> Option<Self::Identity>;
    /// `import { identity = { ... } }`: the state of the object the identity names.
    async fn import_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        identity: Self::Identity,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()>;
    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed_state: Self::State<'a>,
        config_state: Self::State<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
    #[allow(clippy::too_many_arguments)]
    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        proposed_state: Self::State<'a>,
        config_state: Self::State<'a>,
        prior_private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)>;
    async fn plan_destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        prior_private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>>;
    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned_state: Self::State<'a>,
        config_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
    #[allow(clippy::too_many_arguments)]
    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        planned_state: Self::State<'a>,
        config_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
    /// Deletes the resource. When it cannot finish (an error or an interrupt in `diags`), it
    /// returns what is left, which Terraform keeps in state for the next destroy; without an
    /// answer the prior state stands.
    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
}

#[async_trait]
pub trait EphemeralResource: Send + Sync {
    /// The configuration and the result: one object, as Terraform sends and receives it.
    type Value<'a>: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Value<'a>) -> Option<()>;
    /// The values for this run. Nothing is held open, so there is nothing to renew or close.
    async fn open<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::Value<'a>,
    ) -> Option<Self::Value<'a>>;
}

/// Where an action reports how it is getting on (shown by Terraform as it arrives).
pub type Progress = tokio::sync::mpsc::UnboundedSender<String>;

#[async_trait]
pub trait Action: Send + Sync {
    type Config<'a>: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()>;
    /// Runs the action to its end, reporting progress as it goes; failures are error diagnostics.
    async fn invoke<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::Config<'a>,
        progress: Progress,
    );
}

/// One object a list resource found.
pub struct Listed<I, S> {
    pub display_name: String,
    pub identity: I,
    /// The object's full state, when Terraform asked for it (`include_resource_object`).
    pub state: Option<S>,
}

#[async_trait]
pub trait ListResource: Send + Sync {
    type Config<'a>: Serialize + DeserializeOwned + Send;
    type Identity: Serialize + DeserializeOwned + Send;
    type State: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()>;
    async fn list<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::Config<'a>,
        include_state: bool,
        limit: Option<usize>,
    ) -> Vec<Listed<Self::Identity, Self::State>>;
}

#[async_trait]
pub trait DataSource: Send + Sync {
    type State<'a>: Serialize + DeserializeOwned + Send;
    type ProviderMetaState<'a>: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()>;
    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>>;
}

/// A state and its private bytes, in wire form.
pub type Stored = (DynamicValue, Vec<u8>);

#[async_trait]
pub trait DynamicResource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    fn identity_schema(&self) -> Option<IdentitySchema>;
    /// The identity of a stored state; `None` for a null state or one not yet wholly known.
    fn identity(
        &self,
        diags: &mut Diagnostics,
        state: &DynamicValue,
        private: &[u8],
    ) -> Option<DynamicValue>;
    async fn import_identity(
        &self,
        diags: &mut Diagnostics,
        identity: &DynamicValue,
    ) -> Option<Stored>;
    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue);
    async fn read(
        &self,
        diags: &mut Diagnostics,
        state: &DynamicValue,
        private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored>;
    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: &DynamicValue,
        config: &DynamicValue,
        meta: &DynamicValue,
    ) -> Option<Stored>;
    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        proposed: &DynamicValue,
        config: &DynamicValue,
        prior_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<(DynamicValue, Vec<u8>, Vec<AttributePath>)>;
    async fn plan_destroy(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        prior_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Vec<u8>>;
    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: &DynamicValue,
        config: &DynamicValue,
        planned_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored>;
    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        planned: &DynamicValue,
        config: &DynamicValue,
        planned_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored>;
    async fn destroy(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        planned_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored>;
    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Stored>;
}

#[async_trait]
pub trait DynamicEphemeralResource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue);
    async fn open(&self, diags: &mut Diagnostics, config: &DynamicValue) -> Option<DynamicValue>;
}

#[async_trait]
pub trait DynamicAction: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue);
    async fn invoke(&self, diags: &mut Diagnostics, config: &DynamicValue, progress: Progress);
}

/// A listed object in wire form: display name, identity, state if asked for.
pub type ListedWire = (String, DynamicValue, Option<DynamicValue>);

#[async_trait]
pub trait DynamicListResource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue);
    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: &DynamicValue,
        include_state: bool,
        limit: Option<usize>,
    ) -> Vec<ListedWire>;
}

#[async_trait]
pub trait DynamicDataSource: Send + Sync {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue);
    async fn read(
        &self,
        diags: &mut Diagnostics,
        config: &DynamicValue,
        meta: &DynamicValue,
    ) -> Option<DynamicValue>;
}

fn stored<S: Serialize, P: Serialize>(
    diags: &mut Diagnostics,
    (state, private): (S, P),
) -> Option<Stored> {
    Some((encode(diags, &state)?, encode_private(diags, &private)?))
}

#[async_trait]
impl<T: Resource> DynamicResource for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        Resource::schema(self, diags)
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Resource::identity_schema(self)
    }

    fn identity(
        &self,
        diags: &mut Diagnostics,
        state: &DynamicValue,
        private: &[u8],
    ) -> Option<DynamicValue> {
        if is_null(state) {
            return None;
        }
        let (state, private) = (decode(diags, state)?, decode_private(diags, private)?);
        let identity = Resource::identity(self, &state, &private)?;
        encode(diags, &identity)
    }

    async fn import_identity(
        &self,
        diags: &mut Diagnostics,
        identity: &DynamicValue,
    ) -> Option<Stored> {
        let identity = decode(diags, identity)?;
        let out = Resource::import_identity(self, diags, identity).await?;
        stored(diags, out)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue) {
        if let Some(config) = decode(diags, config) {
            Resource::validate(self, diags, config).await;
        }
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        state: &DynamicValue,
        private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored> {
        let (state, private, meta) = (
            decode(diags, state)?,
            decode_private(diags, private)?,
            decode(diags, meta)?,
        );
        let out = Resource::read(self, diags, state, private, meta).await?;
        stored(diags, out)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: &DynamicValue,
        config: &DynamicValue,
        meta: &DynamicValue,
    ) -> Option<Stored> {
        let (proposed, config, meta) = (
            decode(diags, proposed)?,
            decode(diags, config)?,
            decode(diags, meta)?,
        );
        let out = Resource::plan_create(self, diags, proposed, config, meta).await?;
        stored(diags, out)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        proposed: &DynamicValue,
        config: &DynamicValue,
        prior_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<(DynamicValue, Vec<u8>, Vec<AttributePath>)> {
        let (prior, proposed, config, private, meta) = (
            decode(diags, prior)?,
            decode(diags, proposed)?,
            decode(diags, config)?,
            decode_private(diags, prior_private)?,
            decode(diags, meta)?,
        );
        let (state, private, replace) =
            Resource::plan_update(self, diags, prior, proposed, config, private, meta).await?;
        let (state, private) = stored(diags, (state, private))?;
        Some((state, private, replace))
    }

    async fn plan_destroy(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        prior_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Vec<u8>> {
        let (prior, private, meta) = (
            decode(diags, prior)?,
            decode_private(diags, prior_private)?,
            decode(diags, meta)?,
        );
        let private = Resource::plan_destroy(self, diags, prior, private, meta).await?;
        encode_private(diags, &private)
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: &DynamicValue,
        config: &DynamicValue,
        planned_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored> {
        let (planned, config, private, meta) = (
            decode(diags, planned)?,
            decode(diags, config)?,
            decode_private(diags, planned_private)?,
            decode(diags, meta)?,
        );
        let out = Resource::create(self, diags, planned, config, private, meta).await?;
        stored(diags, out)
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        planned: &DynamicValue,
        config: &DynamicValue,
        planned_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored> {
        let (prior, planned, config, private, meta) = (
            decode(diags, prior)?,
            decode(diags, planned)?,
            decode(diags, config)?,
            decode_private(diags, planned_private)?,
            decode(diags, meta)?,
        );
        let out = Resource::update(self, diags, prior, planned, config, private, meta).await?;
        stored(diags, out)
    }

    async fn destroy(
        &self,
        diags: &mut Diagnostics,
        prior: &DynamicValue,
        planned_private: &[u8],
        meta: &DynamicValue,
    ) -> Option<Stored> {
        let (prior, private, meta) = (
            decode(diags, prior)?,
            decode_private(diags, planned_private)?,
            decode(diags, meta)?,
        );
        let left = Resource::destroy(self, diags, prior, private, meta).await?;
        stored(diags, left)
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Stored> {
        let out = Resource::import(self, diags, id).await?;
        stored(diags, out)
    }
}

#[async_trait]
impl<T: DataSource> DynamicDataSource for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        DataSource::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue) {
        if let Some(config) = decode(diags, config) {
            DataSource::validate(self, diags, config).await;
        }
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        config: &DynamicValue,
        meta: &DynamicValue,
    ) -> Option<DynamicValue> {
        let (config, meta) = (decode(diags, config)?, decode(diags, meta)?);
        let state = DataSource::read(self, diags, config, meta).await?;
        encode(diags, &state)
    }
}

#[async_trait]
impl<T: EphemeralResource> DynamicEphemeralResource for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        EphemeralResource::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue) {
        if let Some(config) = decode(diags, config) {
            EphemeralResource::validate(self, diags, config).await;
        }
    }

    async fn open(&self, diags: &mut Diagnostics, config: &DynamicValue) -> Option<DynamicValue> {
        let config = decode(diags, config)?;
        let result = EphemeralResource::open(self, diags, config).await?;
        encode(diags, &result)
    }
}

#[async_trait]
impl<T: Action> DynamicAction for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        Action::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue) {
        if let Some(config) = decode(diags, config) {
            Action::validate(self, diags, config).await;
        }
    }

    async fn invoke(&self, diags: &mut Diagnostics, config: &DynamicValue, progress: Progress) {
        if let Some(config) = decode(diags, config) {
            Action::invoke(self, diags, config, progress).await;
        }
    }
}

#[async_trait]
impl<T: ListResource> DynamicListResource for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        ListResource::schema(self, diags)
    }

    async fn validate(&self, diags: &mut Diagnostics, config: &DynamicValue) {
        if let Some(config) = decode(diags, config) {
            ListResource::validate(self, diags, config).await;
        }
    }

    async fn list(
        &self,
        diags: &mut Diagnostics,
        config: &DynamicValue,
        include_state: bool,
        limit: Option<usize>,
    ) -> Vec<ListedWire> {
        let Some(config) = decode(diags, config) else {
            return Vec::new();
        };
        let found = ListResource::list(self, diags, config, include_state, limit).await;
        found
            .into_iter()
            .filter_map(|l| {
                let identity = encode(diags, &l.identity)?;
                let state = match &l.state {
                    Some(s) => Some(encode(diags, s)?),
                    None => None,
                };
                Some((l.display_name, identity, state))
            })
            .collect()
    }
}
