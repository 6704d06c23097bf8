//! Walks a stack's dependency graph against AWS: apply (create, adopt, repair, replace), destroy
//! and refresh. Independent objects go concurrently, layer by layer; the first failure stops the
//! walk after its layer, and everything that exists by then is in the returned ids, so the next
//! run resumes from there.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::future::join_all;
use vault_core::graph::ComponentId;
use vault_core::model::{Component, ResolvedStack};

use crate::clients::Clients;
use crate::clock::Clock;
use crate::error::AwsError;
use crate::objects::{self, Ctx, Ids, Observed};

/// How many AWS objects are worked on at once within a layer.
const CONCURRENCY: usize = 8;

pub struct Executor<'a> {
    pub clients: &'a Clients,
    pub clock: &'a dyn Clock,
}

/// Where a walk ended: the ids of every object that exists, and the failure that stopped it.
#[derive(Debug)]
pub struct Report {
    pub ids: Ids,
    pub failure: Option<Failure>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{component}: {error}")]
pub struct Failure {
    pub component: ComponentId,
    pub error: AwsError,
}

/// A component and the AWS id state recorded for it.
type Recorded = (ComponentId, String);

/// What a refresh found: the objects that still exist, and what each looks like.
#[derive(Debug, Default)]
pub struct Refreshed {
    pub ids: Ids,
    pub observed: BTreeMap<ComponentId, Observed>,
}

impl Refreshed {
    /// Every difference between AWS and the stack's settings, as `component: difference`.
    pub fn drift(&self) -> Vec<String> {
        self.observed
            .iter()
            .flat_map(|(c, o)| o.drift.iter().map(move |d| format!("{c}: {d}")))
            .collect()
    }
}

impl<'a> Executor<'a> {
    fn ctx<'b>(&'b self, stack: &'b ResolvedStack, ids: &'b Ids, timeout: Duration) -> Ctx<'b> {
        Ctx {
            clients: self.clients,
            clock: self.clock,
            stack,
            ids,
            timeout,
        }
    }

    /// Makes AWS match `stack`: deletes recorded objects the stack no longer has and those in
    /// `replace`, then, layer by layer, repairs objects that exist, adopts objects a crashed run
    /// left behind (found by name and management tag), and creates the rest.
    pub async fn apply(
        &self,
        stack: &ResolvedStack,
        prior: Option<&ResolvedStack>,
        mut ids: Ids,
        replace: &BTreeSet<ComponentId>,
        timeout: Duration,
    ) -> Report {
        let start = self.clock.elapsed();
        let wanted: BTreeSet<&ComponentId> = stack.components().iter().map(|c| &c.id).collect();
        let doomed: BTreeSet<ComponentId> = ids
            .keys()
            .filter(|c| !wanted.contains(c) || replace.contains(*c))
            .cloned()
            .collect();
        if !doomed.is_empty() {
            let order = prior.unwrap_or(stack);
            let report = self
                .delete_in_order(order, ids, &doomed, timeout, false)
                .await;
            if report.failure.is_some() {
                return report;
            }
            ids = report.ids;
        }
        for layer in stack.creation_layers() {
            if self.clock.stopped() {
                return Report {
                    failure: Some(Failure {
                        component: layer[0].clone(),
                        error: AwsError::Interrupted(format!("{}", layer[0])),
                    }),
                    ids,
                };
            }
            let waited = self.clock.elapsed() - start;
            if waited > timeout {
                return Report {
                    failure: Some(Failure {
                        component: layer[0].clone(),
                        error: AwsError::Invalid(format!(
                            "the stack's timeout ({timeout:?}) ran out before this object"
                        )),
                    }),
                    ids,
                };
            }
            let components: Vec<&Component> =
                layer.iter().filter_map(|id| stack.component(id)).collect();
            let snapshot = ids.clone();
            let ctx = self.ctx(stack, &snapshot, timeout);
            let mut results: Vec<(ComponentId, Result<String, AwsError>)> = Vec::new();
            for chunk in components.chunks(CONCURRENCY) {
                let futures: Vec<_> = chunk.iter().map(|c| ensure(&ctx, c)).collect();
                let done = join_all(futures).await;
                results.extend(chunk.iter().map(|c| c.id.clone()).zip(done));
            }
            let mut failure = None;
            for (component, result) in results {
                match result {
                    Ok(id) => {
                        ids.insert(component, id);
                    }
                    Err(error) => {
                        failure.get_or_insert(Failure { component, error });
                    }
                }
            }
            if failure.is_some() {
                return Report { ids, failure };
            }
        }
        Report { ids, failure: None }
    }

    /// Deletes every object of the stack, dependents first. Objects not in `ids` are looked up
    /// by name and management tag, so what a crashed apply created goes too.
    pub async fn destroy(&self, stack: &ResolvedStack, ids: Ids, timeout: Duration) -> Report {
        let all: BTreeSet<ComponentId> = stack
            .components()
            .iter()
            .map(|c| c.id.clone())
            .chain(ids.keys().cloned())
            .collect();
        self.delete_in_order(stack, ids, &all, timeout, true).await
    }

    async fn delete_in_order(
        &self,
        order: &ResolvedStack,
        mut ids: Ids,
        doomed: &BTreeSet<ComponentId>,
        timeout: Duration,
        find_unrecorded: bool,
    ) -> Report {
        // Objects the ordering stack does not know (an instance beyond a lowered count) have no
        // dependents in it: they go first.
        let known: BTreeSet<&ComponentId> = order.components().iter().map(|c| &c.id).collect();
        let mut layers: Vec<Vec<ComponentId>> = vec![doomed
            .iter()
            .filter(|c| !known.contains(c))
            .cloned()
            .collect()];
        layers.extend(order.deletion_layers());
        for layer in layers {
            let targets: Vec<ComponentId> =
                layer.into_iter().filter(|c| doomed.contains(c)).collect();
            if targets.is_empty() {
                continue;
            }
            if self.clock.stopped() {
                let component = targets[0].clone();
                let error = AwsError::Interrupted(component.to_string());
                return Report {
                    ids,
                    failure: Some(Failure { component, error }),
                };
            }
            let snapshot = ids.clone();
            let ctx = self.ctx(order, &snapshot, timeout);
            let mut results: Vec<(ComponentId, Result<(), AwsError>)> = Vec::new();
            for chunk in targets.chunks(CONCURRENCY) {
                let futures: Vec<_> = chunk
                    .iter()
                    .map(|c| remove(&ctx, c, find_unrecorded))
                    .collect();
                let done = join_all(futures).await;
                results.extend(chunk.iter().cloned().zip(done));
            }
            let mut failure = None;
            for (component, result) in results {
                match result {
                    Ok(()) => {
                        ids.remove(&component);
                    }
                    Err(error) => {
                        failure.get_or_insert(Failure { component, error });
                    }
                }
            }
            if failure.is_some() {
                return Report { ids, failure };
            }
        }
        Report { ids, failure: None }
    }

    /// Reads every recorded object; those gone are left out of the returned ids.
    pub async fn refresh(
        &self,
        stack: &ResolvedStack,
        ids: &Ids,
        timeout: Duration,
    ) -> Result<Refreshed, Failure> {
        let ctx = self.ctx(stack, ids, timeout);
        let recorded: Vec<(&Component, &String)> = stack
            .components()
            .iter()
            .filter_map(|c| ids.get(&c.id).map(|id| (c, id)))
            .collect();
        let mut results: Vec<(Recorded, Result<Option<Observed>, AwsError>)> = Vec::new();
        for chunk in recorded.chunks(CONCURRENCY) {
            let futures: Vec<_> = chunk
                .iter()
                .map(|(c, id)| objects::read(&ctx, c, id))
                .collect();
            let done = join_all(futures).await;
            results.extend(
                chunk
                    .iter()
                    .map(|(c, id)| (c.id.clone(), (*id).clone()))
                    .zip(done),
            );
        }
        let mut out = Refreshed::default();
        for ((component, id), result) in results {
            match result {
                Ok(Some(observed)) => {
                    out.ids.insert(component.clone(), id);
                    out.observed.insert(component, observed);
                }
                Ok(None) => {}
                Err(error) => return Err(Failure { component, error }),
            }
        }
        Ok(out)
    }
}

/// One object brought to its settings: repaired if recorded and present, adopted if a previous
/// run left it unrecorded, created otherwise.
async fn ensure(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    if let Some(id) = ctx.ids.get(&c.id) {
        if let Some(observed) = objects::read(ctx, c, id).await? {
            if !observed.drift.is_empty() {
                objects::update(ctx, c, id).await?;
            }
            return Ok(id.clone());
        }
    }
    if let Some(id) = objects::find(ctx, c).await? {
        if let Some(observed) = objects::read(ctx, c, &id).await? {
            if !observed.drift.is_empty() {
                objects::update(ctx, c, &id).await?;
            }
        }
        return Ok(id);
    }
    objects::create(ctx, c).await
}

async fn remove(ctx: &Ctx<'_>, c: &ComponentId, find_unrecorded: bool) -> Result<(), AwsError> {
    let id = match ctx.ids.get(c) {
        Some(id) => Some(id.clone()),
        None if find_unrecorded => match ctx.stack.component(c) {
            Some(component) => objects::find(ctx, component).await?,
            None => None,
        },
        None => None,
    };
    let Some(id) = id else { return Ok(()) };
    let kind = match ctx.stack.component(c) {
        Some(component) => component.kind(),
        None => kind_of(c)?,
    };
    objects::delete(ctx, kind, &id).await
}

/// The kind of a logical name the model no longer has (`db_instance/3`).
fn kind_of(c: &ComponentId) -> Result<vault_core::model::ComponentKind, AwsError> {
    use vault_core::model::ComponentKind as K;
    let prefix = c.as_str().split('/').next().unwrap_or("");
    const ALL: [K; 26] = [
        K::Vpc,
        K::Subnet,
        K::RouteTable,
        K::RouteTableAssociation,
        K::SecurityGroup,
        K::SecurityGroupRule,
        K::VpcEndpoint,
        K::KmsKey,
        K::KmsAlias,
        K::LogGroup,
        K::S3Bucket,
        K::S3BucketPublicAccessBlock,
        K::S3BucketEncryption,
        K::S3BucketPolicy,
        K::IamRole,
        K::IamRolePolicy,
        K::CloudTrail,
        K::MetricFilter,
        K::DbSubnetGroup,
        K::DbClusterParameterGroup,
        K::DbCluster,
        K::DbInstance,
        K::Secret,
        K::LambdaFunction,
        K::LambdaPermission,
        K::SecretRotation,
    ];
    ALL.into_iter()
        .find(|k| k.as_str() == prefix)
        .ok_or_else(|| AwsError::Invalid(format!("{c} is not a component this provider knows")))
}

impl Executor<'_> {
    /// Finds every component of `stack` by name and management tag (import).
    pub async fn discover(&self, stack: &ResolvedStack, timeout: Duration) -> Result<Ids, Failure> {
        let none = Ids::new();
        let mut ids = Ids::new();
        // Layer by layer: some finders need the ids of what they live in (a subnet's VPC).
        for layer in stack.creation_layers() {
            let components: Vec<&Component> =
                layer.iter().filter_map(|id| stack.component(id)).collect();
            let snapshot = ids.clone();
            let ctx = Ctx {
                ids: &snapshot,
                ..self.ctx(stack, &none, timeout)
            };
            let found = join_all(components.iter().map(|c| objects::find(&ctx, c))).await;
            for (c, result) in components.iter().zip(found) {
                match result {
                    Ok(Some(id)) => {
                        ids.insert(c.id.clone(), id);
                    }
                    Ok(None) => {}
                    Err(error) => {
                        return Err(Failure {
                            component: c.id.clone(),
                            error,
                        })
                    }
                }
            }
        }
        Ok(ids)
    }
}
