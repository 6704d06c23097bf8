//! The network objects against moto: create, find (adoption), read, drift, update, delete.

mod common;

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, IpPermission, IpRange, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, Tag, UserIdGroupPair, VpcEndpoint,
    VpcEndpointType,
};
use common::Bed;
use vault_aws::objects;
use vault_core::graph::ComponentId;
use vault_core::model::{Component, Settings};

#[tokio::test]
async fn vpc_is_created_found_by_tag_read_without_drift_and_deleted() {
    let mut bed = Bed::start().await;
    let vpc = bed.component("vpc");
    let id = bed.create("vpc").await;
    assert!(id.starts_with("vpc-"));

    let ctx = bed.ctx();
    assert_eq!(objects::find(&ctx, &vpc).await.unwrap(), Some(id.clone()));
    let observed = common::read(&ctx, &vpc, &id).await.unwrap();
    assert_eq!(observed.drift, Vec::<String>::new());

    let groups = bed
        .clients
        .ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let default = groups
        .security_groups()
        .iter()
        .find(|g| g.group_name() == Some("default"))
        .unwrap();
    assert!(
        default.ip_permissions_egress().is_empty(),
        "the default group allows nothing"
    );

    objects::delete(&ctx, vpc.kind(), &id).await.unwrap();
    assert_eq!(objects::read(&ctx, &vpc, &id).await.unwrap(), None);
    assert_eq!(objects::find(&ctx, &vpc).await.unwrap(), None);
    objects::delete(&ctx, vpc.kind(), &id)
        .await
        .expect("deleting twice is harmless");
}

#[tokio::test]
async fn vpc_drift_in_tags_and_dns_is_reported_and_repaired() {
    let mut bed = Bed::start().await;
    let vpc = bed.component("vpc");
    let id = bed.create("vpc").await;
    bed.clients
        .ec2
        .create_tags()
        .resources(&id)
        .tags(Tag::builder().key("CostCenter").value("Other").build())
        .send()
        .await
        .unwrap();
    bed.clients
        .ec2
        .modify_vpc_attribute()
        .vpc_id(&id)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(false).build())
        .send()
        .await
        .unwrap();
    let ctx = bed.ctx();
    let drift = common::read(&ctx, &vpc, &id).await.unwrap().drift;
    assert_eq!(drift.len(), 2, "{drift:?}");
    objects::update(&ctx, &vpc, &id).await.unwrap();
    assert_eq!(
        common::read(&ctx, &vpc, &id).await.unwrap().drift,
        Vec::<String>::new()
    );
}

// Helpers for the kinds below.

const NO_DRIFT: Vec<String> = Vec::new();

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

async fn drift(bed: &Bed, c: &Component, id: &str) -> Vec<String> {
    common::read(&bed.ctx(), c, id)
        .await
        .expect("the object exists")
        .drift
}

/// The end of every lifecycle test: delete, then gone for read and find, then deleting again is
/// harmless.
async fn delete_and_check_gone(bed: &Bed, c: &Component, id: &str) {
    let ctx = bed.ctx();
    objects::delete(&ctx, c.kind(), id).await.unwrap();
    assert_eq!(objects::read(&ctx, c, id).await.unwrap(), None);
    assert_eq!(objects::find(&ctx, c).await.unwrap(), None);
    objects::delete(&ctx, c.kind(), id)
        .await
        .expect("deleting twice is harmless");
}

async fn group_rules(bed: &Bed, group_id: &str) -> Vec<SecurityGroupRule> {
    bed.clients
        .ec2
        .describe_security_group_rules()
        .filters(filter("group-id", group_id))
        .send()
        .await
        .unwrap()
        .security_group_rules()
        .to_vec()
}

/// A rule as (egress, protocol, from, to, peer group, cidr).
type Flow = (bool, String, i32, i32, Option<String>, Option<String>);

fn flow(r: &SecurityGroupRule) -> Flow {
    (
        r.is_egress().unwrap(),
        r.ip_protocol().unwrap().to_string(),
        r.from_port().unwrap(),
        r.to_port().unwrap(),
        r.referenced_group_info()
            .and_then(|g| g.group_id())
            .map(str::to_string),
        r.cidr_ipv4().or(r.cidr_ipv6()).map(str::to_string),
    )
}

fn tcp(egress: bool, port: i32, peer: &str) -> Flow {
    (egress, "tcp".into(), port, port, Some(peer.into()), None)
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

// subnet

#[tokio::test]
async fn subnet_is_created_private_found_by_tag_repaired_when_it_maps_public_ips_and_deleted() {
    let mut bed = Bed::start().await;
    let vpc_id = bed.create("vpc").await;
    let subnet = bed.component("subnet/us-east-1a");
    let id = bed.create("subnet/us-east-1a").await;
    assert!(id.starts_with("subnet-"), "{id}");

    let ctx = bed.ctx();
    assert_eq!(
        objects::find(&ctx, &subnet).await.unwrap(),
        Some(id.clone())
    );
    let observed = common::read(&ctx, &subnet, &id).await.unwrap();
    assert_eq!(observed.drift, NO_DRIFT);
    assert!(observed.outputs.is_empty());

    let s = bed
        .clients
        .ec2
        .describe_subnets()
        .subnet_ids(&id)
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .clone();
    assert_eq!(s.vpc_id(), Some(vpc_id.as_str()));
    assert_eq!(s.availability_zone(), Some("us-east-1a"));
    let Settings::Subnet(settings) = &subnet.settings else {
        unreachable!()
    };
    assert_eq!(
        s.cidr_block(),
        Some(settings.cidr_block.to_string().as_str())
    );
    assert_eq!(s.map_public_ip_on_launch(), Some(false));
    assert!(s
        .tags()
        .iter()
        .any(|t| t.key() == Some("Name") && t.value() == Some("subnet-dev-us-east-1a")));

    bed.clients
        .ec2
        .modify_subnet_attribute()
        .subnet_id(&id)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .unwrap();
    bed.clients
        .ec2
        .create_tags()
        .resources(&id)
        .tags(Tag::builder().key("Compliance").value("none").build())
        .send()
        .await
        .unwrap();
    let reported = drift(&bed, &subnet, &id).await;
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(
        reported.iter().any(|d| d.contains("public ip")),
        "{reported:?}"
    );
    objects::update(&ctx, &subnet, &id).await.unwrap();
    assert_eq!(drift(&bed, &subnet, &id).await, NO_DRIFT);

    delete_and_check_gone(&bed, &subnet, &id).await;
}

// route_table

#[tokio::test]
async fn route_table_holds_only_the_local_route_and_a_route_to_an_internet_gateway_is_removed() {
    let mut bed = Bed::start().await;
    let vpc_id = bed.create("vpc").await;
    let table = bed.component("route_table");
    let id = bed.create("route_table").await;
    assert!(id.starts_with("rtb-"), "{id}");

    let ctx = bed.ctx();
    assert_eq!(objects::find(&ctx, &table).await.unwrap(), Some(id.clone()));
    let observed = common::read(&ctx, &table, &id).await.unwrap();
    assert_eq!(observed.drift, NO_DRIFT);
    assert!(observed.outputs.is_empty());

    // Someone opens a way out: an internet gateway and a default route to it.
    let igw = bed
        .clients
        .ec2
        .create_internet_gateway()
        .send()
        .await
        .unwrap()
        .internet_gateway()
        .unwrap()
        .internet_gateway_id()
        .unwrap()
        .to_string();
    bed.clients
        .ec2
        .attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap();
    bed.clients
        .ec2
        .create_route()
        .route_table_id(&id)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    bed.clients
        .ec2
        .create_tags()
        .resources(&id)
        .tags(Tag::builder().key("Environment").value("prod").build())
        .send()
        .await
        .unwrap();
    let reported = drift(&bed, &table, &id).await;
    assert_eq!(reported.len(), 2, "{reported:?}");
    assert!(
        reported
            .iter()
            .any(|d| d.contains("0.0.0.0/0") && d.contains(&igw)),
        "{reported:?}"
    );
    objects::update(&ctx, &table, &id).await.unwrap();
    assert_eq!(drift(&bed, &table, &id).await, NO_DRIFT);
    let routes = bed
        .clients
        .ec2
        .describe_route_tables()
        .route_table_ids(&id)
        .send()
        .await
        .unwrap()
        .route_tables()[0]
        .routes()
        .to_vec();
    assert_eq!(routes.len(), 1, "{routes:?}");
    assert_eq!(routes[0].gateway_id(), Some("local"));
    assert_eq!(routes[0].destination_cidr_block(), Some("10.0.0.0/16"));

    delete_and_check_gone(&bed, &table, &id).await;
}

// route_table_association

#[tokio::test]
async fn route_table_association_links_the_subnet_is_found_through_its_table_and_deleted() {
    let mut bed = Bed::start().await;
    bed.create("vpc").await;
    let subnet_id = bed.create("subnet/us-east-1b").await;
    let table_id = bed.create("route_table").await;
    let association = bed.component("route_table_association/us-east-1b");
    let id = bed.create("route_table_association/us-east-1b").await;
    assert!(id.starts_with("rtbassoc-"), "{id}");

    let ctx = bed.ctx();
    assert_eq!(
        objects::find(&ctx, &association).await.unwrap(),
        Some(id.clone())
    );
    let observed = common::read(&ctx, &association, &id).await.unwrap();
    assert_eq!(observed.drift, NO_DRIFT);
    assert!(observed.outputs.is_empty());
    objects::update(&ctx, &association, &id)
        .await
        .expect("nothing to update is fine");

    let tables = bed
        .clients
        .ec2
        .describe_route_tables()
        .filters(filter("association.subnet-id", &subnet_id))
        .send()
        .await
        .unwrap();
    assert_eq!(tables.route_tables().len(), 1);
    assert_eq!(
        tables.route_tables()[0].route_table_id(),
        Some(table_id.as_str())
    );

    delete_and_check_gone(&bed, &association, &id).await;
}

#[tokio::test]
async fn route_table_association_removed_out_of_band_reads_as_gone() {
    let mut bed = Bed::start().await;
    bed.create("vpc").await;
    bed.create("subnet/us-east-1a").await;
    bed.create("route_table").await;
    let association = bed.component("route_table_association/us-east-1a");
    let id = bed.create("route_table_association/us-east-1a").await;
    bed.clients
        .ec2
        .disassociate_route_table()
        .association_id(&id)
        .send()
        .await
        .unwrap();
    let ctx = bed.ctx();
    assert_eq!(objects::read(&ctx, &association, &id).await.unwrap(), None);
    assert_eq!(objects::find(&ctx, &association).await.unwrap(), None);
}

// security_group

#[tokio::test]
async fn security_group_starts_with_no_rules_and_rules_to_addresses_or_strangers_are_revoked() {
    let mut bed = Bed::start().await;
    let vpc_id = bed.create("vpc").await;
    let lambda_id = bed.create("security_group/lambda").await;
    let group = bed.component("security_group/database");
    let id = bed.create("security_group/database").await;
    assert!(id.starts_with("sg-"), "{id}");
    // The stack's own rule between groups is never the group's drift.
    bed.create("security_group_rule/database_from_lambda").await;

    let ctx = bed.ctx();
    assert_eq!(objects::find(&ctx, &group).await.unwrap(), Some(id.clone()));
    let observed = common::read(&ctx, &group, &id).await.unwrap();
    assert_eq!(observed.drift, NO_DRIFT);
    assert!(observed.outputs.is_empty());

    let g = bed
        .clients
        .ec2
        .describe_security_groups()
        .group_ids(&id)
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    assert_eq!(g.group_name(), Some("security-group-dev-database"));
    assert_eq!(g.vpc_id(), Some(vpc_id.as_str()));
    assert!(
        g.ip_permissions_egress().is_empty(),
        "default egress revoked"
    );
    assert_eq!(
        group_rules(&bed, &id)
            .await
            .iter()
            .map(flow)
            .collect::<Vec<_>>(),
        [tcp(false, 3306, &lambda_id)]
    );

    // Someone opens the database to the world, lets it call out, and adds a flow from the
    // Lambda group the stack does not have.
    let world = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(3306)
        .to_port(3306)
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    let ssh_from_lambda = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(&lambda_id).build())
        .build();
    bed.clients
        .ec2
        .authorize_security_group_ingress()
        .group_id(&id)
        .ip_permissions(world)
        .ip_permissions(ssh_from_lambda)
        .send()
        .await
        .unwrap();
    bed.clients
        .ec2
        .authorize_security_group_egress()
        .group_id(&id)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let reported = drift(&bed, &group, &id).await;
    assert_eq!(reported.len(), 3, "{reported:?}");
    assert!(
        reported
            .iter()
            .any(|d| d.contains("ingress tcp 3306 from 0.0.0.0/0")),
        "{reported:?}"
    );
    assert!(
        reported
            .iter()
            .any(|d| d.contains(&format!("ingress tcp 22 from {lambda_id}"))),
        "{reported:?}"
    );
    assert!(
        reported
            .iter()
            .any(|d| d.contains("egress all traffic to 0.0.0.0/0")),
        "{reported:?}"
    );
    objects::update(&ctx, &group, &id).await.unwrap();
    assert_eq!(drift(&bed, &group, &id).await, NO_DRIFT);
    assert_eq!(
        group_rules(&bed, &id)
            .await
            .iter()
            .map(flow)
            .collect::<Vec<_>>(),
        [tcp(false, 3306, &lambda_id)],
        "only the stack's rule is left"
    );

    let rule = bed.component("security_group_rule/database_from_lambda");
    let rule_id = bed.ids[&rule.id].clone();
    objects::delete(&ctx, rule.kind(), &rule_id).await.unwrap();
    delete_and_check_gone(&bed, &group, &id).await;
}

#[tokio::test]
async fn security_group_tags_changed_out_of_band_are_reported_and_repaired() {
    let mut bed = Bed::start().await;
    bed.create("vpc").await;
    let group = bed.component("security_group/endpoints");
    let id = bed.create("security_group/endpoints").await;
    bed.clients
        .ec2
        .delete_tags()
        .resources(&id)
        .tags(Tag::builder().key("vault:stack").build())
        .send()
        .await
        .unwrap();
    let ctx = bed.ctx();
    assert_eq!(
        objects::find(&ctx, &group).await.unwrap(),
        None,
        "found by the management tag only"
    );
    assert_eq!(drift(&bed, &group, &id).await, ["tag vault:stack missing"]);
    objects::update(&ctx, &group, &id).await.unwrap();
    assert_eq!(drift(&bed, &group, &id).await, NO_DRIFT);
    assert_eq!(objects::find(&ctx, &group).await.unwrap(), Some(id));
}

// security_group_rule

#[tokio::test]
async fn security_group_rule_between_groups_is_created_found_repaired_in_place_and_revoked() {
    let mut bed = Bed::start().await;
    bed.create("vpc").await;
    let lambda_id = bed.create("security_group/lambda").await;
    let database_id = bed.create("security_group/database").await;
    let rule = bed.component("security_group_rule/database_from_lambda");
    let id = bed.create("security_group_rule/database_from_lambda").await;
    let (group, rule_id) = id.split_once('/').unwrap();
    assert_eq!(group, database_id);
    assert!(rule_id.starts_with("sgr-"), "{id}");

    let ctx = bed.ctx();
    assert_eq!(objects::find(&ctx, &rule).await.unwrap(), Some(id.clone()));
    let observed = common::read(&ctx, &rule, &id).await.unwrap();
    assert_eq!(observed.drift, NO_DRIFT);
    assert!(observed.outputs.is_empty());
    let rules = group_rules(&bed, &database_id).await;
    assert_eq!(
        rules.iter().map(flow).collect::<Vec<_>>(),
        [tcp(false, 3306, &lambda_id)]
    );
    let g = bed
        .clients
        .ec2
        .describe_security_groups()
        .group_ids(&database_id)
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .clone();
    assert_eq!(
        g.ip_permissions()[0].user_id_group_pairs()[0].description(),
        Some("database from rotation function")
    );

    // Someone widens the rule to another port and rewrites its description.
    bed.clients
        .ec2
        .modify_security_group_rules()
        .group_id(&database_id)
        .security_group_rules(
            SecurityGroupRuleUpdate::builder()
                .security_group_rule_id(rule_id)
                .security_group_rule(
                    SecurityGroupRuleRequest::builder()
                        .ip_protocol("tcp")
                        .from_port(22)
                        .to_port(3306)
                        .referenced_group_id(&lambda_id)
                        .description("debugging")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let reported = drift(&bed, &rule, &id).await;
    assert_eq!(reported.len(), 2, "{reported:?}");
    objects::update(&ctx, &rule, &id).await.unwrap();
    assert_eq!(drift(&bed, &rule, &id).await, NO_DRIFT);
    assert_eq!(
        group_rules(&bed, &database_id)
            .await
            .iter()
            .map(flow)
            .collect::<Vec<_>>(),
        [tcp(false, 3306, &lambda_id)],
        "the same rule, set back in place"
    );

    delete_and_check_gone(&bed, &rule, &id).await;
    assert!(group_rules(&bed, &database_id).await.is_empty());
}

#[tokio::test]
async fn security_group_rule_for_egress_is_revoked_by_its_id_and_a_duplicate_is_adopted() {
    let mut bed = Bed::start().await;
    bed.create("vpc").await;
    let lambda_id = bed.create("security_group/lambda").await;
    let endpoints_id = bed.create("security_group/endpoints").await;
    let rule = bed.component("security_group_rule/lambda_to_endpoints");
    let id = bed.create("security_group_rule/lambda_to_endpoints").await;
    assert!(id.starts_with(&format!("{lambda_id}/sgr-")), "{id}");
    assert_eq!(
        group_rules(&bed, &lambda_id)
            .await
            .iter()
            .map(flow)
            .collect::<Vec<_>>(),
        [tcp(true, 443, &endpoints_id)]
    );
    // A crashed apply authorized it already: creating again adopts it.
    let again = objects::create(&bed.ctx(), &rule).await.unwrap();
    assert_eq!(again, id);

    delete_and_check_gone(&bed, &rule, &id).await;
    assert!(group_rules(&bed, &lambda_id).await.is_empty());
}

// vpc_endpoint

#[tokio::test]
async fn vpc_endpoint_is_private_in_every_subnet_and_its_subnets_groups_policy_and_tags_are_repaired(
) {
    let mut bed = Bed::start().await;
    let vpc_id = bed.create("vpc").await;
    let mut subnets = Vec::new();
    for zone in ["us-east-1a", "us-east-1b", "us-east-1c"] {
        subnets.push(bed.create(&format!("subnet/{zone}")).await);
    }
    let endpoints_group = bed.create("security_group/endpoints").await;
    let lambda_group = bed.create("security_group/lambda").await;
    let endpoint = bed.component("vpc_endpoint/secretsmanager");
    let id = bed.create("vpc_endpoint/secretsmanager").await;
    assert!(id.starts_with("vpce-"), "{id}");

    let ctx = bed.ctx();
    assert_eq!(
        objects::find(&ctx, &endpoint).await.unwrap(),
        Some(id.clone())
    );
    let observed = common::read(&ctx, &endpoint, &id).await.unwrap();
    assert_eq!(observed.drift, NO_DRIFT);
    assert!(observed.outputs.is_empty());

    let e = describe_endpoint(&bed, &id).await;
    assert_eq!(e.vpc_id(), Some(vpc_id.as_str()));
    assert_eq!(e.vpc_endpoint_type(), Some(&VpcEndpointType::Interface));
    assert_eq!(
        e.service_name(),
        Some("com.amazonaws.us-east-1.secretsmanager")
    );
    assert_eq!(e.private_dns_enabled(), Some(true));
    assert_eq!(sorted(e.subnet_ids().to_vec()), sorted(subnets.clone()));
    assert_eq!(
        e.groups()
            .iter()
            .map(|g| g.group_id().unwrap())
            .collect::<Vec<_>>(),
        [endpoints_group.as_str()]
    );
    let policy = e.policy_document().unwrap();
    assert!(
        policy.contains("arn:aws:iam::123456789012:role/role-dev-rotation"),
        "only the rotation role: {policy}"
    );

    // Someone takes the endpoint out of one zone, opens it to the Lambda group directly, replaces
    // its policy with allow-all and renames it.
    bed.clients
        .ec2
        .modify_vpc_endpoint()
        .vpc_endpoint_id(&id)
        .remove_subnet_ids(&subnets[2])
        .add_security_group_ids(&lambda_group)
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    bed.clients
        .ec2
        .create_tags()
        .resources(&id)
        .tags(Tag::builder().key("Name").value("open").build())
        .send()
        .await
        .unwrap();
    let reported = drift(&bed, &endpoint, &id).await;
    assert_eq!(reported.len(), 4, "{reported:?}");
    assert!(
        reported.iter().any(|d| d.contains("policy")),
        "{reported:?}"
    );
    objects::update(&ctx, &endpoint, &id).await.unwrap();
    assert_eq!(drift(&bed, &endpoint, &id).await, NO_DRIFT);
    let e = describe_endpoint(&bed, &id).await;
    assert_eq!(sorted(e.subnet_ids().to_vec()), sorted(subnets.clone()));
    assert_eq!(e.groups().len(), 1);
    assert!(e
        .policy_document()
        .unwrap()
        .contains("role/role-dev-rotation"));

    delete_and_check_gone(&bed, &endpoint, &id).await;
    assert_eq!(
        describe_endpoint(&bed, &id)
            .await
            .state()
            .map(|s| s.as_str()),
        Some("deleted"),
        "moto keeps deleted endpoints listed; read and find treat them as gone"
    );
}

async fn describe_endpoint(bed: &Bed, id: &str) -> VpcEndpoint {
    bed.clients
        .ec2
        .describe_vpc_endpoints()
        .vpc_endpoint_ids(id)
        .send()
        .await
        .unwrap()
        .vpc_endpoints()[0]
        .clone()
}

// the whole network

/// SPEC §3.2's network, built and torn down in the stack's own order, with its rules checked
/// against what moto holds.
#[tokio::test]
async fn the_network_of_the_example_stack_has_no_way_out_and_only_the_stack_flows() {
    let mut bed = Bed::start().await;
    let ours = |bed: &Bed, id: &ComponentId| {
        vault_aws::objects::network::KINDS.contains(&bed.stack.component(id).unwrap().kind())
    };
    for layer in bed.stack.creation_layers() {
        let layer: Vec<ComponentId> = layer.into_iter().filter(|id| ours(&bed, id)).collect();
        for id in layer {
            bed.create(id.as_str()).await;
        }
    }
    // vpc, 3 subnets, route table, 3 associations, 3 groups, 4 rules, 2 endpoints
    assert_eq!(bed.ids.len(), 17, "{:?}", bed.ids.keys());
    let ctx = bed.ctx();
    for (id, aws_id) in &bed.ids {
        let c = bed.component(id.as_str());
        let observed = common::read(&ctx, &c, aws_id).await;
        assert_eq!(observed.map(|o| o.drift), Some(NO_DRIFT), "{id}");
    }

    let id = |name: &str| bed.ids[&ComponentId::from(name)].clone();
    let vpc = id("vpc");
    let in_vpc = filter("vpc-id", &vpc);
    let ec2 = &bed.clients.ec2;

    // No way out: no internet gateway, no NAT gateway, no public IPs, only local routes.
    let gateways = ec2
        .describe_internet_gateways()
        .filters(filter("attachment.vpc-id", &vpc))
        .send()
        .await
        .unwrap();
    assert!(gateways.internet_gateways().is_empty());
    let nats = ec2
        .describe_nat_gateways()
        .filter(in_vpc.clone())
        .send()
        .await
        .unwrap();
    assert!(nats.nat_gateways().is_empty());
    let subnets = ec2
        .describe_subnets()
        .filters(in_vpc.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(subnets.subnets().len(), 3);
    for s in subnets.subnets() {
        assert_eq!(
            s.map_public_ip_on_launch(),
            Some(false),
            "{:?}",
            s.subnet_id()
        );
    }
    let tables = ec2
        .describe_route_tables()
        .filters(in_vpc.clone())
        .send()
        .await
        .unwrap();
    for t in tables.route_tables() {
        for r in t.routes() {
            assert_eq!(
                r.gateway_id(),
                Some("local"),
                "{:?}: {r:?}",
                t.route_table_id()
            );
        }
    }
    let table = tables
        .route_tables()
        .iter()
        .find(|t| t.route_table_id() == Some(id("route_table").as_str()))
        .unwrap();
    assert_eq!(
        sorted(
            table
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id().map(str::to_string))
                .collect()
        ),
        sorted(
            subnets
                .subnets()
                .iter()
                .map(|s| s.subnet_id().unwrap().to_string())
                .collect()
        ),
        "every subnet uses the stack's route table"
    );

    // Only the stack's flows between its groups.
    let (lambda, database, endpoints) = (
        id("security_group/lambda"),
        id("security_group/database"),
        id("security_group/endpoints"),
    );
    let port = i32::from(bed.stack.inputs().database.port);
    assert_eq!(
        sorted(
            group_rules(&bed, &database)
                .await
                .iter()
                .map(flow)
                .collect()
        ),
        [tcp(false, port, &lambda)],
        "the database accepts only its port from the Lambda group"
    );
    assert_eq!(
        sorted(
            group_rules(&bed, &endpoints)
                .await
                .iter()
                .map(flow)
                .collect()
        ),
        [tcp(false, 443, &lambda)],
        "the endpoints accept only 443 from the Lambda group"
    );
    assert_eq!(
        sorted(group_rules(&bed, &lambda).await.iter().map(flow).collect()),
        sorted(vec![tcp(true, port, &database), tcp(true, 443, &endpoints)]),
        "the Lambda group reaches only the database and the endpoints"
    );
    let groups = ec2
        .describe_security_groups()
        .filters(in_vpc.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(groups.security_groups().len(), 4, "three and the default");
    for g in groups.security_groups() {
        for r in group_rules(&bed, g.group_id().unwrap()).await {
            assert_eq!(r.cidr_ipv4(), None, "{:?}: {r:?}", g.group_name());
            assert_eq!(r.cidr_ipv6(), None, "{:?}: {r:?}", g.group_name());
            assert_eq!(r.prefix_list_id(), None, "{:?}: {r:?}", g.group_name());
        }
    }

    // The endpoints: private DNS, every subnet, only the endpoints group.
    for service in ["secretsmanager", "kms"] {
        let e = describe_endpoint(&bed, &id(&format!("vpc_endpoint/{service}"))).await;
        assert_eq!(e.private_dns_enabled(), Some(true), "{service}");
        assert_eq!(e.subnet_ids().len(), 3, "{service}");
        assert_eq!(
            e.groups()
                .iter()
                .map(|g| g.group_id().unwrap())
                .collect::<Vec<_>>(),
            [endpoints.as_str()],
            "{service}"
        );
    }

    let tagged = ec2
        .describe_tags()
        .filters(filter("key", "vault:stack"))
        .filters(filter("value", "dev"))
        .send()
        .await
        .unwrap();
    let taggable = bed
        .ids
        .keys()
        .filter(|id| bed.component(id.as_str()).kind().taggable())
        .count();
    assert_eq!(taggable, 10);
    assert_eq!(
        tagged.tags().len(),
        taggable,
        "every taggable object is tagged"
    );

    assert!(
        still_exists(&bed, &vpc).await,
        "the check below sees what exists"
    );

    // Torn down in the stack's deletion order, nothing of it is left.
    for layer in bed.stack.deletion_layers() {
        for c in layer.iter().filter(|id| ours(&bed, id)) {
            let kind = bed.component(c.as_str()).kind();
            objects::delete(&ctx, kind, &bed.ids[c]).await.unwrap();
        }
    }
    // moto keeps the tags of deleted objects, so each tagged object is looked up itself.
    let tagged = ec2
        .describe_tags()
        .filters(filter("key", "vault:stack"))
        .filters(filter("value", "dev"))
        .send()
        .await
        .unwrap();
    let mut left = Vec::new();
    for t in tagged.tags() {
        let resource = t.resource_id().unwrap();
        if still_exists(&bed, resource).await {
            left.push(resource.to_string());
        }
    }
    assert_eq!(left, Vec::<String>::new());
}

/// Whether an EC2 object of the network's kinds exists (a deleted endpoint, which AWS and moto
/// keep listing for a while, does not).
async fn still_exists(bed: &Bed, id: &str) -> bool {
    fn gone<E: ProvideErrorMetadata>(e: &E) -> bool {
        e.code().is_some_and(|c| c.ends_with("NotFound"))
    }
    let ec2 = &bed.clients.ec2;
    let prefix = id.split('-').next().unwrap();
    match prefix {
        "vpc" => match ec2.describe_vpcs().vpc_ids(id).send().await {
            Ok(o) => !o.vpcs().is_empty(),
            Err(e) => !gone(&e.into_service_error()),
        },
        "subnet" => match ec2.describe_subnets().subnet_ids(id).send().await {
            Ok(o) => !o.subnets().is_empty(),
            Err(e) => !gone(&e.into_service_error()),
        },
        "rtb" => match ec2.describe_route_tables().route_table_ids(id).send().await {
            Ok(o) => !o.route_tables().is_empty(),
            Err(e) => !gone(&e.into_service_error()),
        },
        "sg" => match ec2.describe_security_groups().group_ids(id).send().await {
            Ok(o) => !o.security_groups().is_empty(),
            Err(e) => !gone(&e.into_service_error()),
        },
        "vpce" => match ec2
            .describe_vpc_endpoints()
            .vpc_endpoint_ids(id)
            .send()
            .await
        {
            Ok(o) => o
                .vpc_endpoints()
                .iter()
                .any(|e| e.state().map(|s| s.as_str()) != Some("deleted")),
            Err(e) => !gone(&e.into_service_error()),
        },
        // Not a kind of the network: the stack did not create it here, so it counts as left.
        _ => true,
    }
}
