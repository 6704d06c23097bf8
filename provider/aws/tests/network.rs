//! The network objects against moto: create, find (adoption), read, drift, update, delete.

mod common;

use aws_sdk_ec2::types::{AttributeBooleanValue, Tag};
use common::Bed;
use vault_aws::objects;

#[tokio::test]
async fn vpc_is_created_found_by_tag_read_without_drift_and_deleted() {
    let mut bed = Bed::start().await;
    let vpc = bed.component("vpc");
    let id = bed.create("vpc").await;
    assert!(id.starts_with("vpc-"));

    let ctx = bed.ctx();
    assert_eq!(objects::find(&ctx, &vpc).await.unwrap(), Some(id.clone()));
    let observed = objects::read(&ctx, &vpc, &id).await.unwrap().unwrap();
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
    let drift = objects::read(&ctx, &vpc, &id).await.unwrap().unwrap().drift;
    assert_eq!(drift.len(), 2, "{drift:?}");
    objects::update(&ctx, &vpc, &id).await.unwrap();
    assert_eq!(
        objects::read(&ctx, &vpc, &id).await.unwrap().unwrap().drift,
        Vec::<String>::new()
    );
}
