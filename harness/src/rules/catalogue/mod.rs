//! The catalogue: every rule, one value each, kept in a module per kind of source.
//! Exchange rules first (they run on every response), then the flow rules that scenarios
//! assert: Okta's flows, the Fivetran guide, RFC 7643/7644.

mod exchange;
mod fivetran;
mod okta;
mod rfc;
mod rfc_bulk;
mod rfc_discovery;
mod rfc_queries;
mod rfc_resources;
mod rfc_writes;

use super::Kind::Flow;
use super::Level::Must;
use super::Rule;
use crate::scenario::Profile::Rfc;

const GUIDE: &str = "Fivetran SCIM Configuration Guide for Okta";

/// Every rule's part of the catalogue, in order.
const PARTS: &[&[Rule]] = &[
    exchange::EXCHANGE,
    okta::OKTA,
    fivetran::FIVETRAN,
    rfc::RFC,
    rfc_resources::RFC_RESOURCES,
    rfc_queries::RFC_QUERIES,
    rfc_writes::RFC_WRITES,
    rfc_discovery::RFC_DISCOVERY,
    rfc_bulk::RFC_BULK,
];

const fn total(parts: &[&[Rule]]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

const LEN: usize = total(PARTS);

/// The parts, one after another, built once at compile time.
const fn join(parts: &[&[Rule]]) -> [Rule; LEN] {
    const BLANK: Rule = Rule {
        id: "",
        level: Must,
        profile: Rfc,
        title: "",
        source: "",
        quote: "",
        kind: Flow,
    };
    let mut out = [BLANK; LEN];
    let mut at = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[at] = parts[p][i];
            at += 1;
            i += 1;
        }
        p += 1;
    }
    out
}

static ALL: [Rule; LEN] = join(PARTS);

/// Every rule, exchange rules first.
pub static CATALOGUE: &[Rule] = &ALL;
