//! What the plugin implements: a provider, its resources and data sources, each with typed
//! configuration and state. The `Dynamic*` traits are the same objects as the server sees them,
//! with values still in their wire form; every typed implementation gets one for free.

use std::collections::HashMap;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::diagnostics::{AttributePath, Diagnostics};
use super::dynamic::{decode, decode_private, encode, encode_private};
use super::schema::Schema;
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
}

#[async_trait]
pub trait Resource: Send + Sync {
    type State<'a>: Serialize + DeserializeOwned + Send;
    type PrivateState<'a>: Serialize + DeserializeOwned + Send;
    type ProviderMetaState<'a>: Serialize + DeserializeOwned + Send;

    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;
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
    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        meta: Self::ProviderMetaState<'a>,
    ) -> Option<()>;
    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)>;
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
    );
    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Stored>;
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
    ) {
        let (Some(prior), Some(private), Some(meta)) = (
            decode(diags, prior),
            decode_private(diags, planned_private),
            decode(diags, meta),
        ) else {
            return;
        };
        Resource::destroy(self, diags, prior, private, meta).await;
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
