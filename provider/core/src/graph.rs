//! The dependency graph of a stack's components: which objects can be created together, and in
//! which order they must go away.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

/// A component's logical name: stable across plans and applies (`vpc`, `subnet/us-east-1a`,
/// `db_instance/2`), the key under which state records the object's AWS id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ComponentId(String);

impl ComponentId {
    pub fn new(s: impl Into<String>) -> Self {
        ComponentId(s.into())
    }

    /// `kind/qualifier`, the shape of every logical name with a qualifier.
    pub fn qualified(kind: &str, qualifier: impl fmt::Display) -> Self {
        ComponentId(format!("{kind}/{qualifier}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ComponentId {
    fn from(s: &str) -> Self {
        ComponentId(s.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("component {0} is listed twice")]
    Duplicate(ComponentId),
    #[error("{component} depends on {dependency}, which is not part of the stack")]
    MissingDependency {
        component: ComponentId,
        dependency: ComponentId,
    },
    #[error("dependency cycle through {}", .0.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" -> "))]
    Cycle(Vec<ComponentId>),
}

/// A directed acyclic graph: an edge `a -> b` means `a` needs `b` to exist first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyGraph {
    ids: Vec<ComponentId>,
    index: BTreeMap<ComponentId, usize>,
    /// `deps[i]`: what node `i` needs.
    deps: Vec<BTreeSet<usize>>,
    /// `dependents[i]`: what needs node `i`.
    dependents: Vec<BTreeSet<usize>>,
}

impl DependencyGraph {
    pub fn new<'a, I, D>(nodes: I) -> Result<Self, GraphError>
    where
        I: IntoIterator<Item = (&'a ComponentId, D)>,
        D: IntoIterator<Item = &'a ComponentId>,
    {
        let nodes: Vec<(&ComponentId, Vec<&ComponentId>)> = nodes
            .into_iter()
            .map(|(id, deps)| (id, deps.into_iter().collect()))
            .collect();
        let mut index = BTreeMap::new();
        for (i, (id, _)) in nodes.iter().enumerate() {
            if index.insert((*id).clone(), i).is_some() {
                return Err(GraphError::Duplicate((*id).clone()));
            }
        }
        let mut deps = vec![BTreeSet::new(); nodes.len()];
        let mut dependents = vec![BTreeSet::new(); nodes.len()];
        for (i, (id, ds)) in nodes.iter().enumerate() {
            for d in ds {
                let j = *index.get(*d).ok_or_else(|| GraphError::MissingDependency {
                    component: (*id).clone(),
                    dependency: (*d).clone(),
                })?;
                deps[i].insert(j);
                dependents[j].insert(i);
            }
        }
        let graph = DependencyGraph {
            ids: nodes.iter().map(|(id, _)| (*id).clone()).collect(),
            index,
            deps,
            dependents,
        };
        if let Some(cycle) = graph.find_cycle() {
            return Err(GraphError::Cycle(cycle));
        }
        Ok(graph)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, id: &ComponentId) -> bool {
        self.index.contains_key(id)
    }

    /// What `id` needs, directly.
    pub fn dependencies(&self, id: &ComponentId) -> Vec<&ComponentId> {
        self.index
            .get(id)
            .map(|&i| self.deps[i].iter().map(|&j| &self.ids[j]).collect())
            .unwrap_or_default()
    }

    /// What needs `id`, directly.
    pub fn dependents(&self, id: &ComponentId) -> Vec<&ComponentId> {
        self.index
            .get(id)
            .map(|&i| self.dependents[i].iter().map(|&j| &self.ids[j]).collect())
            .unwrap_or_default()
    }

    /// Layers of components that can be created concurrently: every component's dependencies are
    /// in earlier layers, and each component sits in the earliest layer that allows.
    pub fn creation_layers(&self) -> Vec<Vec<ComponentId>> {
        self.layers(&self.deps)
    }

    /// Layers of components that can be deleted concurrently: every component goes before what it
    /// depends on, as early as that allows. Read backwards, this is a valid creation order too.
    pub fn deletion_layers(&self) -> Vec<Vec<ComponentId>> {
        self.layers(&self.dependents)
    }

    /// Kahn's algorithm, keeping the depth of each node: a node's layer is one more than the
    /// deepest of its prerequisites.
    fn layers(&self, prerequisites: &[BTreeSet<usize>]) -> Vec<Vec<ComponentId>> {
        let n = self.ids.len();
        let mut depth = vec![0usize; n];
        let mut done = vec![false; n];
        let mut remaining = n;
        while remaining > 0 {
            let ready: Vec<usize> = (0..n)
                .filter(|&i| !done[i] && prerequisites[i].iter().all(|&p| done[p]))
                .collect();
            // `new` rejected cycles, so there is always a ready node.
            for &i in &ready {
                depth[i] = prerequisites[i]
                    .iter()
                    .map(|&p| depth[p] + 1)
                    .max()
                    .unwrap_or(0);
            }
            for &i in &ready {
                done[i] = true;
            }
            remaining -= ready.len();
        }
        let mut layers: Vec<Vec<ComponentId>> =
            vec![Vec::new(); depth.iter().max().map_or(0, |d| d + 1)];
        for (i, d) in depth.iter().enumerate() {
            layers[*d].push(self.ids[i].clone());
        }
        layers
    }

    fn find_cycle(&self) -> Option<Vec<ComponentId>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Active,
            Done,
        }
        let n = self.ids.len();
        let mut mark = vec![Mark::New; n];
        for start in 0..n {
            if mark[start] != Mark::New {
                continue;
            }
            // Iterative depth-first search; `stack` holds the path and each node's next edge.
            let mut stack: Vec<(usize, Vec<usize>)> =
                vec![(start, self.deps[start].iter().copied().collect())];
            mark[start] = Mark::Active;
            while let Some((node, pending)) = stack.last_mut() {
                let node = *node;
                match pending.pop() {
                    Some(next) if mark[next] == Mark::Active => {
                        let from = stack.iter().position(|(n, _)| *n == next).unwrap_or(0);
                        let mut cycle: Vec<ComponentId> = stack[from..]
                            .iter()
                            .map(|(n, _)| self.ids[*n].clone())
                            .collect();
                        cycle.push(self.ids[next].clone());
                        return Some(cycle);
                    }
                    Some(next) if mark[next] == Mark::New => {
                        mark[next] = Mark::Active;
                        stack.push((next, self.deps[next].iter().copied().collect()));
                    }
                    Some(_) => {}
                    None => {
                        mark[node] = Mark::Done;
                        stack.pop();
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<ComponentId> {
        names.iter().map(|n| ComponentId::from(*n)).collect()
    }

    fn graph(edges: &[(&str, &[&str])]) -> Result<DependencyGraph, GraphError> {
        let nodes: Vec<(ComponentId, Vec<ComponentId>)> =
            edges.iter().map(|(n, d)| ((*n).into(), ids(d))).collect();
        DependencyGraph::new(nodes.iter().map(|(n, d)| (n, d.iter())))
    }

    #[test]
    fn independent_components_share_a_creation_layer() {
        let g = graph(&[
            ("vpc", &[]),
            ("key", &[]),
            ("subnet", &["vpc"]),
            ("db", &["subnet", "key"]),
        ])
        .unwrap();
        assert_eq!(
            g.creation_layers(),
            vec![ids(&["vpc", "key"]), ids(&["subnet"]), ids(&["db"])]
        );
    }

    #[test]
    fn deletion_goes_before_dependencies_as_early_as_possible() {
        let g = graph(&[
            ("vpc", &[]),
            ("key", &[]),
            ("subnet", &["vpc"]),
            ("db", &["subnet", "key"]),
        ])
        .unwrap();
        assert_eq!(
            g.deletion_layers(),
            vec![ids(&["db"]), ids(&["key", "subnet"]), ids(&["vpc"])]
        );
    }

    #[test]
    fn a_cycle_is_reported_with_its_path() {
        let err = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &["a"])]).unwrap_err();
        let GraphError::Cycle(path) = err else {
            panic!("{err:?}")
        };
        assert_eq!(path.first(), path.last());
        assert_eq!(path.len(), 4);
    }

    #[test]
    fn a_dependency_outside_the_graph_is_an_error() {
        assert_eq!(
            graph(&[("subnet", &["vpc"])]).unwrap_err(),
            GraphError::MissingDependency {
                component: "subnet".into(),
                dependency: "vpc".into()
            }
        );
    }

    #[test]
    fn duplicate_components_are_rejected() {
        assert_eq!(
            graph(&[("vpc", &[]), ("vpc", &[])]).unwrap_err(),
            GraphError::Duplicate("vpc".into())
        );
    }

    #[test]
    fn dependents_and_dependencies_are_symmetric() {
        let g = graph(&[("vpc", &[]), ("subnet", &["vpc"])]).unwrap();
        assert_eq!(
            g.dependents(&"vpc".into()),
            vec![&ComponentId::from("subnet")]
        );
        assert_eq!(
            g.dependencies(&"subnet".into()),
            vec![&ComponentId::from("vpc")]
        );
    }
}
