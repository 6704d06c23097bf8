//! Identifiers that AWS hands out or expects, validated once at construction: the account, the
//! region (and the partition and DNS suffix that follow from it), and the ids and ARNs AWS assigns
//! when an object is created (a secret's random ARN suffix, a key's UUID, a VPC's id).

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{0:?} is not an AWS account id (12 digits)")]
    AccountId(String),
    #[error("{0:?} is not an AWS region name such as \"us-east-1\"")]
    Region(String),
    #[error("{0:?} is not a Secrets Manager secret ARN")]
    SecretArn(String),
    #[error("{0:?} is not a KMS key ARN")]
    KmsKeyArn(String),
    #[error("{value:?} is not {what} id (\"{prefix}\" followed by hexadecimal digits)")]
    Ec2Id {
        what: &'static str,
        prefix: &'static str,
        value: String,
    },
}

/// A 12-digit AWS account id. Kept as text: leading zeros are significant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(s.to_string()))
        } else {
            Err(IdError::AccountId(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An AWS region such as `us-east-1`. The partition and the DNS suffix of regional service
/// principals (`logs.<region>.amazonaws.com`) follow from it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Region(String);

impl Region {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7 ...
        let parts: Vec<&str> = s.split('-').collect();
        let last = parts.last().copied().unwrap_or_default();
        let ok = parts.len() >= 3
            && (2..=4).contains(&parts[0].len())
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && !last.starts_with('0')
            && last.parse::<u8>().is_ok_and(|n| n > 0);
        if ok {
            Ok(Region(s.to_string()))
        } else {
            Err(IdError::Region(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ARN partition: `aws`, `aws-cn` or `aws-us-gov`.
    pub fn partition(&self) -> &'static str {
        if self.0.starts_with("cn-") {
            "aws-cn"
        } else if self.0.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    /// The domain of regional endpoints and regional service principals.
    pub fn dns_suffix(&self) -> &'static str {
        if self.0.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        }
    }

    /// `<service>.<region>.<dns suffix>`: the value of `kms:ViaService` for calls a service makes
    /// on a caller's behalf, and the name of regional service principals such as CloudWatch Logs.
    pub fn service_host(&self, service: &str) -> String {
        format!("{service}.{}.{}", self.0, self.dns_suffix())
    }

    /// The availability zone's region: `us-east-1a` belongs to `us-east-1`.
    pub fn contains_zone(&self, zone: &str) -> bool {
        zone.strip_prefix(self.0.as_str())
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ARN of a Secrets Manager secret: `arn:<partition>:secretsmanager:<region>:<account>:secret:
/// <name>-<6 random characters>`. The random part is only known once the secret exists.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretArn(String);

impl SecretArn {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let err = || IdError::SecretArn(s.to_string());
        let parts: Vec<&str> = s.splitn(7, ':').collect();
        let [arn, partition, service, region, account, kind, name] = parts[..] else {
            return Err(err());
        };
        let (base, random) = name.rsplit_once('-').ok_or_else(err)?;
        let ok = arn == "arn"
            && partition.starts_with("aws")
            && service == "secretsmanager"
            && Region::parse(region).is_ok()
            && AccountId::parse(account).is_ok()
            && kind == "secret"
            && !base.is_empty()
            && random.len() == 6
            && random.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| SecretArn(s.to_string())).ok_or_else(err)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ARN of a KMS key: `arn:<partition>:kms:<region>:<account>:key/<key id>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KmsKeyArn(String);

impl KmsKeyArn {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let err = || IdError::KmsKeyArn(s.to_string());
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let [arn, partition, service, region, account, resource] = parts[..] else {
            return Err(err());
        };
        let key_id = resource.strip_prefix("key/").ok_or_else(err)?;
        let ok = arn == "arn"
            && partition.starts_with("aws")
            && service == "kms"
            && Region::parse(region).is_ok()
            && AccountId::parse(account).is_ok()
            && !key_id.is_empty()
            && key_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        ok.then(|| KmsKeyArn(s.to_string())).ok_or_else(err)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KmsKeyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn ec2_id(what: &'static str, prefix: &'static str, s: &str) -> Result<String, IdError> {
    let ok = s
        .strip_prefix(prefix)
        .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(s.to_string())
    } else {
        Err(IdError::Ec2Id {
            what,
            prefix,
            value: s.to_string(),
        })
    }
}

macro_rules! ec2_id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, IdError> {
                ec2_id($what, $prefix, s).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

ec2_id_type!(
    /// `vpc-0123456789abcdef0`
    VpcId,
    "a VPC",
    "vpc-"
);
ec2_id_type!(
    /// `subnet-0123456789abcdef0`
    SubnetId,
    "a subnet",
    "subnet-"
);
ec2_id_type!(
    /// `sg-0123456789abcdef0`
    SecurityGroupId,
    "a security group",
    "sg-"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_exactly_twelve_digits() {
        assert_eq!(
            AccountId::parse("012345678901").unwrap().as_str(),
            "012345678901"
        );
        for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
            assert!(AccountId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_know_their_partition_and_dns_suffix() {
        let us = Region::parse("us-east-1").unwrap();
        assert_eq!(us.partition(), "aws");
        assert_eq!(
            us.service_host("secretsmanager"),
            "secretsmanager.us-east-1.amazonaws.com"
        );
        let cn = Region::parse("cn-north-1").unwrap();
        assert_eq!(cn.partition(), "aws-cn");
        assert_eq!(cn.service_host("logs"), "logs.cn-north-1.amazonaws.com.cn");
        assert_eq!(
            Region::parse("us-gov-west-1").unwrap().partition(),
            "aws-us-gov"
        );
        for bad in ["us-east", "US-east-1", "us-east-01", "useast1", "us--1"] {
            assert!(Region::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_region_contains_its_lettered_zones_only() {
        let r = Region::parse("us-east-1").unwrap();
        assert!(r.contains_zone("us-east-1a"));
        assert!(!r.contains_zone("us-east-1"));
        assert!(!r.contains_zone("us-east-12a"));
        assert!(!r.contains_zone("eu-west-1a"));
    }

    #[test]
    fn secret_arns_need_the_six_character_random_suffix() {
        let ok = "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-AbC123";
        assert_eq!(SecretArn::parse(ok).unwrap().as_str(), ok);
        for bad in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-??????",
            "arn:aws:kms:us-east-1:123456789012:secret:x-AbC123",
            "arn:aws:secretsmanager:us-east-1:1234:secret:x-AbC123",
        ] {
            assert!(SecretArn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kms_key_arns_name_a_key_not_an_alias() {
        let ok = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert!(KmsKeyArn::parse(ok).is_ok());
        assert!(KmsKeyArn::parse("arn:aws:kms:us-east-1:123456789012:alias/x").is_err());
        assert!(KmsKeyArn::parse("arn:aws:kms:us-east-1:123456789012:key/*").is_err());
    }

    #[test]
    fn ec2_ids_carry_their_prefix() {
        assert!(VpcId::parse("vpc-0a1b2c3d").is_ok());
        assert!(VpcId::parse("subnet-0a1b2c3d").is_err());
        assert!(SubnetId::parse("subnet-0a1b2c3d").is_ok());
        assert!(SecurityGroupId::parse("sg-0a1b2c3d").is_ok());
        assert!(SecurityGroupId::parse("sg-").is_err());
    }
}
