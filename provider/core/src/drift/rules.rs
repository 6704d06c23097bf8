//! How one field of wanted settings is compared with what AWS holds, and how a difference reads
//! in the plan's drift list. Each settings field names its rule where it is declared
//! ([`crate::model::component`]); a field cannot be declared without one.

use std::collections::BTreeMap;
use std::fmt::Display;

use crate::graph::ComponentId;
use crate::model::component::*;
use crate::model::inputs::RotationSchedule;

type Out = Vec<String>;

/// A value shown as it is: ids, names, numbers.
pub(crate) fn plain<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    if want != have {
        out.push(format!("{name} {}, want {want}", shown(have)));
    }
}

/// Free text, quoted: descriptions and patterns may be empty or hold spaces.
pub(crate) fn text(out: &mut Out, name: &str, want: &str, have: &str) {
    if want != have {
        out.push(format!("{name} {have:?}, want {want:?}"));
    }
}

pub(crate) fn any_case(out: &mut Out, name: &str, want: &str, have: &str) {
    if !want.eq_ignore_ascii_case(have) {
        out.push(format!("{name} {}, want {want}", shown(have)));
    }
}

pub(crate) fn flag(out: &mut Out, name: &str, want: &bool, have: &bool) {
    if want != have {
        out.push(format!("{name} is {have}, want {want}"));
    }
}

pub(crate) fn on_off(out: &mut Out, name: &str, want: &bool, have: &bool) {
    let word = |b: bool| if b { "on" } else { "off" };
    if want != have {
        out.push(format!("{name} is {}, want {}", word(*have), word(*want)));
    }
}

fn amount<V: PartialEq + Display>(out: &mut Out, name: &str, unit: &str, want: &V, have: &V) {
    if want != have {
        out.push(format!("{name} {have} {unit}, want {want} {unit}"));
    }
}

pub(crate) fn days<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    amount(out, name, "days", want, have);
}

/// Log retention: 0 is what a group without retention reads as.
pub(crate) fn retention(out: &mut Out, name: &str, want: &u16, have: &u16) {
    if *have == 0 && *want != 0 {
        out.push(format!("{name} never expires, want {want} days"));
    } else {
        days(out, name, want, have);
    }
}

pub(crate) fn seconds<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    amount(out, name, "s", want, have);
}

pub(crate) fn megabytes<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    amount(out, name, "MB", want, have);
}

pub(crate) fn direction(out: &mut Out, name: &str, want: &Direction, have: &Direction) {
    let word = |d: &Direction| match d {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    };
    if want != have {
        out.push(format!("{name} is {}, want {}", word(have), word(want)));
    }
}

/// Lists whose order AWS does not keep, compared as sets.
pub(crate) fn set(out: &mut Out, name: &str, want: &[ComponentId], have: &[ComponentId]) {
    let (w, h) = (sorted(want), sorted(have));
    if w != h {
        out.push(format!("{name} {}, want {}", list(&h), list(&w)));
    }
}

fn sorted(v: &[ComponentId]) -> Vec<&str> {
    let mut v: Vec<&str> = v.iter().map(ComponentId::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The engine version is a floor (see [`super::engine_version`]).
pub(crate) fn floor(out: &mut Out, _name: &str, want: &str, have: &str) {
    out.extend(super::engine_version(want, have));
}

/// Only the parameters the stack sets: RDS also lists those changed from the family's default
/// by others, which are not the stack's business.
pub(crate) fn parameters(
    out: &mut Out,
    name: &str,
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) {
    for (key, w) in want {
        match have.get(key) {
            Some(h) if h == w => {}
            Some(h) => out.push(format!("{name} {key} = {h}, want {w}")),
            None => out.push(format!("{name} {key} not set, want {w}")),
        }
    }
}

/// Names only: values are settings, but nothing says every future one is harmless to show.
pub(crate) fn variable_names(
    out: &mut Out,
    name: &str,
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) {
    if want != have {
        let names =
            |m: &BTreeMap<String, String>| list(&m.keys().map(String::as_str).collect::<Vec<_>>());
        out.push(format!(
            "{name} differs (variables {}; want {})",
            names(have),
            names(want)
        ));
    }
}

/// A trail records the stack's events when one of its selectors takes management events of
/// the wanted read/write type; the reader reports that type, or what it found instead.
pub(crate) fn management_events(out: &mut Out, _name: &str, want: &str, have: &str) {
    if want != have {
        out.push(format!(
            "does not record {want} management events ({})",
            shown(have)
        ));
    }
}

/// AWS may show a schedule of days as the equivalent rate expression; a window is compared only
/// when the configuration sets one.
pub(crate) fn schedule(
    out: &mut Out,
    name: &str,
    want: &RotationSchedule,
    have: &RotationSchedule,
) {
    use RotationSchedule::{AfterDays, Expression};
    let same = match (want, have) {
        (AfterDays(w), AfterDays(h)) => w == h,
        (AfterDays(w), Expression { expression, .. }) => *expression == format!("rate({w} days)"),
        (
            Expression {
                expression: we,
                duration: wd,
            },
            Expression {
                expression: he,
                duration: hd,
            },
        ) => we == he && (wd.is_none() || wd == hd),
        (Expression { .. }, AfterDays(_)) => false,
    };
    if !same {
        out.push(format!(
            "{name} {}, want {}",
            describe(have),
            describe(want)
        ));
    }
}

fn describe(s: &RotationSchedule) -> String {
    match s {
        RotationSchedule::AfterDays(n) => format!("every {n} days"),
        RotationSchedule::Expression {
            expression,
            duration: Some(d),
        } => format!("{expression} (window {d})"),
        RotationSchedule::Expression { expression, .. } => expression.clone(),
    }
}

/// Not a setting: the field shows what it is for instead, in the table above.
pub(crate) fn ignore<V>(_out: &mut Out, _why: &str, _want: &V, _have: &V) {}

/// A value as the drift list shows it: an empty one as `(none)`.
fn shown(v: &(impl Display + ?Sized)) -> String {
    let s = v.to_string();
    if s.is_empty() {
        "(none)".to_string()
    } else {
        s
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}
