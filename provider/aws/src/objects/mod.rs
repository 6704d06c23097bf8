//! One module per AWS object kind, each in the same order: find (by name or management tag, to
//! adopt what a crashed apply left), create, read, update, delete, then waiters.
//!
//! Every module works on the core's [`Component`]: its AWS name, tags and settings. References
//! to other components are resolved through [`Ctx::id`], the ids recorded so far.

pub mod database_and_rotation;
pub mod keys_and_audit;
pub mod network;
pub mod tags;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use vault_core::graph::ComponentId;
use vault_core::model::component::ComponentKind;
use vault_core::model::{Component, ResolvedStack};
use vault_core::policy::{AssignedIds, PolicyKind};

use crate::clients::Clients;
use crate::clock::Clock;
use crate::error::{api, AwsError};
use crate::retry::{self, RetryPolicy};
use crate::waiter::Waiter;

/// AWS ids of a stack's objects by logical name: what state records as `components`.
pub type Ids = BTreeMap<ComponentId, String>;

/// Everything an object module needs.
pub struct Ctx<'a> {
    pub clients: &'a Clients,
    pub clock: &'a dyn Clock,
    pub stack: &'a ResolvedStack,
    /// Ids of the objects created or found so far.
    pub ids: &'a Ids,
    /// How long one object may take to become ready or go away (the `timeouts` block).
    pub timeout: Duration,
}

impl Ctx<'_> {
    /// The AWS id of another component, which the graph guarantees exists already.
    pub fn id(&self, c: &ComponentId) -> Result<&str, AwsError> {
        self.ids
            .get(c)
            .map(String::as_str)
            .ok_or_else(|| AwsError::Invalid(format!("{c} has no AWS id yet")))
    }

    pub fn ids_of(&self, cs: &[ComponentId]) -> Result<Vec<String>, AwsError> {
        cs.iter().map(|c| self.id(c).map(str::to_string)).collect()
    }

    /// The ids policies name exactly, as far as they are known.
    pub fn assigned(&self) -> AssignedIds {
        assigned_ids(self.stack, self.ids)
    }

    /// A policy document of the stack, rendered with the ids known so far.
    pub fn policy(&self, kind: PolicyKind) -> String {
        self.stack.policy(kind, &self.assigned()).to_string()
    }

    /// One AWS call with the default retries (throttling, transport), its error named after
    /// the operation.
    pub async fn call<T, E, R, F, Fut>(&self, operation: &'static str, op: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        self.call_with(&retry::DEFAULT, operation, op).await
    }

    /// One AWS call, also retrying the conditions `policy` names (role propagation, ...).
    pub async fn call_with<T, E, R, F, Fut>(
        &self,
        policy: &RetryPolicy,
        operation: &'static str,
        mut op: F,
    ) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        policy
            .run(self.clock, || {
                let sent = op();
                async move { sent.await.map_err(api(operation)) }
            })
            .await
    }

    /// One call reading an object: `None` when AWS answers that the object does not exist.
    pub async fn call_found<T, E, R, F, Fut>(
        &self,
        operation: &'static str,
        op: F,
    ) -> Result<Option<T>, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        match self.call(operation, op).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A delete whose object may be gone already, which is not an error.
    pub async fn call_delete<T, E, R, F, Fut>(
        &self,
        operation: &'static str,
        op: F,
    ) -> Result<(), AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        self.call_found(operation, op).await.map(drop)
    }

    /// Deletes an object, then waits with `waiter` until `state` (the object's state, `None`
    /// once gone) says it is gone. An object already gone is not an error; `policy` retries what
    /// holds a delete up for a while (network interfaces still draining).
    pub async fn delete_and_wait<T, E, R, F, Fut, P, PFut>(
        &self,
        policy: &RetryPolicy,
        operation: &'static str,
        op: F,
        waiter: Waiter,
        state: P,
    ) -> Result<(), AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
        P: FnMut() -> PFut,
        PFut: Future<Output = Result<Option<String>, AwsError>>,
    {
        match self.call_with(policy, operation, op).await {
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
            Ok(_) => self.wait(waiter, state).await.map(drop),
        }
    }

    /// Waits with this run's clock, within the object timeout (the `timeouts` block).
    pub async fn wait<P, PFut>(&self, waiter: Waiter, state: P) -> Result<String, AwsError>
    where
        P: FnMut() -> PFut,
        PFut: Future<Output = Result<Option<String>, AwsError>>,
    {
        waiter.timeout(self.timeout).wait(self.clock, state).await
    }

    pub fn region(&self) -> &str {
        self.stack.region().as_str()
    }

    pub fn account(&self) -> &str {
        self.stack.account().as_str()
    }
}

/// The ids the core's policies can name exactly.
pub fn assigned_ids(stack: &ResolvedStack, ids: &Ids) -> AssignedIds {
    use vault_core::ids::{KmsKeyArn, SecretArn, SecurityGroupId, SubnetId};
    use vault_core::model::component::{KeyPurpose, SecurityGroupRole};
    use vault_core::model::logical;
    let mut a = AssignedIds::none();
    a.secret_arn = ids
        .get(&logical::secret())
        .and_then(|s| SecretArn::parse(s).ok());
    for p in KeyPurpose::ALL {
        if let Some(k) = ids
            .get(&logical::kms_key(p))
            .and_then(|s| KmsKeyArn::parse(s).ok())
        {
            a.kms_keys.insert(p, k);
        }
    }
    for z in &stack.inputs().availability_zones {
        if let Some(s) = ids
            .get(&logical::subnet(z))
            .and_then(|s| SubnetId::parse(s).ok())
        {
            a.subnets.insert(z.clone(), s);
        }
    }
    for r in SecurityGroupRole::ALL {
        if let Some(g) = ids
            .get(&logical::security_group(r))
            .and_then(|s| SecurityGroupId::parse(s).ok())
        {
            a.security_groups.insert(r, g);
        }
    }
    a
}

/// What a read learns about an existing object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Observed {
    /// Values for the resource's outputs: `arn`, `endpoint`, `reader_endpoint`, ...
    pub outputs: BTreeMap<&'static str, String>,
    /// How the object differs from its settings, in words: "retention 30 days, want 365".
    /// Apply repairs these with [`update`]; the plan shows them as drift.
    pub drift: Vec<String>,
    /// The object's tags as read, for kinds AWS can tag; their drift is added by [`read`].
    pub tags: Option<vault_core::input::Tags>,
}

pub(crate) fn unsupported(kind: ComponentKind, op: &str) -> AwsError {
    AwsError::Invalid(format!("{op} is not implemented for {}", kind.as_str()))
}

/// The group module that handles a kind.
macro_rules! dispatch {
    ($kind:expr, $f:ident($($arg:expr),*)) => {{
        let kind = $kind;
        if network::KINDS.contains(&kind) {
            network::$f($($arg),*).await
        } else if keys_and_audit::KINDS.contains(&kind) {
            keys_and_audit::$f($($arg),*).await
        } else {
            database_and_rotation::$f($($arg),*).await
        }
    }};
}

/// Finds an object a previous, interrupted apply created, by its name or management tag.
pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    dispatch!(c.kind(), find(ctx, c))
}

/// Creates the object and waits until it is usable; returns its AWS id.
pub async fn create(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    dispatch!(c.kind(), create(ctx, c))
}

/// Reads the object; `None` when it no longer exists.
pub async fn read(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<Option<Observed>, AwsError> {
    let observed: Option<Observed> = dispatch!(c.kind(), read(ctx, c, id))?;
    Ok(observed.map(|mut o| {
        // Tag drift is decided in one place, in both directions, for every kind.
        if let Some(have) = &o.tags {
            o.drift
                .extend(vault_core::drift::tags(c.tags.as_ref(), have));
        }
        o
    }))
}

/// Brings the object in line with its settings (what [`read`] reported as drift).
pub async fn update(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<(), AwsError> {
    dispatch!(c.kind(), update(ctx, c, id))
}

/// Deletes the object and waits until it is gone; an object already gone is not an error.
/// Works from the kind and id alone: the object may no longer be part of the model.
pub async fn delete(ctx: &Ctx<'_>, kind: ComponentKind, id: &str) -> Result<(), AwsError> {
    dispatch!(kind, delete(ctx, kind, id))
}
