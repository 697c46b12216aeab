//! Query messages: the ListResponse (RFC 7644 §3.4.2) and the SearchRequest (§3.4.3).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::urn;

/// A page of query results.
///
/// `Resources` is spelt with a capital R on the wire; the counts are JSON integers (Okta
/// rejects strings). `itemsPerPage` is the number of resources in this page (RFC 7644
/// §3.4.2), which is what Okta expects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T = Value> {
    /// Always `[urn:ietf:params:scim:api:messages:2.0:ListResponse]`.
    pub schemas: Vec<String>,
    /// How many resources match in all.
    pub total_results: u64,
    /// The 1-based index of the first resource in this page.
    pub start_index: u64,
    /// How many resources this page holds.
    pub items_per_page: u64,
    /// The page's resources.
    #[serde(rename = "Resources", default = "Vec::new")]
    pub resources: Vec<T>,
}

impl<T> ListResponse<T> {
    /// A page of `resources` out of `total_results`, starting at `start_index`.
    pub fn new(resources: Vec<T>, total_results: u64, start_index: u64) -> Self {
        ListResponse {
            schemas: vec![urn::LIST_RESPONSE.to_owned()],
            total_results,
            start_index,
            items_per_page: resources.len() as u64,
            resources,
        }
    }
}

/// A query sent as `POST /.search` (RFC 7644 §3.4.3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    /// Must contain the SearchRequest URN.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Attributes to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// Attributes to leave out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_attributes: Option<Vec<String>>,
    /// The filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The attribute to sort by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// `ascending` or `descending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<String>,
    /// 1-based index of the first result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<i64>,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

impl SearchRequest {
    /// Whether `schemas` names the SearchRequest message.
    pub fn has_schema(&self) -> bool {
        self.schemas.iter().any(|s| urn::eq(s, urn::SEARCH_REQUEST))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_response_has_the_wire_shape() {
        let page = ListResponse::new(vec![json!({"id": "a"})], 3, 2);
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            json!({
                "schemas": [urn::LIST_RESPONSE],
                "totalResults": 3, "startIndex": 2, "itemsPerPage": 1,
                "Resources": [{"id": "a"}]
            })
        );
    }

    #[test]
    fn search_request_reads_the_rfc_example() {
        let r: SearchRequest = serde_json::from_value(json!({
            "schemas": [urn::SEARCH_REQUEST],
            "attributes": ["displayName", "userName"],
            "filter": "displayName sw \"smith\"",
            "startIndex": 1, "count": 10
        }))
        .unwrap();
        assert!(r.has_schema());
        assert_eq!(r.count, Some(10));
        assert!(!SearchRequest::default().has_schema());
    }
}
