//! A stack's configuration with every default applied and every value known: what the model is
//! built from, and what change classification compares attribute by attribute. Its structs are
//! generated from the table of inputs.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::attribute::Attribute;
use crate::cidr::Ipv4Cidr;
use crate::defaults as d;
use crate::ids::Region;
use crate::input::{Input, InputType, ProviderContext, StackConfig, Tags};
use crate::model::ModelError;
use crate::names::EnvironmentSuffix;
use crate::{duration, validate};

/// SPEC §3.5: who the rotation function rotates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RotationStrategy {
    /// The master secret only: its user changes its own password.
    #[default]
    SingleUser,
    /// Also an application secret whose two users take turns (zero downtime).
    AlternatingUsers,
}

impl RotationStrategy {
    pub fn parse(s: &str) -> Option<RotationStrategy> {
        match s {
            d::STRATEGY_SINGLE_USER => Some(RotationStrategy::SingleUser),
            d::STRATEGY_ALTERNATING_USERS => Some(RotationStrategy::AlternatingUsers),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RotationStrategy::SingleUser => d::STRATEGY_SINGLE_USER,
            RotationStrategy::AlternatingUsers => d::STRATEGY_ALTERNATING_USERS,
        }
    }
}

/// How the rotation is scheduled on the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RotationSchedule {
    AfterDays(u16),
    Expression {
        expression: String,
        /// The rotation window, `"3h"`; Secrets Manager's default when `None`.
        duration: Option<String>,
    },
}

impl RotationInputs {
    pub fn schedule(&self) -> RotationSchedule {
        match &self.schedule_expression {
            Some(expression) => RotationSchedule::Expression {
                expression: expression.clone(),
                duration: self.duration.clone(),
            },
            None => RotationSchedule::AfterDays(self.automatically_after_days),
        }
    }
}

impl StackInputs {
    /// Resolves a fully known configuration. `region_zones` are the region's available zones in
    /// order; the first three are used when the configuration names none.
    pub fn resolve(
        cfg: &StackConfig,
        ctx: &ProviderContext,
        region_zones: &[String],
    ) -> Result<StackInputs, ModelError> {
        let errors: Vec<_> = validate::validate(cfg, Some(ctx))
            .into_iter()
            .filter(|f| f.is_error())
            .collect();
        if !errors.is_empty() {
            return Err(ModelError::Invalid(errors));
        }
        let mut r = Resolver {
            prior: None,
            region_zones,
            unknown: BTreeSet::new(),
        };
        let inputs = r.resolve(cfg, ctx)?;
        if r.unknown.is_empty() {
            Ok(inputs)
        } else {
            Err(ModelError::Unknown(r.unknown.into_iter().collect()))
        }
    }

    /// Resolves a proposed configuration against the stack as it is: values not yet known keep
    /// their prior value and are returned as unknown.
    pub fn resolve_over(
        prior: &StackInputs,
        cfg: &StackConfig,
        ctx: &ProviderContext,
        region_zones: &[String],
    ) -> Result<(StackInputs, BTreeSet<Attribute>), ModelError> {
        let errors: Vec<_> = validate::validate(cfg, Some(ctx))
            .into_iter()
            .filter(|f| f.is_error())
            .collect();
        if !errors.is_empty() {
            return Err(ModelError::Invalid(errors));
        }
        let mut r = Resolver {
            prior: Some(prior),
            region_zones,
            unknown: BTreeSet::new(),
        };
        let inputs = r.resolve(cfg, ctx)?;
        Ok((inputs, r.unknown))
    }

    /// Whether `attr` has the same value in both.
    pub fn same(&self, attr: Attribute, other: &StackInputs) -> bool {
        self.with_attribute_of(attr, other) == *self
    }
}

/// Generates, from the table of inputs ([`crate::stack_inputs`]), [`StackInputs`] with one
/// struct per block (`DatabaseInputs`, ...) holding each input as the type the table resolves it
/// to, and what is said of them attribute by attribute: resolving one ([`Resolver::declared`]),
/// copying one from another stack and showing one in a plan warning. A new input needs no line
/// here.
macro_rules! resolved_inputs {
    (
        top { $( $tattr:ident $tfield:ident : $tty:ty as $trty:ty { $($tspec:tt)* } )* }
        $(
            $block:ident $Config:ident $Block:ident $Inputs:ident $bdoc:literal {
                $( $attr:ident $field:ident : $ty:ty as $rty:ty { $($spec:tt)* } )*
            }
        )*
    ) => {
        /// A stack's configuration with every default applied and every value known.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct StackInputs {
            pub region: Region,
            /// The provider's `default_tags`, under the resource's `tags`.
            pub default_tags: Tags,
            $( pub $tfield: $trty, )*
            $( pub $block: $Inputs, )*
        }

        $(
            #[doc = $bdoc]
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub struct $Inputs {
                $( pub $field: $rty, )*
            }
        )*

        impl StackInputs {
            /// A copy of `self` with `attr` taken from `other`: the stack as it would be if only
            /// that attribute changed. `tags` stands for the provider's `default_tags` too.
            pub fn with_attribute_of(&self, attr: Attribute, other: &StackInputs) -> StackInputs {
                let mut s = self.clone();
                match attr {
                    Attribute::Region => s.region = other.region.clone(),
                    $( Attribute::$tattr => s.$tfield = other.$tfield.clone(), )*
                    $( $( Attribute::$attr => s.$block.$field = other.$block.$field.clone(), )* )*
                }
                if attr == Attribute::Tags {
                    s.default_tags = other.default_tags.clone();
                }
                s
            }

            /// The value of one attribute as users read it in a plan warning; `tags` merged over
            /// the provider's `default_tags`, as they reach AWS.
            pub fn display(&self, attr: Attribute) -> String {
                if attr == Attribute::Tags {
                    let mut merged = self.default_tags.clone();
                    merged.extend(self.tags.clone());
                    return merged.shown();
                }
                match attr {
                    Attribute::Region => self.region.shown(),
                    $( Attribute::$tattr => self.$tfield.shown(), )*
                    $( $( Attribute::$attr => self.$block.$field.shown(), )* )*
                }
            }
        }

        impl Resolver<'_> {
            /// Every input: set, else its default; when unknown, the prior value (if any).
            fn declared(
                &mut self,
                cfg: &StackConfig,
                region: Region,
                default_tags: &Tags,
            ) -> Result<StackInputs, ModelError> {
                Ok(StackInputs {
                    region,
                    default_tags: default_tags.clone(),
                    $(
                        $tfield: self.field(Some(&cfg.$tfield), Attribute::$tattr, |p| {
                            p.$tfield.clone()
                        })?,
                    )*
                    $(
                        $block: {
                            let b = cfg.$block.as_ref();
                            $Inputs {
                                $(
                                    $field: self.field(b.map(|b| &b.$field), Attribute::$attr, |p| {
                                        p.$block.$field.clone()
                                    })?,
                                )*
                            }
                        },
                    )*
                })
            }
        }
    };
}

stack_inputs!(resolved_inputs);

struct Resolver<'a> {
    prior: Option<&'a StackInputs>,
    region_zones: &'a [String],
    unknown: BTreeSet<Attribute>,
}

impl Resolver<'_> {
    /// The value of one input: set, else its default; when unknown, the prior value (if any) and
    /// a note that it is unknown. A value that does not resolve is out of range, or unknown when
    /// it stands in for an unknown one (an unknown suffix with no prior).
    fn field<Raw: InputType + Clone, R: FromInput<Raw>>(
        &mut self,
        input: Option<&Input<Raw>>,
        attr: Attribute,
        prior: impl FnOnce(&StackInputs) -> R,
    ) -> Result<R, ModelError> {
        let declared = || attr.presence().default().and_then(Raw::from_literal);
        let raw = match input {
            Some(Input::Set(v)) => Some(v.clone()),
            None | Some(Input::Unset) => declared(),
            Some(Input::Unknown) => {
                self.unknown.insert(attr);
                if let Some(p) = self.prior {
                    return Ok(prior(p));
                }
                declared()
            }
        };
        R::from_input(raw, attr).map_err(|e| match input {
            Some(Input::Unknown) => ModelError::Unknown(vec![attr]),
            _ => e,
        })
    }

    fn resolve(
        &mut self,
        cfg: &StackConfig,
        ctx: &ProviderContext,
    ) -> Result<StackInputs, ModelError> {
        let region = ctx.region.as_deref().ok_or(ModelError::NoRegion)?;
        let region = Region::parse(region).map_err(ModelError::Region)?;
        let mut inputs = self.declared(cfg, region, &ctx.default_tags)?;

        // What no single input says: the region's zones when none are named, and how many
        // subnets the block and the zones allow.
        let network = &mut inputs.network;
        if network.availability_zones.is_empty() {
            network.availability_zones = self
                .region_zones
                .iter()
                .take(d::AVAILABILITY_ZONE_COUNT)
                .cloned()
                .collect();
        }
        if network.availability_zones.len() < 2 {
            return Err(ModelError::TooFewZones(network.availability_zones.len()));
        }
        network
            .cidr_block
            .subnets(network.availability_zones.len())
            .map_err(ModelError::Cidr)?;
        if inputs.database.instance_count == 0 {
            return Err(ModelError::OutOfRange {
                attribute: Attribute::DatabaseInstanceCount,
                value: "0".into(),
            });
        }
        Ok(inputs)
    }
}

/// The resolved value of an input from what the configuration holds: `None` for an unset input
/// without a default.
trait FromInput<Raw>: Sized {
    fn from_input(raw: Option<Raw>, attr: Attribute) -> Result<Self, ModelError>;
}

/// Held as written; unset without a default is the type's empty value (tags, zones the region
/// chooses, a required input).
impl<T: InputType + Default> FromInput<T> for T {
    fn from_input(raw: Option<T>, _: Attribute) -> Result<T, ModelError> {
        Ok(raw.unwrap_or_default())
    }
}

/// An optional text stays absent when unset.
impl FromInput<String> for Option<String> {
    fn from_input(raw: Option<String>, _: Attribute) -> Result<Self, ModelError> {
        Ok(raw)
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl FromInput<i64> for $t {
            fn from_input(raw: Option<i64>, attribute: Attribute) -> Result<Self, ModelError> {
                let v = raw.unwrap_or_default();
                <$t>::try_from(v).map_err(|_| ModelError::OutOfRange {
                    attribute,
                    value: v.to_string(),
                })
            }
        }
    )*};
}

numbers!(u8, u16);

/// A text the model holds parsed; one that does not parse is out of range.
macro_rules! parsed {
    ($($t:ty => $parse:expr),* $(,)?) => {$(
        impl FromInput<String> for $t {
            fn from_input(raw: Option<String>, attribute: Attribute) -> Result<Self, ModelError> {
                let text = raw.unwrap_or_default();
                $parse(&text).ok_or(ModelError::OutOfRange {
                    attribute,
                    value: text,
                })
            }
        }
    )*};
}

parsed! {
    EnvironmentSuffix => |t: &str| EnvironmentSuffix::parse(t).ok(),
    Duration => |t: &str| duration::parse(t).ok(),
    RotationStrategy => RotationStrategy::parse,
}

/// The block of the VPC, with why it is not one.
impl FromInput<String> for Ipv4Cidr {
    fn from_input(raw: Option<String>, _: Attribute) -> Result<Self, ModelError> {
        Ipv4Cidr::parse_vpc(&raw.unwrap_or_default()).map_err(ModelError::Cidr)
    }
}

/// A resolved value as a plan warning shows it: text quoted, numbers and flags bare.
trait Shown {
    fn shown(&self) -> String;
}

macro_rules! shown {
    ($($t:ty: |$v:ident| $e:expr),* $(,)?) => {$(
        impl Shown for $t {
            fn shown(&self) -> String {
                let $v = self;
                $e
            }
        }
    )*};
}

shown! {
    u8: |v| v.to_string(),
    u16: |v| v.to_string(),
    bool: |v| v.to_string(),
    String: |v| format!("{v:?}"),
    Option<String>: |v| v.as_ref().map_or("null".to_string(), |v| format!("{v:?}")),
    Vec<String>: |v| format!("{v:?}"),
    Tags: |v| format!("{v:?}"),
    Duration: |v| format!("{v:?}"),
    Region: |v| format!("{:?}", v.as_str()),
    EnvironmentSuffix: |v| format!("{:?}", v.as_str()),
    Ipv4Cidr: |v| format!("{:?}", v.to_string()),
    RotationStrategy: |v| format!("{:?}", v.as_str()),
}

/// A value an object holds, as the input it came from says it (`terraform import`'s read-back).
trait ToInput<Raw> {
    fn to_input(&self) -> Raw;
}

impl<T: InputType + Clone> ToInput<T> for T {
    fn to_input(&self) -> T {
        self.clone()
    }
}

macro_rules! numbers_back {
    ($($t:ty),*) => {$(
        impl ToInput<i64> for $t {
            fn to_input(&self) -> i64 {
                i64::from(*self)
            }
        }
    )*};
}

numbers_back!(u8, u16);

/// Sets the input `block.field` (`slot` finds it in a configuration) of an imported configuration
/// to what an object holds, unless an object read before it set it already (the first holder in
/// the stack's order wins: of the two log groups, the rotation function's), or the input cannot
/// say it: validation finds an error at its path (a log group that never expires holds 0 days,
/// which no retention the input allows says). The input's default then applies, and the next
/// plan shows the difference.
#[allow(private_bounds)] // the conversions are the model's own; callers name no type
pub(crate) fn read_back<Raw, R: ToInput<Raw>>(
    config: &mut StackConfig,
    (block, field): (&'static str, &'static str),
    held: &R,
    slot: fn(&mut StackConfig) -> &mut Input<Raw>,
) {
    if !matches!(slot(config), Input::Unset) {
        return;
    }
    let mut alone = StackConfig::default();
    *slot(&mut alone) = Input::Set(held.to_input());
    let path = crate::Path::block_attr(block, field);
    let said = !validate::validate(&alone, None)
        .iter()
        .any(|f| f.is_error() && f.path == path);
    if said {
        *slot(config) = std::mem::take(slot(&mut alone));
    }
}
