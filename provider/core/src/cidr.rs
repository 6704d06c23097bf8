//! IPv4 CIDR blocks: parsing, and carving one private subnet per availability zone.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// AWS accepts VPC blocks from /16 to /28.
pub const VPC_PREFIX_MIN: u8 = 16;
pub const SUBNET_PREFIX_MAX: u8 = 28;
/// Preferred subnet size below the VPC block: /16 gives /20 subnets, room for 16 of them.
const SUBNET_EXTRA_BITS: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("{0:?} is not an IPv4 CIDR block such as 10.0.0.0/16")]
    Malformed(String),
    #[error("{given} has host bits set; the block starts at {network}")]
    HostBitsSet { given: String, network: Ipv4Cidr },
    #[error("a VPC block must be between /{VPC_PREFIX_MIN} and /{SUBNET_PREFIX_MAX}, not /{0}")]
    PrefixOutOfRange(u8),
    #[error("/{prefix} leaves no room for {count} subnets of at least /{SUBNET_PREFIX_MAX}")]
    TooSmall { prefix: u8, count: usize },
}

impl Ipv4Cidr {
    fn mask(prefix: u8) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        }
    }

    /// Parses a VPC CIDR block: well formed, no host bits, /16 to /28.
    pub fn parse_vpc(s: &str) -> Result<Self, CidrError> {
        let cidr: Ipv4Cidr = s.parse()?;
        let network = Ipv4Cidr {
            addr: Ipv4Addr::from(u32::from(cidr.addr) & Self::mask(cidr.prefix)),
            prefix: cidr.prefix,
        };
        if network != cidr {
            return Err(CidrError::HostBitsSet {
                given: s.to_string(),
                network,
            });
        }
        if !(VPC_PREFIX_MIN..=SUBNET_PREFIX_MAX).contains(&cidr.prefix) {
            return Err(CidrError::PrefixOutOfRange(cidr.prefix));
        }
        Ok(cidr)
    }

    /// The `count` subnets of a stack, one per availability zone, in order.
    pub fn subnets(&self, count: usize) -> Result<Vec<Ipv4Cidr>, CidrError> {
        let needed_bits = usize::BITS - count.saturating_sub(1).leading_zeros();
        let too_small = CidrError::TooSmall {
            prefix: self.prefix,
            count,
        };
        let min_prefix = self.prefix as u32 + needed_bits;
        if count == 0 || min_prefix > SUBNET_PREFIX_MAX as u32 {
            return Err(too_small);
        }
        let prefix = (self.prefix + SUBNET_EXTRA_BITS)
            .max(min_prefix as u8)
            .min(SUBNET_PREFIX_MAX);
        let size = 1u32 << (32 - prefix);
        let base = u32::from(self.addr);
        Ok((0..count as u32)
            .map(|i| Ipv4Cidr {
                addr: Ipv4Addr::from(base + i * size),
                prefix,
            })
            .collect())
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || CidrError::Malformed(s.to_string());
        let (addr, prefix) = s.split_once('/').ok_or_else(malformed)?;
        // Ipv4Addr rejects leading zeros and out-of-range octets, as AWS does.
        let addr: Ipv4Addr = addr.parse().map_err(|_| malformed())?;
        if prefix.is_empty() || prefix.len() > 2 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        let prefix: u8 = prefix.parse().map_err(|_| malformed())?;
        if prefix > 32 {
            return Err(malformed());
        }
        Ok(Ipv4Cidr { addr, prefix })
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpc_block_parses_and_prints_back() {
        assert_eq!(
            Ipv4Cidr::parse_vpc("10.0.0.0/16").unwrap().to_string(),
            "10.0.0.0/16"
        );
    }

    #[test]
    fn malformed_blocks_are_rejected() {
        for bad in [
            "10.0.0.0",
            "10.0.0/16",
            "10.0.0.256/16",
            "10.0.0.0/33",
            "10.0.0.0/a",
            "x/16",
            "10.0.0.0/",
        ] {
            assert!(
                matches!(Ipv4Cidr::parse_vpc(bad), Err(CidrError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn host_bits_and_out_of_range_prefixes_are_rejected() {
        assert!(matches!(
            Ipv4Cidr::parse_vpc("10.0.0.1/16"),
            Err(CidrError::HostBitsSet { .. })
        ));
        assert_eq!(
            Ipv4Cidr::parse_vpc("10.0.0.0/8"),
            Err(CidrError::PrefixOutOfRange(8))
        );
        assert_eq!(
            Ipv4Cidr::parse_vpc("10.0.0.0/29"),
            Err(CidrError::PrefixOutOfRange(29))
        );
    }

    #[test]
    fn a_slash_16_gets_slash_20_subnets_one_per_zone() {
        let vpc = Ipv4Cidr::parse_vpc("10.0.0.0/16").unwrap();
        let subnets: Vec<String> = vpc
            .subnets(3)
            .unwrap()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(subnets, ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
    }

    #[test]
    fn small_blocks_shrink_subnets_down_to_slash_28_and_no_further() {
        let vpc = Ipv4Cidr::parse_vpc("10.0.0.0/26").unwrap();
        assert_eq!(vpc.subnets(4).unwrap()[3].to_string(), "10.0.0.48/28");
        assert!(matches!(vpc.subnets(5), Err(CidrError::TooSmall { .. })));
    }
}
