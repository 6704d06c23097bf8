//! The input attributes of a `vault_secrets_stack`, by name: what change classification reports
//! on and what a still-unknown value is blamed on.

use std::fmt;
use std::ops::RangeInclusive;

use crate::classify::Effect;
use crate::defaults as d;
use crate::input::{
    chosen_at_apply, defaulted, implied, optional, required, InputKind, InputType, Presence, Tags,
};
use crate::Path;

/// Generates [`Attribute`] from the table of inputs ([`crate::stack_inputs`]): one variant per
/// input, plus the provider's region, which a stack lives in but is not an input of the resource.
macro_rules! attributes {
    (
        top { $( $tattr:ident $tfield:ident : $tty:ty as $trty:ty {
            presence: $tpresence:expr,
            $( range: ($tlo:literal ..= $thi:literal, $twhy:literal), )?
            change: ($teffect:ident, $twhat:expr),
            description: $tdoc:expr $(,)?
        } )* }
        $(
            $block:ident $Config:ident $Block:ident $Inputs:ident $bdoc:literal {
                $( $attr:ident $field:ident : $ty:ty as $rty:ty {
                    presence: $presence:expr,
                    $( range: ($lo:literal ..= $hi:literal, $why:literal), )?
                    change: ($effect:ident, $what:expr),
                    description: $doc:expr $(,)?
                } )*
            }
        )*
    ) => {
        /// Every input attribute of the resource, plus the provider's region (a stack lives in
        /// one).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Attribute {
            Region,
            $( $tattr, )*
            $( $( $attr, )* )*
        }

        impl Attribute {
            pub const ALL: [Attribute; 1 $( + one!($tattr) )* $( $( + one!($attr) )* )*] = [
                Attribute::Region,
                $( Attribute::$tattr, )*
                $( $( Attribute::$attr, )* )*
            ];

            /// The blocks, each with its description, in schema order.
            pub const BLOCKS: [(&'static str, &'static str); 0 $( + one!($block) )*] = [
                $( (stringify!($block), $bdoc), )*
            ];

            /// `(block, attribute)`; the block is `None` for top-level attributes and for the
            /// provider's region, which is not an attribute of the resource at all.
            pub fn parts(self) -> (Option<&'static str>, &'static str) {
                match self {
                    Attribute::Region => (None, "region"),
                    $( Attribute::$tattr => (None, stringify!($tfield)), )*
                    $( $( Attribute::$attr => (Some(stringify!($block)), stringify!($field)), )* )*
                }
            }

            /// Whether it must be written, may be, or has a default. The region is the
            /// provider's, which always has one.
            pub fn presence(self) -> Presence {
                use Attribute::*;
                match self {
                    Region => defaulted(d::REGION),
                    $( $tattr => $tpresence, )*
                    $( $( $attr => $presence, )* )*
                }
            }

            /// The range a number must lie in, and why (what AWS allows).
            pub fn range(self) -> Option<(RangeInclusive<i64>, &'static str)> {
                match self {
                    Attribute::Region => None,
                    $( Attribute::$tattr => range!($( $tlo, $thi, $twhy )?), )*
                    $( $( Attribute::$attr => range!($( $lo, $hi, $why )?), )* )*
                }
            }

            /// The most drastic effect a change can have and what it does, as documented.
            pub fn declared_change(self) -> (Effect, &'static str) {
                use Effect::*;
                match self {
                    Attribute::Region => (
                        ReplaceStack,
                        "moves every object to the new region: replaces the whole stack",
                    ),
                    $( Attribute::$tattr => ($teffect, $twhat), )*
                    $( $( Attribute::$attr => ($effect, $what), )* )*
                }
            }

            /// What the schema and the docs say about it.
            pub fn description(self) -> String {
                match self {
                    Attribute::Region => String::from("The provider's region."),
                    $( Attribute::$tattr => String::from($tdoc), )*
                    $( $( Attribute::$attr => String::from($doc), )* )*
                }
            }

            /// Its type; the region is a string.
            pub fn kind(self) -> InputKind {
                match self {
                    Attribute::Region => InputKind::Text,
                    $( Attribute::$tattr => <$tty as InputType>::KIND, )*
                    $( $( Attribute::$attr => <$ty as InputType>::KIND, )* )*
                }
            }

            /// Whether its default, if any, is of its own type (a table that says otherwise is a
            /// mistake the tests catch).
            #[cfg(test)]
            pub(crate) fn default_has_its_type(self) -> bool {
                fn typed<T: InputType>(p: Presence) -> bool {
                    p.default().is_none_or(|l| T::from_literal(l).is_some())
                }
                match self {
                    Attribute::Region => true,
                    $( Attribute::$tattr => typed::<$tty>(self.presence()), )*
                    $( $( Attribute::$attr => typed::<$ty>(self.presence()), )* )*
                }
            }
        }
    };
}

/// A declared range, or none.
macro_rules! range {
    () => {
        None
    };
    ($lo:literal, $hi:literal, $why:literal) => {
        Some(($lo..=$hi, $why))
    };
}

/// `1` for any token: counts a repetition in a constant.
macro_rules! one {
    ($_:tt) => {
        1
    };
}

stack_inputs!(attributes);

impl Attribute {
    /// The Terraform attribute path (`database[0].port`), for diagnostics and `RequiresReplace`.
    /// The provider's region has no path in the resource: it maps to the resource as a whole.
    pub fn path(self) -> Path {
        match (self, self.parts()) {
            (Attribute::Region, _) => Path::root(),
            (_, (Some(block), name)) => Path::block_attr(block, name),
            (_, (None, name)) => Path::attr(name),
        }
    }

    /// The name users read in plan warnings: `database.port`, `provider region`.
    pub fn name(self) -> String {
        match (self, self.parts()) {
            (Attribute::Region, _) => "provider region".to_string(),
            (_, (Some(block), name)) => format!("{block}.{name}"),
            (_, (None, name)) => name.to_string(),
        }
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_attributes_print_dotted_and_path_indexed() {
        assert_eq!(Attribute::DatabasePort.name(), "database.port");
        assert_eq!(
            Attribute::DatabasePort.path().to_string(),
            "database[0].port"
        );
        assert_eq!(
            Attribute::EnvironmentSuffix.path().to_string(),
            "environment_suffix"
        );
    }

    #[test]
    fn every_default_has_the_type_of_its_input() {
        for a in Attribute::ALL {
            assert!(a.default_has_its_type(), "{a}: {:?}", a.presence());
        }
    }

    #[test]
    fn a_default_that_depends_on_another_input_names_an_input_of_its_block() {
        for a in Attribute::ALL {
            if let crate::input::PresenceKind::DefaultUnless(_, other) = a.presence().kind {
                assert_eq!(a.parts().0, other.parts().0, "{a} and {other}");
            }
        }
    }

    #[test]
    fn every_declared_range_is_stated_in_its_description() {
        for a in Attribute::ALL {
            if let Some((range, _)) = a.range() {
                let stated = format!("{} to {}", range.start(), range.end());
                assert!(a.description().contains(&stated), "{a}: {stated}");
            }
        }
    }

    #[test]
    fn every_attribute_is_listed_once() {
        let mut names: Vec<String> = Attribute::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Attribute::ALL.len());
    }
}
