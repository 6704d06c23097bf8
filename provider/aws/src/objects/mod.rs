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

use vault_core::drift::{Extra, Observation};
use vault_core::graph::ComponentId;
use vault_core::model::component::{ComponentKind, Settings};
use vault_core::model::{Component, ResolvedStack};
use vault_core::policy::{AssignedIds, PolicyKind};

use crate::clients::Clients;
use crate::clock::{unless_stopped, Clock};
use crate::error::{api, found, AwsError};
use crate::retry::RetryPolicy;
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
    /// Who runs this apply ([`crate::claim::local_owner`]), written on the stack's claim.
    pub owner: &'a str,
}

impl Ctx<'_> {
    /// The AWS id of another component, which the graph guarantees exists already.
    pub fn id(&self, c: &ComponentId) -> Result<&str, AwsError> {
        self.ids
            .get(c)
            .map(String::as_str)
            .ok_or_else(|| AwsError::Invalid(format!("{c} has no AWS id yet")))
    }

    /// For `find`: the id of the object that `c`'s part lives in, or `None` when that object is
    /// not recorded, and then there is no part to find. A part is created after its object and
    /// deleted before it, so a destroy that got past the object deleted the part too.
    pub fn parent(&self, c: &ComponentId) -> Option<&str> {
        self.ids.get(c).map(String::as_str)
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

    /// One AWS call, its error named after the operation. Throttling and transient faults are
    /// retried by the SDK (the provider's `max_retries`), not here.
    pub async fn call<T, E, R, F, Fut>(&self, operation: &'static str, op: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        self.call_with(&crate::retry::DEFAULT, operation, op).await
    }

    /// One AWS call, also retrying the conditions `policy` names (role propagation, ...), for no
    /// longer than the `timeouts` block allows. Once the run is stopped (Ctrl-C), a call the SDK
    /// would retry, or one left unanswered, is abandoned as interrupted ([`unless_stopped`]).
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
            .within(self.timeout)
            .run(self.clock, || {
                let sent = op();
                async move {
                    match unless_stopped(self.clock.until_stopped(), sent).await {
                        Some(answer) => answer.map_err(api(operation)),
                        None => Err(AwsError::Interrupted(operation.to_string())),
                    }
                }
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
        found(self.call(operation, op).await)
    }

    /// A delete (or revoke) whose object may be gone already, which is not an error: also the
    /// SDK's retry of one whose response was lost, which AWS answers with NotFound.
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
    a.app_secret_arn = ids
        .get(&logical::app_secret())
        .and_then(|s| SecretArn::parse(s).ok());
    for p in KeyPurpose::ALL {
        if let Some(k) = ids
            .get(&logical::kms_key(p))
            .and_then(|s| KmsKeyArn::parse(s).ok())
        {
            a.kms_keys.insert(p, k);
        }
    }
    for z in &stack.inputs().network.availability_zones {
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

/// What a read learns about an existing object: what it looks like, in the core's terms (its
/// drift is decided by [`drift`], in the core), and the values of the resource's outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    pub observation: Observation,
    /// Values for the resource's outputs: `arn`, `endpoint`, `reader_endpoint`, ...
    pub outputs: BTreeMap<vault_core::model::Output, String>,
}

impl Observed {
    /// An object read with these settings, no tags, extras or outputs yet.
    pub fn new(settings: Settings) -> Observed {
        Observed {
            observation: Observation {
                settings,
                tags: None,
                extras: Vec::new(),
            },
            outputs: BTreeMap::new(),
        }
    }

    pub fn tags(mut self, tags: Option<vault_core::input::Tags>) -> Observed {
        self.observation.tags = tags;
        self
    }

    pub fn extra(&mut self, extra: Extra) {
        self.observation.extras.push(extra);
    }

    pub fn output(&mut self, output: vault_core::model::Output, value: impl Into<String>) {
        self.outputs.insert(output, value.into());
    }
}

/// How an object read as `observed` differs from component `c`, in words: decided by the core
/// ([`vault_core::drift::component`]), with the stack's policies rendered from the ids known.
/// Apply repairs it with [`update`]; the plan shows it as drift.
pub fn drift(ctx: &Ctx<'_>, c: &Component, observed: &Observed) -> Vec<String> {
    let assigned = ctx.assigned();
    vault_core::drift::component(c, &observed.observation, &|kind| {
        ctx.stack.policy(kind, &assigned)
    })
}

/// The logical name of what a read found where `want` is referenced, by its AWS id `have`:
/// `want` when `have` is `want`'s recorded id (`same(recorded, have)`, for kinds AWS shows in
/// another form: an ARN, a key id), and also when `want` has no id yet (there is nothing to
/// compare with). Otherwise the component recorded with that id, or the id itself, which
/// compares unequal and shows as itself in the drift list; `(none)` when AWS names nothing.
pub fn reference(
    ids: &Ids,
    want: &ComponentId,
    have: Option<&str>,
    same: impl Fn(&str, &str) -> bool,
) -> ComponentId {
    let Some(recorded) = ids.get(want) else {
        return want.clone();
    };
    match have {
        Some(h) if same(recorded, h) => want.clone(),
        Some(h) => name_of(ids, h, &[]),
        None => ComponentId::new("(none)"),
    }
}

/// The logical names of a list of AWS ids (subnets, security groups) read where `want` is
/// referenced. While one of `want` has no id yet, only the known ones can be told apart: the
/// unknown ones count as present, and nothing else as foreign.
pub fn references(ids: &Ids, want: &[ComponentId], have: &[String]) -> Vec<ComponentId> {
    let mut out: Vec<ComponentId> = have.iter().map(|h| name_of(ids, h, want)).collect();
    let unknown: Vec<ComponentId> = want
        .iter()
        .filter(|c| !ids.contains_key(*c))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        out.retain(|c| want.contains(c));
        out.extend(unknown);
    }
    out
}

/// The component recorded with AWS id `id` (one of `prefer` first: a bucket's sub-configurations
/// share its id), else the id itself.
fn name_of(ids: &Ids, id: &str, prefer: &[ComponentId]) -> ComponentId {
    prefer
        .iter()
        .find(|c| ids.get(*c).map(String::as_str) == Some(id))
        .or_else(|| ids.iter().find(|(_, v)| v.as_str() == id).map(|(c, _)| c))
        .cloned()
        .unwrap_or_else(|| ComponentId::new(id))
}

impl Ctx<'_> {
    /// [`reference`] with this run's ids, by exact id.
    pub fn reference(&self, want: &ComponentId, have: Option<&str>) -> ComponentId {
        reference(self.ids, want, have, |recorded, have| recorded == have)
    }

    /// [`reference`] with this run's ids, `same(recorded, have)` deciding.
    pub fn reference_by(
        &self,
        want: &ComponentId,
        have: Option<&str>,
        same: impl Fn(&str, &str) -> bool,
    ) -> ComponentId {
        reference(self.ids, want, have, same)
    }

    /// [`references`] with this run's ids.
    pub fn references(&self, want: &[ComponentId], have: &[String]) -> Vec<ComponentId> {
        references(self.ids, want, have)
    }
}

// Each kind's future is boxed: a match over 26 inline futures makes frames too large for a
// debug build's default 2 MiB thread stack.

/// Finds an object a previous, interrupted apply created, by its name or management tag.
pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    match &c.settings {
        Settings::Vpc(_) => Box::pin(network::vpc::find(ctx, c)).await,
        Settings::Subnet(s) => Box::pin(network::subnet::find(ctx, c, s)).await,
        Settings::RouteTable(s) => Box::pin(network::route_table::find(ctx, c, s)).await,
        Settings::RouteTableAssociation(s) => {
            Box::pin(network::route_table_association::find(ctx, s)).await
        }
        Settings::SecurityGroup(s) => Box::pin(network::security_group::find(ctx, c, s)).await,
        Settings::SecurityGroupRule(s) => {
            Box::pin(network::security_group_rule::find(ctx, s)).await
        }
        Settings::VpcEndpoint(s) => Box::pin(network::vpc_endpoint::find(ctx, c, s)).await,
        Settings::KmsKey(s) => Box::pin(keys_and_audit::kms_key::find(ctx, c, s)).await,
        Settings::KmsAlias(_) => Box::pin(keys_and_audit::kms_alias::find(ctx, c)).await,
        Settings::LogGroup(_) => Box::pin(keys_and_audit::log_group::find(ctx, c)).await,
        Settings::MetricFilter(s) => Box::pin(keys_and_audit::metric_filter::find(ctx, c, s)).await,
        Settings::S3Bucket(_) => Box::pin(keys_and_audit::s3_bucket::find(ctx, c)).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            Box::pin(keys_and_audit::s3_bucket_public_access_block::find(ctx, s)).await
        }
        Settings::S3BucketEncryption(s) => {
            Box::pin(keys_and_audit::s3_bucket_encryption::find(ctx, s)).await
        }
        Settings::S3BucketPolicy(s) => {
            Box::pin(keys_and_audit::s3_bucket_policy::find(ctx, s)).await
        }
        Settings::IamRole(_) => Box::pin(keys_and_audit::iam_role::find(ctx, c)).await,
        Settings::IamRolePolicy(s) => {
            Box::pin(keys_and_audit::iam_role_policy::find(ctx, c, s)).await
        }
        Settings::CloudTrail(_) => Box::pin(keys_and_audit::cloudtrail::find(ctx, c)).await,
        Settings::DbSubnetGroup(_) => {
            Box::pin(database_and_rotation::db_subnet_group::find(ctx, c)).await
        }
        Settings::DbClusterParameterGroup(_) => {
            Box::pin(database_and_rotation::db_cluster_parameter_group::find(
                ctx, c,
            ))
            .await
        }
        Settings::DbCluster(_) => Box::pin(database_and_rotation::db_cluster::find(ctx, c)).await,
        Settings::DbInstance(_) => Box::pin(database_and_rotation::db_instance::find(ctx, c)).await,
        Settings::Secret(_) => Box::pin(database_and_rotation::secret::find(ctx, c)).await,
        Settings::LambdaFunction(_) => {
            Box::pin(database_and_rotation::lambda_function::find(ctx, c)).await
        }
        Settings::LambdaPermission(s) => {
            Box::pin(database_and_rotation::lambda_permission::find(ctx, s)).await
        }
        Settings::SecretRotation(s) => {
            Box::pin(database_and_rotation::secret_rotation::find(ctx, s)).await
        }
    }
}

/// Objects of the component's name and management tag other than `keep`: copies left when AWS
/// made a create whose response was lost and the SDK sent it again. Only kinds with neither a
/// unique name nor a client token can have them (with a name, the retry meets AlreadyExists;
/// with a token, AWS answers with the first object).
pub async fn duplicates(ctx: &Ctx<'_>, c: &Component, keep: &str) -> Result<Vec<String>, AwsError> {
    let all = match &c.settings {
        Settings::Vpc(_) => Box::pin(network::vpc::find_all(ctx, c)).await?,
        Settings::Subnet(s) => Box::pin(network::subnet::find_all(ctx, c, s)).await?,
        Settings::RouteTable(s) => Box::pin(network::route_table::find_all(ctx, c, s)).await?,
        Settings::KmsKey(s) => Box::pin(keys_and_audit::kms_key::find_all(ctx, c, s)).await?,
        _ => Vec::new(),
    };
    Ok(all.into_iter().filter(|id| id != keep).collect())
}

/// Creates the object and waits until it is usable; returns its AWS id.
pub async fn create(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    match &c.settings {
        Settings::Vpc(s) => Box::pin(network::vpc::create(ctx, c, s)).await,
        Settings::Subnet(s) => Box::pin(network::subnet::create(ctx, c, s)).await,
        Settings::RouteTable(s) => Box::pin(network::route_table::create(ctx, c, s)).await,
        Settings::RouteTableAssociation(s) => {
            Box::pin(network::route_table_association::create(ctx, s)).await
        }
        Settings::SecurityGroup(s) => Box::pin(network::security_group::create(ctx, c, s)).await,
        Settings::SecurityGroupRule(s) => {
            Box::pin(network::security_group_rule::create(ctx, s)).await
        }
        Settings::VpcEndpoint(s) => Box::pin(network::vpc_endpoint::create(ctx, c, s)).await,
        Settings::KmsKey(s) => Box::pin(keys_and_audit::kms_key::create(ctx, c, s)).await,
        Settings::KmsAlias(s) => Box::pin(keys_and_audit::kms_alias::create(ctx, c, s)).await,
        Settings::LogGroup(s) => Box::pin(keys_and_audit::log_group::create(ctx, c, s)).await,
        Settings::MetricFilter(s) => {
            Box::pin(keys_and_audit::metric_filter::create(ctx, c, s)).await
        }
        Settings::S3Bucket(_) => Box::pin(keys_and_audit::s3_bucket::create(ctx, c)).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            Box::pin(keys_and_audit::s3_bucket_public_access_block::create(
                ctx, s,
            ))
            .await
        }
        Settings::S3BucketEncryption(s) => {
            Box::pin(keys_and_audit::s3_bucket_encryption::create(ctx, s)).await
        }
        Settings::S3BucketPolicy(s) => {
            Box::pin(keys_and_audit::s3_bucket_policy::create(ctx, s)).await
        }
        Settings::IamRole(s) => Box::pin(keys_and_audit::iam_role::create(ctx, c, s)).await,
        Settings::IamRolePolicy(s) => {
            Box::pin(keys_and_audit::iam_role_policy::create(ctx, c, s)).await
        }
        Settings::CloudTrail(s) => Box::pin(keys_and_audit::cloudtrail::create(ctx, c, s)).await,
        Settings::DbSubnetGroup(s) => {
            Box::pin(database_and_rotation::db_subnet_group::create(ctx, c, s)).await
        }
        Settings::DbClusterParameterGroup(s) => {
            Box::pin(database_and_rotation::db_cluster_parameter_group::create(
                ctx, c, s,
            ))
            .await
        }
        Settings::DbCluster(s) => {
            Box::pin(database_and_rotation::db_cluster::create(ctx, c, s)).await
        }
        Settings::DbInstance(s) => {
            Box::pin(database_and_rotation::db_instance::create(ctx, c, s)).await
        }
        Settings::Secret(s) => Box::pin(database_and_rotation::secret::create(ctx, c, s)).await,
        Settings::LambdaFunction(s) => {
            Box::pin(database_and_rotation::lambda_function::create(ctx, c, s)).await
        }
        Settings::LambdaPermission(s) => {
            Box::pin(database_and_rotation::lambda_permission::create(ctx, s)).await
        }
        Settings::SecretRotation(s) => {
            Box::pin(database_and_rotation::secret_rotation::create(ctx, s)).await
        }
    }
}

/// Reads the object; `None` when it no longer exists.
pub async fn read(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<Option<Observed>, AwsError> {
    match &c.settings {
        Settings::Vpc(s) => Box::pin(network::vpc::read(ctx, c, s, id)).await,
        Settings::Subnet(s) => Box::pin(network::subnet::read(ctx, c, s, id)).await,
        Settings::RouteTable(s) => Box::pin(network::route_table::read(ctx, c, s, id)).await,
        Settings::RouteTableAssociation(s) => {
            Box::pin(network::route_table_association::read(ctx, s, id)).await
        }
        Settings::SecurityGroup(s) => Box::pin(network::security_group::read(ctx, c, s, id)).await,
        Settings::SecurityGroupRule(s) => {
            Box::pin(network::security_group_rule::read(ctx, s, id)).await
        }
        Settings::VpcEndpoint(s) => Box::pin(network::vpc_endpoint::read(ctx, c, s, id)).await,
        Settings::KmsKey(s) => Box::pin(keys_and_audit::kms_key::read(ctx, c, s, id)).await,
        Settings::KmsAlias(s) => Box::pin(keys_and_audit::kms_alias::read(ctx, s, id)).await,
        Settings::LogGroup(s) => Box::pin(keys_and_audit::log_group::read(ctx, c, s, id)).await,
        Settings::MetricFilter(s) => {
            Box::pin(keys_and_audit::metric_filter::read(ctx, s, id)).await
        }
        Settings::S3Bucket(s) => Box::pin(keys_and_audit::s3_bucket::read(ctx, c, s, id)).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            Box::pin(keys_and_audit::s3_bucket_public_access_block::read(
                ctx, s, id,
            ))
            .await
        }
        Settings::S3BucketEncryption(s) => {
            Box::pin(keys_and_audit::s3_bucket_encryption::read(ctx, s, id)).await
        }
        Settings::S3BucketPolicy(s) => {
            Box::pin(keys_and_audit::s3_bucket_policy::read(ctx, s, id)).await
        }
        Settings::IamRole(s) => Box::pin(keys_and_audit::iam_role::read(ctx, c, s, id)).await,
        Settings::IamRolePolicy(s) => {
            Box::pin(keys_and_audit::iam_role_policy::read(ctx, s, id)).await
        }
        Settings::CloudTrail(s) => Box::pin(keys_and_audit::cloudtrail::read(ctx, c, s, id)).await,
        Settings::DbSubnetGroup(s) => {
            Box::pin(database_and_rotation::db_subnet_group::read(ctx, c, s, id)).await
        }
        Settings::DbClusterParameterGroup(s) => {
            Box::pin(database_and_rotation::db_cluster_parameter_group::read(
                ctx, c, s, id,
            ))
            .await
        }
        Settings::DbCluster(s) => {
            Box::pin(database_and_rotation::db_cluster::read(ctx, c, s, id)).await
        }
        Settings::DbInstance(s) => {
            Box::pin(database_and_rotation::db_instance::read(ctx, c, s, id)).await
        }
        Settings::Secret(s) => Box::pin(database_and_rotation::secret::read(ctx, c, s, id)).await,
        Settings::LambdaFunction(s) => {
            Box::pin(database_and_rotation::lambda_function::read(ctx, c, s, id)).await
        }
        Settings::LambdaPermission(s) => {
            Box::pin(database_and_rotation::lambda_permission::read(ctx, s, id)).await
        }
        Settings::SecretRotation(s) => {
            Box::pin(database_and_rotation::secret_rotation::read(ctx, s, id)).await
        }
    }
}

/// Brings the object in line with its settings (what [`read`] reported as drift).
pub async fn update(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<(), AwsError> {
    match &c.settings {
        Settings::Vpc(s) => Box::pin(network::vpc::update(ctx, c, s, id)).await,
        Settings::Subnet(s) => Box::pin(network::subnet::update(ctx, c, s, id)).await,
        Settings::RouteTable(s) => Box::pin(network::route_table::update(ctx, c, s, id)).await,
        Settings::RouteTableAssociation(s) => {
            Box::pin(network::route_table_association::update(ctx, s, id)).await
        }
        Settings::SecurityGroup(s) => {
            Box::pin(network::security_group::update(ctx, c, s, id)).await
        }
        Settings::SecurityGroupRule(s) => {
            Box::pin(network::security_group_rule::update(ctx, s, id)).await
        }
        Settings::VpcEndpoint(s) => Box::pin(network::vpc_endpoint::update(ctx, c, s, id)).await,
        Settings::KmsKey(s) => Box::pin(keys_and_audit::kms_key::update(ctx, c, s, id)).await,
        Settings::KmsAlias(s) => Box::pin(keys_and_audit::kms_alias::update(ctx, s, id)).await,
        Settings::LogGroup(s) => Box::pin(keys_and_audit::log_group::update(ctx, c, s, id)).await,
        Settings::MetricFilter(s) => {
            Box::pin(keys_and_audit::metric_filter::update(ctx, s, id)).await
        }
        Settings::S3Bucket(_) => Box::pin(keys_and_audit::s3_bucket::update(ctx, c, id)).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            Box::pin(keys_and_audit::s3_bucket_public_access_block::update(
                ctx, s, id,
            ))
            .await
        }
        Settings::S3BucketEncryption(s) => {
            Box::pin(keys_and_audit::s3_bucket_encryption::update(ctx, s, id)).await
        }
        Settings::S3BucketPolicy(s) => {
            Box::pin(keys_and_audit::s3_bucket_policy::update(ctx, s, id)).await
        }
        Settings::IamRole(s) => Box::pin(keys_and_audit::iam_role::update(ctx, c, s, id)).await,
        Settings::IamRolePolicy(s) => {
            Box::pin(keys_and_audit::iam_role_policy::update(ctx, s, id)).await
        }
        Settings::CloudTrail(s) => {
            Box::pin(keys_and_audit::cloudtrail::update(ctx, c, s, id)).await
        }
        Settings::DbSubnetGroup(s) => {
            Box::pin(database_and_rotation::db_subnet_group::update(
                ctx, c, s, id,
            ))
            .await
        }
        Settings::DbClusterParameterGroup(s) => {
            Box::pin(database_and_rotation::db_cluster_parameter_group::update(
                ctx, c, s, id,
            ))
            .await
        }
        Settings::DbCluster(s) => {
            Box::pin(database_and_rotation::db_cluster::update(ctx, c, s, id)).await
        }
        Settings::DbInstance(s) => {
            Box::pin(database_and_rotation::db_instance::update(ctx, c, s, id)).await
        }
        Settings::Secret(s) => Box::pin(database_and_rotation::secret::update(ctx, c, s, id)).await,
        Settings::LambdaFunction(s) => {
            Box::pin(database_and_rotation::lambda_function::update(
                ctx, c, s, id,
            ))
            .await
        }
        Settings::LambdaPermission(s) => {
            Box::pin(database_and_rotation::lambda_permission::update(ctx, s, id)).await
        }
        Settings::SecretRotation(s) => {
            Box::pin(database_and_rotation::secret_rotation::update(ctx, s, id)).await
        }
    }
}

/// Deletes the object and waits until it is gone; an object already gone is not an error.
/// Works from the kind and id alone: the object may no longer be part of the model.
pub async fn delete(ctx: &Ctx<'_>, kind: ComponentKind, id: &str) -> Result<(), AwsError> {
    match kind {
        ComponentKind::Vpc => Box::pin(network::vpc::delete(ctx, id)).await,
        ComponentKind::Subnet => Box::pin(network::subnet::delete(ctx, id)).await,
        ComponentKind::RouteTable => Box::pin(network::route_table::delete(ctx, id)).await,
        ComponentKind::RouteTableAssociation => {
            Box::pin(network::route_table_association::delete(ctx, id)).await
        }
        ComponentKind::SecurityGroup => Box::pin(network::security_group::delete(ctx, id)).await,
        ComponentKind::SecurityGroupRule => {
            Box::pin(network::security_group_rule::delete(ctx, id)).await
        }
        ComponentKind::VpcEndpoint => Box::pin(network::vpc_endpoint::delete(ctx, id)).await,
        ComponentKind::KmsKey => Box::pin(keys_and_audit::kms_key::delete(ctx, id)).await,
        ComponentKind::KmsAlias => Box::pin(keys_and_audit::kms_alias::delete(ctx, id)).await,
        ComponentKind::LogGroup => Box::pin(keys_and_audit::log_group::delete(ctx, id)).await,
        ComponentKind::MetricFilter => {
            Box::pin(keys_and_audit::metric_filter::delete(ctx, id)).await
        }
        ComponentKind::S3Bucket => Box::pin(keys_and_audit::s3_bucket::delete(ctx, id)).await,
        ComponentKind::S3BucketPublicAccessBlock => {
            Box::pin(keys_and_audit::s3_bucket_public_access_block::delete(
                ctx, id,
            ))
            .await
        }
        ComponentKind::S3BucketEncryption => {
            Box::pin(keys_and_audit::s3_bucket_encryption::delete(ctx, id)).await
        }
        ComponentKind::S3BucketPolicy => {
            Box::pin(keys_and_audit::s3_bucket_policy::delete(ctx, id)).await
        }
        ComponentKind::IamRole => Box::pin(keys_and_audit::iam_role::delete(ctx, id)).await,
        ComponentKind::IamRolePolicy => {
            Box::pin(keys_and_audit::iam_role_policy::delete(ctx, id)).await
        }
        ComponentKind::CloudTrail => Box::pin(keys_and_audit::cloudtrail::delete(ctx, id)).await,
        ComponentKind::DbSubnetGroup => {
            Box::pin(database_and_rotation::db_subnet_group::delete(ctx, id)).await
        }
        ComponentKind::DbClusterParameterGroup => {
            Box::pin(database_and_rotation::db_cluster_parameter_group::delete(
                ctx, id,
            ))
            .await
        }
        ComponentKind::DbCluster => {
            Box::pin(database_and_rotation::db_cluster::delete(ctx, id)).await
        }
        ComponentKind::DbInstance => {
            Box::pin(database_and_rotation::db_instance::delete(ctx, id)).await
        }
        ComponentKind::Secret => Box::pin(database_and_rotation::secret::delete(ctx, id)).await,
        ComponentKind::LambdaFunction => {
            Box::pin(database_and_rotation::lambda_function::delete(ctx, id)).await
        }
        ComponentKind::LambdaPermission => {
            Box::pin(database_and_rotation::lambda_permission::delete(ctx, id)).await
        }
        ComponentKind::SecretRotation => {
            Box::pin(database_and_rotation::secret_rotation::delete(ctx, id)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(pairs: &[(&str, &str)]) -> Ids {
        pairs
            .iter()
            .map(|(c, id)| (ComponentId::from(*c), id.to_string()))
            .collect()
    }

    fn exact(recorded: &str, have: &str) -> bool {
        recorded == have
    }

    #[test]
    fn a_recorded_id_reads_as_its_logical_name_and_any_other_as_itself() {
        let ids = ids(&[("vpc", "vpc-1"), ("subnet/a", "subnet-1")]);
        let vpc = ComponentId::from("vpc");
        assert_eq!(reference(&ids, &vpc, Some("vpc-1"), exact), vpc);
        assert_eq!(
            reference(&ids, &vpc, Some("vpc-0foreign"), exact),
            ComponentId::from("vpc-0foreign")
        );
        // Another component's id reads as that component.
        assert_eq!(
            reference(&ids, &vpc, Some("subnet-1"), exact),
            ComponentId::from("subnet/a")
        );
        assert_eq!(
            reference(&ids, &vpc, None, exact),
            ComponentId::from("(none)")
        );
    }

    #[test]
    fn a_reference_without_a_recorded_id_has_nothing_to_compare_with() {
        let vpc = ComponentId::from("vpc");
        assert_eq!(reference(&Ids::new(), &vpc, Some("vpc-9"), exact), vpc);
    }

    #[test]
    fn a_reference_may_be_reported_in_another_form_of_its_id() {
        let ids = ids(&[("kms_key/logs", "arn:aws:kms:us-east-1:1:key/k-1")]);
        let key = ComponentId::from("kms_key/logs");
        let by_key_id = |recorded: &str, have: &str| recorded.ends_with(&format!("/{have}"));
        assert_eq!(reference(&ids, &key, Some("k-1"), by_key_id), key);
        assert_eq!(
            reference(&ids, &key, Some("k-2"), by_key_id),
            ComponentId::from("k-2")
        );
    }

    #[test]
    fn a_list_of_ids_reads_as_logical_names_and_foreign_ids_as_themselves() {
        let ids = ids(&[("subnet/a", "subnet-1"), ("subnet/b", "subnet-2")]);
        let want = [ComponentId::from("subnet/a"), ComponentId::from("subnet/b")];
        assert_eq!(
            references(&ids, &want, &["subnet-2".into(), "subnet-9".into()]),
            [ComponentId::from("subnet/b"), ComponentId::from("subnet-9")]
        );
    }

    #[test]
    fn while_one_wanted_id_is_unknown_nothing_in_a_list_reads_as_foreign() {
        let ids = ids(&[("subnet/a", "subnet-1")]);
        let want = [ComponentId::from("subnet/a"), ComponentId::from("subnet/b")];
        assert_eq!(
            references(&ids, &want, &["subnet-1".into(), "subnet-9".into()]),
            want
        );
    }

    #[test]
    fn every_kind_belongs_to_exactly_one_group() {
        for kind in ComponentKind::ALL {
            let groups = [
                network::KINDS,
                keys_and_audit::KINDS,
                database_and_rotation::KINDS,
            ];
            let holders = groups.iter().filter(|g| g.contains(&kind)).count();
            assert_eq!(holders, 1, "{kind:?}");
        }
    }
}
