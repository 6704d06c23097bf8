//! Which availability zones can hold a stack. AWS offers neither every interface endpoint
//! service nor every DB instance class in every zone of a region, and a create that meets such
//! a zone fails halfway (the endpoint or the instance is refused after the network exists). So
//! zones are chosen, or a configured zone is rejected at plan, from what AWS says each zone
//! offers: `DescribeVpcEndpointServices` and `DescribeOrderableDBInstanceOptions`.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::Filter;
use vault_core::model::component::EndpointService;

use crate::clients::Clients;
use crate::error::{api, AwsError};

/// What every zone of the stack must offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needs {
    pub engine_version: String,
    pub instance_class: String,
}

/// The region's zones and what each lacks of [`Needs`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Offer {
    /// Available zones that need no opt-in, by name.
    pub zones: Vec<String>,
    /// Zone → what it lacks ("the interface endpoint service com.amazonaws.….kms"); zones
    /// absent lack nothing.
    pub lacking: BTreeMap<String, Vec<String>>,
}

impl Offer {
    /// The first `count` zones (by name) that lack nothing.
    pub fn choose(&self, count: usize) -> Result<Vec<String>, String> {
        let fit: Vec<String> = self
            .zones
            .iter()
            .filter(|z| !self.lacking.contains_key(*z))
            .take(count)
            .cloned()
            .collect();
        if fit.len() < count {
            return Err(format!(
                "the region has {} zone(s) offering everything the stack needs, and it needs \
                 {count}. {}",
                fit.len(),
                self.describe_lacking()
            ));
        }
        Ok(fit)
    }

    /// For each of `wanted` that cannot hold the stack, why: not a zone of the region, or what
    /// it lacks.
    pub fn unfit(&self, wanted: &[String]) -> Vec<(String, String)> {
        wanted
            .iter()
            .filter_map(|z| {
                if !self.zones.contains(z) {
                    Some((
                        z.clone(),
                        format!(
                            "{z} is not an available zone of the region (available: {})",
                            self.zones.join(", ")
                        ),
                    ))
                } else {
                    self.lacking
                        .get(z)
                        .map(|l| (z.clone(), format!("{z} lacks {}", l.join(" and "))))
                }
            })
            .collect()
    }

    fn describe_lacking(&self) -> String {
        self.lacking
            .iter()
            .map(|(z, l)| format!("{z} lacks {}.", l.join(" and ")))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Asks AWS what the region's zones offer of `needs`.
pub async fn offer(clients: &Clients, needs: &Needs) -> Result<Offer, AwsError> {
    let zones = region_zones(clients).await?;
    let mut lacking: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let region = clients.region.as_str();
    for (service, offered) in endpoint_service_zones(clients, region).await? {
        for z in zones.iter().filter(|z| !offered.contains(*z)) {
            lacking
                .entry(z.clone())
                .or_default()
                .push(format!("the interface endpoint service {service}"));
        }
    }
    if let Some(offered) = instance_class_zones(clients, needs).await? {
        for z in zones.iter().filter(|z| !offered.contains(*z)) {
            lacking.entry(z.clone()).or_default().push(format!(
                "the DB instance class {} for {} {}",
                needs.instance_class,
                vault_core::defaults::ENGINE,
                needs.engine_version
            ));
        }
    }
    Ok(Offer { zones, lacking })
}

/// The region's available zones that need no opt-in (no Local or Wavelength zones), by name.
async fn region_zones(clients: &Clients) -> Result<Vec<String>, AwsError> {
    let out = clients
        .ec2
        .describe_availability_zones()
        .filters(Filter::builder().name("state").values("available").build())
        .filters(
            Filter::builder()
                .name("opt-in-status")
                .values("opt-in-not-required")
                .build(),
        )
        .send()
        .await
        .map_err(api("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = out
        .availability_zones()
        .iter()
        .filter(|z| z.zone_type().is_none_or(|t| t == "availability-zone"))
        .filter_map(|z| z.zone_name().map(str::to_string))
        .collect();
    zones.sort();
    Ok(zones)
}

/// Each endpoint service the stack uses, with the zones that offer it.
async fn endpoint_service_zones(
    clients: &Clients,
    region: &str,
) -> Result<Vec<(String, BTreeSet<String>)>, AwsError> {
    let names: Vec<String> = EndpointService::ALL
        .iter()
        .map(|s| s.service_name(region))
        .collect();
    let out = clients
        .ec2
        .describe_vpc_endpoint_services()
        .set_service_names(Some(names.clone()))
        .send()
        .await
        .map_err(api("DescribeVpcEndpointServices"))?;
    Ok(names
        .into_iter()
        .map(|name| {
            let zones = out
                .service_details()
                .iter()
                .filter(|d| d.service_name() == Some(name.as_str()))
                .flat_map(|d| d.availability_zones().iter().cloned())
                .collect();
            (name, zones)
        })
        .collect())
}

/// The zones offering the instance class for the engine version; `None` when AWS lists no
/// orderable options for the engine at all (an emulator that does not model them), so nothing
/// can be said. An engine listed without the class means the region lacks it everywhere.
async fn instance_class_zones(
    clients: &Clients,
    needs: &Needs,
) -> Result<Option<BTreeSet<String>>, AwsError> {
    let mut zones = BTreeSet::new();
    let mut listed = false;
    let mut marker = None;
    loop {
        let out = clients
            .rds
            .describe_orderable_db_instance_options()
            .engine(vault_core::defaults::ENGINE)
            .engine_version(&needs.engine_version)
            .db_instance_class(&needs.instance_class)
            .set_marker(marker)
            .send()
            .await
            .map_err(api("DescribeOrderableDBInstanceOptions"))?;
        for o in out.orderable_db_instance_options() {
            listed = true;
            // The filter is the caller's wish; emulators may answer every class.
            if o.db_instance_class() == Some(needs.instance_class.as_str()) {
                zones.extend(
                    o.availability_zones()
                        .iter()
                        .filter_map(|z| z.name().map(str::to_string)),
                );
            }
        }
        marker = out.marker().map(str::to_string);
        if marker.is_none() {
            break;
        }
    }
    if listed {
        return Ok(Some(zones));
    }
    let any = clients
        .rds
        .describe_orderable_db_instance_options()
        .engine(vault_core::defaults::ENGINE)
        .engine_version(&needs.engine_version)
        .max_records(20)
        .send()
        .await
        .map_err(api("DescribeOrderableDBInstanceOptions"))?;
    Ok((!any.orderable_db_instance_options().is_empty()).then_some(zones))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> Offer {
        Offer {
            zones: ["a", "b", "c", "d"].map(String::from).to_vec(),
            lacking: [("b".to_string(), vec!["the DB instance class x".to_string()])]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn choose_skips_zones_that_lack_something() {
        assert_eq!(offer().choose(3).unwrap(), ["a", "c", "d"]);
    }

    #[test]
    fn choose_says_what_is_lacking_when_too_few_zones_fit() {
        let e = offer().choose(4).unwrap_err();
        assert!(
            e.contains("3 zone(s)") && e.contains("b lacks the DB instance class x"),
            "{e}"
        );
    }

    #[test]
    fn unfit_names_unknown_zones_and_what_a_zone_lacks() {
        let unfit = offer().unfit(&["a".into(), "b".into(), "z".into()]);
        assert_eq!(unfit.len(), 2);
        assert_eq!(
            unfit[0],
            ("b".into(), "b lacks the DB instance class x".into())
        );
        assert!(
            unfit[1].1.contains("z is not an available zone"),
            "{:?}",
            unfit[1]
        );
    }
}
