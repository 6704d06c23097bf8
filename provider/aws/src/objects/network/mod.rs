//! The private network (EC2): VPC, subnets, route table and associations, security groups and
//! their rules, interface VPC endpoints.

pub mod ec2;
pub mod route_table;
pub mod route_table_association;
pub mod security_group;
pub mod security_group_rule;
pub mod subnet;
pub mod vpc;
pub mod vpc_endpoint;

/// The kinds this group holds.
pub const KINDS: &[vault_core::model::ComponentKind] = &[
    vault_core::model::ComponentKind::Vpc,
    vault_core::model::ComponentKind::Subnet,
    vault_core::model::ComponentKind::RouteTable,
    vault_core::model::ComponentKind::RouteTableAssociation,
    vault_core::model::ComponentKind::SecurityGroup,
    vault_core::model::ComponentKind::SecurityGroupRule,
    vault_core::model::ComponentKind::VpcEndpoint,
];
