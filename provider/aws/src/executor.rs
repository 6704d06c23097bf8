//! Walks a stack's dependency graph against AWS: apply (create, adopt, repair, replace), destroy
//! and refresh. Each object starts as soon as the objects it needs are done, up to a bound on
//! concurrency; the first failure (or a stop) starts nothing new, and everything that exists by
//! then is in the returned ids, so the next run resumes from there.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures::future::join_all;
use futures::stream::{FuturesUnordered, StreamExt};
use vault_core::graph::ComponentId;
use vault_core::model::{Component, ResolvedStack};

use crate::claim;
use crate::clients::Clients;
use crate::clock::Clock;
use crate::error::{AwsError, ErrorKind};
use crate::objects::{self, Ctx, Ids, Observed};
use crate::waiter::{Waiter, EXISTS};

/// How many AWS objects are created, updated or deleted at once. Terraform's own default is 10;
/// a stack's widest layer has about 16 objects, and AWS's mutating-call buckets (EC2: 50, IAM,
/// KMS: tens per second) take a burst of 16 with the retries' backoff to spare.
const CONCURRENCY: usize = 16;

/// How many objects a refresh reads at once: every object of a stack, so a no-op plan waits for
/// the slowest object's reads, not for batches of them. Describe, Get and List calls have the
/// largest buckets AWS gives (EC2: 100).
const READ_CONCURRENCY: usize = 64;

pub struct Executor<'a> {
    pub clients: &'a Clients,
    pub clock: &'a dyn Clock,
    /// Who runs this apply ([`crate::claim::local_owner`]).
    pub owner: &'a str,
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

/// An object's work that failed: why, and the object's id when it exists all the same (a create
/// whose wait outlasted its timeout or was interrupted: AWS made the object), so that state
/// records it as SPEC §3.4 asks ("whatever exists is recorded in state").
struct Failed {
    error: AwsError,
    exists: Option<String>,
}

impl From<AwsError> for Failed {
    fn from(error: AwsError) -> Self {
        Failed {
            error,
            exists: None,
        }
    }
}

/// What a refresh found: the objects that still exist, what each looks like, and how each
/// differs from the stack (as the core decides: [`objects::drift`]).
#[derive(Debug, Default)]
pub struct Refreshed {
    pub ids: Ids,
    pub observed: BTreeMap<ComponentId, Observed>,
    pub differences: BTreeMap<ComponentId, Vec<String>>,
}

impl Refreshed {
    /// Completes an imported configuration with the inputs the objects found hold
    /// ([`vault_core::model::Settings::read_back`]), object by object in `stack`'s order.
    pub fn read_back(&self, stack: &ResolvedStack, config: &mut vault_core::input::StackConfig) {
        for c in stack.components() {
            if let Some(observed) = self.observed.get(&c.id) {
                observed.observation.settings.read_back(config);
            }
        }
    }

    /// Every difference between AWS and the stack's settings, as `component: difference`.
    pub fn drift(&self) -> Vec<String> {
        self.differences
            .iter()
            .flat_map(|(c, d)| d.iter().map(move |d| format!("{c}: {d}")))
            .collect()
    }
}

/// What a plan decided for objects that exist: which to replace (delete, then create again)
/// and which to update in place even when a read shows no difference.
#[derive(Clone, Debug, Default)]
pub struct Planned {
    pub replace: BTreeSet<ComponentId>,
    pub update: BTreeSet<ComponentId>,
}

impl<'a> Executor<'a> {
    fn ctx<'b>(&'b self, stack: &'b ResolvedStack, ids: &'b Ids, timeout: Duration) -> Ctx<'b> {
        Ctx {
            clients: self.clients,
            clock: self.clock,
            stack,
            ids,
            timeout,
            owner: self.owner,
        }
    }

    /// Makes AWS match `stack`: deletes recorded objects the stack no longer has and those the
    /// plan replaces, then brings every object to its settings, each as soon as what it depends
    /// on is done: repaired if it exists (updated when it drifted or the plan changes it),
    /// adopted if a crashed run left it behind (found by name and management tag), else created.
    pub async fn apply(
        &self,
        stack: &ResolvedStack,
        prior: Option<&ResolvedStack>,
        mut ids: Ids,
        planned: &Planned,
        timeout: Duration,
    ) -> Report {
        let start = self.clock.elapsed();
        log_dependencies(stack);
        let wanted: BTreeSet<&ComponentId> = stack.components().iter().map(|c| &c.id).collect();
        let doomed: BTreeSet<ComponentId> = ids
            .keys()
            .filter(|c| !wanted.contains(c) || planned.replace.contains(*c))
            .cloned()
            .collect();
        if !doomed.is_empty() {
            let order = prior.unwrap_or(stack);
            // Boxed: debug builds keep nested futures on the worker's stack otherwise.
            let report = Box::pin(self.delete_in_order(order, ids, &doomed, timeout, false)).await;
            if report.failure.is_some() {
                return report;
            }
            ids = report.ids;
        }
        let claim = claim::component();
        if let (false, Some(component)) = (ids.contains_key(&claim), stack.component(&claim)) {
            // Alone and first: nothing else is created or adopted until the stack is ours.
            let ctx = self.ctx(stack, &ids, timeout);
            match Box::pin(for_component(&claim, take_claim(&ctx, component))).await {
                Ok(id) => {
                    ids.insert(claim, id);
                }
                Err(error) => {
                    let failure = Some(Failure {
                        component: claim,
                        error,
                    });
                    return Report { ids, failure };
                }
            }
        }
        let graph = stack.graph();
        let todo: Vec<ComponentId> = stack.components().iter().map(|c| c.id.clone()).collect();
        // An object starts once every object it depends on is done.
        let blockers = |c: &ComponentId| -> Vec<ComponentId> {
            graph.dependencies(c).into_iter().cloned().collect()
        };
        let remaining = timeout.saturating_sub(self.clock.elapsed() - start);
        Box::pin(
            self.schedule(todo, blockers, ids, remaining, |c, snapshot| async move {
                let component = stack.component(&c).expect("scheduled from the stack");
                let update = planned.update.contains(&c);
                let ctx = self.ctx(stack, &snapshot, timeout);
                let result = match Box::pin(ensure(&ctx, component, update)).await {
                    Ok(id) => Ok(Some(id)),
                    // A create that failed may have made the object first (its wait ran out,
                    // or Ctrl-C came): found by name and tag, it is recorded.
                    Err(error) if !snapshot.contains_key(&c) => Err(Failed {
                        exists: objects::find(&ctx, component).await.ok().flatten(),
                        error,
                    }),
                    Err(error) => Err(error.into()),
                };
                (c, result)
            }),
        )
        .await
    }

    /// Runs `work` for every component of `todo`, each once its `blockers` are done (blockers
    /// outside `todo` count as done), at most [`CONCURRENCY`] at once. After a failure, a stop
    /// (Ctrl-C) or the timeout, nothing new starts and what runs is finished, so every object
    /// that exists is in the returned ids. `work` answers the object's id, or `None` once the
    /// object no longer exists.
    async fn schedule<W>(
        &self,
        todo: Vec<ComponentId>,
        blockers: impl Fn(&ComponentId) -> Vec<ComponentId>,
        mut ids: Ids,
        timeout: Duration,
        work: impl Fn(ComponentId, Ids) -> W,
    ) -> Report
    where
        W: std::future::Future<Output = (ComponentId, Result<Option<String>, Failed>)>,
    {
        let start = self.clock.elapsed();
        let mut waiting: BTreeSet<ComponentId> = todo.into_iter().collect();
        let mut in_flight: BTreeSet<ComponentId> = BTreeSet::new();
        let mut running = FuturesUnordered::new();
        let mut failure: Option<Failure> = None;
        loop {
            if failure.is_none() && !waiting.is_empty() {
                let stopped = self.clock.stopped();
                if stopped || self.clock.elapsed() - start > timeout {
                    let component = waiting.first().cloned().expect("not empty");
                    let error = if stopped {
                        AwsError::Interrupted(component.to_string())
                    } else {
                        AwsError::Invalid(format!(
                            "the stack's timeout ({timeout:?}) ran out before this object"
                        ))
                    };
                    failure = Some(Failure { component, error });
                } else {
                    let ready: Vec<ComponentId> = waiting
                        .iter()
                        .filter(|c| {
                            blockers(c)
                                .iter()
                                .all(|b| !waiting.contains(b) && !in_flight.contains(b))
                        })
                        .take(CONCURRENCY.saturating_sub(running.len()))
                        .cloned()
                        .collect();
                    for c in ready {
                        waiting.remove(&c);
                        in_flight.insert(c.clone());
                        running.push(for_component(&c, work(c.clone(), ids.clone())));
                    }
                }
            }
            let Some((component, result)) = running.next().await else {
                break;
            };
            in_flight.remove(&component);
            match result {
                Ok(Some(id)) => {
                    ids.insert(component, id);
                }
                Ok(None) => {
                    ids.remove(&component);
                }
                Err(Failed { error, exists }) => {
                    if let Some(id) = exists {
                        ids.insert(component.clone(), id);
                    }
                    failure.get_or_insert(Failure { component, error });
                }
            }
        }
        if failure.is_none() {
            if let Some(component) = waiting.first().cloned() {
                let error = AwsError::Invalid("its dependencies never finished".into());
                failure = Some(Failure { component, error });
            }
        }
        Report { ids, failure }
    }

    /// Deletes every object of the stack, dependents first. Objects not in `ids` are looked up
    /// by name and management tag, so what a crashed apply created goes too.
    /// Unrecorded objects are looked for only when the stack's claim is this state's (recorded)
    /// or this working directory's: another state's stack is never touched.
    pub async fn destroy(&self, stack: &ResolvedStack, ids: Ids, timeout: Duration) -> Report {
        log_dependencies(stack);
        let all: BTreeSet<ComponentId> = stack
            .components()
            .iter()
            .map(|c| c.id.clone())
            .chain(ids.keys().cloned())
            .collect();
        let ours = ids.contains_key(&claim::component()) || {
            let ctx = self.ctx(stack, &ids, timeout);
            match claim::holder(&ctx).await {
                Ok(holder) => !matches!(holder, claim::Holder::Other(_)),
                Err(error) => {
                    let component = claim::component();
                    let failure = Some(Failure { component, error });
                    return Report { ids, failure };
                }
            }
        };
        self.delete_in_order(stack, ids, &all, timeout, ours).await
    }

    /// Deletes `doomed`, each object once the objects that depend on it in `order` are gone.
    async fn delete_in_order(
        &self,
        order: &ResolvedStack,
        ids: Ids,
        doomed: &BTreeSet<ComponentId>,
        timeout: Duration,
        find_unrecorded: bool,
    ) -> Report {
        // Objects the ordering stack does not know (an instance beyond a lowered count) have no
        // dependents in it: they go before everything else.
        let known: BTreeSet<&ComponentId> = order.components().iter().map(|c| &c.id).collect();
        let unknown: Vec<ComponentId> = doomed
            .iter()
            .filter(|c| !known.contains(c))
            .cloned()
            .collect();
        let graph = order.graph();
        let blockers = |c: &ComponentId| -> Vec<ComponentId> {
            if !known.contains(c) {
                return Vec::new();
            }
            let dependents = graph.dependents(c).into_iter().cloned();
            dependents.chain(unknown.iter().cloned()).collect()
        };
        let todo = doomed.iter().cloned().collect();
        Box::pin(
            self.schedule(todo, blockers, ids, timeout, |c, snapshot| async move {
                let ctx = self.ctx(order, &snapshot, timeout);
                let result = Box::pin(remove(&ctx, &c, find_unrecorded))
                    .await
                    .map(|()| None)
                    .map_err(Failed::from);
                (c, result)
            }),
        )
        .await
    }

    /// Reads every recorded object, and how each differs from `stack`; those gone are left out
    /// of the returned ids.
    pub async fn refresh(
        &self,
        stack: &ResolvedStack,
        ids: &Ids,
        timeout: Duration,
    ) -> Result<Refreshed, Failure> {
        let found = self.read(stack, ids, timeout).await?;
        Ok(self.compared(stack, ids, found, timeout))
    }

    /// Reads every recorded object, without comparing: import compares once the reads have
    /// completed the model ([`Refreshed::read_back`]).
    pub async fn read(
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
        let reads: Vec<_> = recorded
            .iter()
            .map(|(c, id)| for_component(&c.id, objects::read(&ctx, c, id)))
            .collect();
        let done: Vec<_> = futures::stream::iter(reads)
            .buffered(READ_CONCURRENCY)
            .collect()
            .await;
        let mut out = Refreshed::default();
        for ((c, id), result) in recorded.into_iter().zip(done) {
            let result: Result<Option<Observed>, AwsError> = result;
            match result {
                Ok(Some(observed)) => {
                    out.ids.insert(c.id.clone(), id.clone());
                    out.observed.insert(c.id.clone(), observed);
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
        Ok(out)
    }

    /// What a refresh found, its differences computed against `stack`: the stack it read, or
    /// (import) the same objects once the inputs read back from them complete the model. `ids`
    /// are those recorded, through which references map back to logical names.
    pub fn compared(
        &self,
        stack: &ResolvedStack,
        ids: &Ids,
        found: Refreshed,
        timeout: Duration,
    ) -> Refreshed {
        let ctx = self.ctx(stack, ids, timeout);
        let differences = stack
            .components()
            .iter()
            .filter_map(|c| {
                let observed = found.observed.get(&c.id)?;
                Some((c.id.clone(), objects::drift(&ctx, c, observed)))
            })
            .collect();
        Refreshed {
            differences,
            ..found
        }
    }
}

/// One object brought to its settings: if recorded and present, updated when it drifted or the
/// plan changes it; adopted if a previous run left it unrecorded; created otherwise.
async fn ensure(ctx: &Ctx<'_>, c: &Component, planned_update: bool) -> Result<String, AwsError> {
    if let Some(id) = ctx.ids.get(&c.id) {
        if let Some(observed) = objects::read(ctx, c, id).await? {
            if planned_update || !objects::drift(ctx, c, &observed).is_empty() {
                objects::update(ctx, c, id).await?;
            }
            return Ok(id.clone());
        }
    }
    if let Some(id) = adopt(ctx, c).await? {
        return Ok(id);
    }
    match objects::create(ctx, c).await {
        // The SDK retried a create whose response was lost, and AWS answered that the object
        // exists: it is ours when its name and management tag say so.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => adopt(ctx, c).await?.ok_or(e),
        Ok(id) => {
            // The same retry of an object without a unique name makes a second one; the claim
            // guarantees nobody else creates this stack's objects, so the others are copies.
            for copy in objects::duplicates(ctx, c, &id).await? {
                objects::delete(ctx, c.kind(), &copy).await?;
            }
            Ok(id)
        }
        Err(e) => Err(e),
    }
}

/// Finds the object by name and management tag and repairs it: what an interrupted or retried
/// create left.
async fn adopt(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(id) = objects::find(ctx, c).await? else {
        return Ok(None);
    };
    let observed = match objects::read(ctx, c, &id).await? {
        Some(observed) => Some(observed),
        None => {
            // Found a moment ago, by name: a read by id that does not see it yet is EC2's
            // reads lagging behind a create (a retried create's first attempt, say), not the
            // object gone. Left unread, it would never be repaired (its default egress rule).
            let what = format!("{} {id}", c.id);
            ctx.wait(Waiter::visible(what), || async {
                Ok(objects::read(ctx, c, &id)
                    .await?
                    .map(|_| EXISTS.to_string()))
            })
            .await?;
            objects::read(ctx, c, &id).await?
        }
    };
    if let Some(observed) = observed {
        if !objects::drift(ctx, c, &observed).is_empty() {
            objects::update(ctx, c, &id).await?;
        }
    }
    Ok(Some(id))
}

/// Takes the stack's claim: adopts it when it is ours, creates it when nobody holds it, and fails
/// when another working directory holds it, also when that one wins a race for its creation.
async fn take_claim(ctx: &Ctx<'_>, component: &Component) -> Result<String, AwsError> {
    claim::check(ctx).await?;
    let id = ensure(ctx, component, false).await?;
    // Again after: a racing apply may have created the role between the first check and our
    // create, which then adopted it (`AlreadyExists`, found by name and management tag). The
    // owner tag, written by the create itself, decides whose it is.
    claim::check(ctx).await?;
    Ok(id)
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
        None => vault_core::model::ComponentKind::of(c).ok_or_else(|| {
            AwsError::Invalid(format!("{c} is not a component this provider knows"))
        })?,
    };
    objects::delete(ctx, kind, &id).await
}

/// At DEBUG, one line per component naming what it needs first: with the component named on
/// each AWS call line, the log holds everything `scripts/bench.sh` needs to compute the apply's
/// and the destroy's critical path.
fn log_dependencies(stack: &ResolvedStack) {
    let graph = stack.graph();
    for c in stack.components() {
        let needs: Vec<&str> = graph
            .dependencies(&c.id)
            .iter()
            .map(|d| d.as_str())
            .collect();
        tracing::debug!(component = %c.id, needs = %needs.join(","), "dependencies");
    }
}

/// `work` inside a DEBUG span naming its component, so the log's line for each AWS call says
/// which object it was made for (how `scripts/bench.sh` finds the apply's critical path).
fn for_component<F: std::future::Future>(
    component: &ComponentId,
    work: F,
) -> tracing::instrument::Instrumented<F> {
    use tracing::Instrument;
    work.instrument(tracing::debug_span!("component", id = %component))
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
            let found = join_all(
                components
                    .iter()
                    .map(|c| for_component(&c.id, objects::find(&ctx, c))),
            )
            .await;
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
