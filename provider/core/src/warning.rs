//! The warning diagnostic a plan that touches the stack shows: which objects change and how,
//! one line each, under the attribute that causes it.

use crate::attribute::Attribute;
use crate::classify::{replaces_network, ChangeSet, Effect};
use crate::Finding;

/// The warning for a plan, or `None` when no AWS object changes and there is nothing to note
/// (only timeouts changed, or nothing did).
pub fn plan_warning(changes: &ChangeSet) -> Option<Finding> {
    let worth_telling: Vec<_> = changes
        .changes
        .iter()
        .filter(|c| c.effect != Effect::NoOp || !is_timeout(c.attribute))
        .collect();
    if worth_telling.is_empty() {
        return None;
    }
    let effect = match changes.effect() {
        Effect::ReplaceStack => "every object will be replaced",
        Effect::Replace => "objects will be replaced",
        Effect::Update => "objects will be updated",
        Effect::NoOp => "no object changes now",
    };
    // The review summary first, as Terraform's own "Plan:" line: a reviewer sees the size of the
    // change before reading the list.
    let summary = if changes.effect() == Effect::NoOp {
        format!("vault_secrets_stack: {effect}")
    } else {
        let counts = changes
            .counts()
            .iter()
            .map(|(action, n)| format!("{n} {}", action.participle()))
            .collect::<Vec<_>>()
            .join(", ");
        let so_far = if changes.changes.iter().any(|c| !c.is_known()) {
            "known so far: "
        } else {
            ""
        };
        format!("vault_secrets_stack: {effect} ({so_far}{counts})")
    };
    let mut lines = Vec::new();
    for change in worth_telling {
        let values = match &change.after {
            Some(after) => format!("{} -> {}", change.before, after),
            None => format!("{} -> (known after apply)", change.before),
        };
        let cause = format!("{} {values}:", change.attribute);
        // One line per object, except where that would list every object of the stack. The
        // list is the attribute's whole story, so a summary of it would say each object twice;
        // a single object goes on the attribute's own line.
        let per_object =
            change.effect != Effect::ReplaceStack && change.attribute != Attribute::Tags;
        match &change.components[..] {
            [] => lines.push(format!("{cause} {}", change.summary)),
            [only] if per_object => lines.push(format!("{cause} {}", only.line())),
            all if per_object => {
                // What the list does not say is that replacing the network replaces everything
                // inside it: that summary goes first.
                lines.push(if replaces_network(all) {
                    format!("{cause} {}", change.summary)
                } else {
                    cause
                });
                lines.extend(all.iter().map(|c| format!("  {}", c.line())));
            }
            all => {
                lines.push(format!("{cause} {}", change.summary));
                lines.push(format!("  {} {} objects", all[0].action.verb(), all.len()));
            }
        }
        for note in &change.notes {
            lines.push(format!("  note: {note}"));
        }
    }
    if !changes.rotation_statements_after_apply.is_empty() {
        let plural = if changes.rotation_statements_after_apply.len() == 1 {
            "statement"
        } else {
            "statements"
        };
        lines.push(format!(
            "rotation_policy_json is known after apply (it will name ids AWS assigns then): \
             changes {plural} {}",
            changes.rotation_statements_after_apply.join(", ")
        ));
    }
    Some(Finding::warning(
        crate::Path::root(),
        summary,
        lines.join("\n"),
    ))
}

fn is_timeout(a: Attribute) -> bool {
    matches!(
        a,
        Attribute::TimeoutsCreate | Attribute::TimeoutsUpdate | Attribute::TimeoutsDelete
    )
}
