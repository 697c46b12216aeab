//! List and search queries: filter, sort, page, project (RFC 7644 §3.4.2, §3.4.3).
//!
//! Pages are 1-based and stable: unsorted results come in creation order. `count` defaults to
//! the configured default (100, Okta's page size) and never exceeds `filter.maxResults`;
//! `count=0` returns only `totalResults`. Lookups by `id`, `userName`, `externalId` and team
//! `displayName` use indexes (Okta's `userName eq` and `displayName eq` queries among them).

use axum::http::StatusCode;
use axum::response::Response;
use scim_core::filter::{self, CompValue, CompareOp, Filter, Matcher};
use scim_core::list::{ListResponse, SearchRequest};
use scim_core::projection::Projection;
use scim_core::schema::ResourceSchema;
use scim_core::sort::{SortOrder, Sorter};
use scim_core::{AttrPath, ScimType};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::error::ApiError;
use crate::params::ListParams;
use crate::render;
use crate::respond;
use crate::schemas;
use crate::state::AppState;
use crate::store::{GroupView, IndexHint, Page, Predicate, Query, Rendered, Sort, UserView};

/// The parts of a query shared by users and teams, parsed and checked.
struct Plan {
    matcher: Option<Matcher>,
    hint: IndexHint,
    sorter: Option<Sorter>,
    projection: Projection,
    start: usize,
    count: usize,
    mentions_members: bool,
}

fn mentions(filter: &Filter, name: &str) -> bool {
    match filter {
        Filter::Compare { path, .. } | Filter::Present(path) => path.matches_name(name),
        Filter::ValuePath { path, .. } => path.matches_name(name),
        Filter::And(items) | Filter::Or(items) => items.iter().any(|f| mentions(f, name)),
        Filter::Not(inner) => mentions(inner, name),
    }
}

/// The index that can answer a filter: an `eq` on an indexed attribute at the top, or inside a
/// top-level `and`.
pub fn index_hint(f: &Filter, schema: &ResourceSchema) -> IndexHint {
    match f {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::String(s),
        } if path.sub.is_none() => {
            let Ok(r) = schema.resolve(path) else {
                return IndexHint::Scan;
            };
            if r.sub.is_some() || !matches!(r.container, scim_core::schema::Container::Top) {
                return IndexHint::Scan;
            }
            match (r.attr.name.as_str(), schema.name.as_str()) {
                ("id", _) => IndexHint::Id(s.clone()),
                ("externalId", _) => IndexHint::ExternalId(s.clone()),
                ("userName", "User") | ("displayName", "Group") => IndexHint::Name(s.clone()),
                _ => IndexHint::Scan,
            }
        }
        Filter::And(items) => items
            .iter()
            .map(|i| index_hint(i, schema))
            .find(|h| *h != IndexHint::Scan)
            .unwrap_or(IndexHint::Scan),
        _ => IndexHint::Scan,
    }
}

fn plan(state: &AppState, params: &ListParams, schema: &ResourceSchema) -> Result<Plan, ApiError> {
    let limits = state.limits();
    let (matcher, hint, mentions_members) = match params.filter.as_deref() {
        None => (None, IndexHint::Scan, false),
        Some(text) => {
            let f = filter::parse(text)?;
            let hint = index_hint(&f, schema);
            // A lone `eq` on an indexed attribute is answered exactly by the index (which
            // folds case as the filter's comparison does), so the candidates need no test:
            // Okta's `userName eq` lookup then renders its user once, not twice. Nor is the
            // filter compiled: a string `eq` on a top-level string attribute always compiles.
            let exact = hint != IndexHint::Scan && matches!(f, Filter::Compare { .. });
            let matcher = if exact {
                None
            } else {
                Some(Matcher::compile(&f, schema)?)
            };
            (matcher, hint, mentions(&f, "members"))
        }
    };
    let order = match params.sort_order.as_deref() {
        None => SortOrder::Ascending,
        Some(o) => SortOrder::parse(o).ok_or_else(|| {
            ApiError::bad_request(
                ScimType::InvalidValue,
                format!("sortOrder must be ascending or descending, got {o:?}"),
            )
        })?,
    };
    let (sorter, sort_members) = match params.sort_by.as_deref() {
        None => (None, false),
        Some(s) => {
            let path = AttrPath::parse(s).map_err(|e| {
                ApiError::bad_request(ScimType::InvalidValue, format!("invalid sortBy {s:?}: {e}"))
            })?;
            (
                Some(Sorter::new(&path, schema, order)),
                path.matches_name("members"),
            )
        }
    };
    Ok(Plan {
        matcher,
        hint,
        sorter,
        projection: params.projection()?,
        start: params.start(),
        count: params.page_size(limits.default_count, limits.max_results),
        mentions_members: mentions_members || sort_members,
    })
}

/// The page as a `ListResponse`: maps projected, views written straight from their documents.
fn respond_page<V: Document>(
    page: Page<Rendered<V>>,
    plan: &Plan,
    schema: &ResourceSchema,
    base: &str,
) -> Response {
    let entries = page
        .items
        .into_iter()
        .map(|r| Entry {
            rendered: match r {
                Rendered::Map(m) => Rendered::Map(plan.projection.apply(m, schema)),
                view => view,
            },
            base,
        })
        .collect();
    let list = ListResponse::new(entries, page.total as u64, plan.start as u64);
    respond::json(StatusCode::OK, &list)
}

/// A view that serialises as its resource's full representation (its typed document).
trait Document {
    fn serialize_document<S: Serializer>(&self, base: &str, s: S) -> Result<S::Ok, S::Error>;
}

impl Document for UserView {
    fn serialize_document<S: Serializer>(&self, base: &str, s: S) -> Result<S::Ok, S::Error> {
        render::user_doc(self, base).serialize(s)
    }
}

impl Document for GroupView {
    fn serialize_document<S: Serializer>(&self, base: &str, s: S) -> Result<S::Ok, S::Error> {
        render::group_doc(self, base).serialize(s)
    }
}

/// One resource of a page as it is written: a (projected) map, or a view serialised
/// straight into the response.
struct Entry<'a, V> {
    rendered: Rendered<V>,
    base: &'a str,
}

impl<V: Document> Serialize for Entry<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.rendered {
            Rendered::Map(m) => m.serialize(s),
            Rendered::View(v) => v.serialize_document(self.base, s),
        }
    }
}

/// Runs the plan through `query`: resources are rendered once each, for the filter, the sort
/// and the page alike. A page with no filter to test (an index answered it, or there is
/// none), no sort and no projection skips the map and keeps the views: Okta's `userName eq`
/// lookup and its import pages among them.
fn run<V>(
    plan: &Plan,
    base: &str,
    map: &(dyn Fn(&V, &str) -> serde_json::Map<String, Value> + Sync),
    with_members: bool,
    query: impl FnOnce(&Query<'_, V>) -> Page<Rendered<V>>,
) -> Page<Rendered<V>> {
    let direct = plan.matcher.is_none() && plan.sorter.is_none() && plan.projection.is_default();
    let render = |v: V| {
        if direct {
            Rendered::View(v)
        } else {
            Rendered::Map(map(&v, base))
        }
    };
    let predicate = plan
        .matcher
        .as_ref()
        .map(|m| move |r: &Rendered<V>| r.as_map().is_some_and(|map| m.matches_object(map)));
    let key = plan
        .sorter
        .as_ref()
        .map(|s| move |r: &Rendered<V>| r.as_map().and_then(|map| s.key(map)));
    let compare = plan
        .sorter
        .as_ref()
        .map(|s| move |a: &_, b: &_| s.compare(a, b));
    query(&Query {
        hint: plan.hint.clone(),
        render: &render,
        predicate: predicate.as_ref().map(|p| p as &Predicate<'_, V>),
        sort: match (&key, &compare) {
            (Some(k), Some(c)) => Some(Sort { key: k, compare: c }),
            _ => None,
        },
        offset: plan.start - 1,
        count: plan.count,
        with_members,
    })
}

/// `GET /Users` and `POST /Users/.search`.
pub fn users(state: &AppState, base: &str, params: &ListParams) -> Result<Response, ApiError> {
    let schema = schemas::user();
    let plan = plan(state, params, schema)?;
    let page = run(&plan, base, &render::user, false, |q| {
        state.store().query_users(q)
    });
    Ok(respond_page(page, &plan, schema, base))
}

/// `GET /Groups` and `POST /Groups/.search`. Members are only gathered when the response or
/// the filter needs them (`excludedAttributes=members` makes listing large teams cheap).
pub fn groups(state: &AppState, base: &str, params: &ListParams) -> Result<Response, ApiError> {
    let schema = schemas::group();
    let plan = plan(state, params, schema)?;
    let with_members = plan.mentions_members || plan.projection.keeps("members", schema);
    let page = run(&plan, base, &render::group, with_members, |q| {
        state.store().query_groups(q)
    });
    Ok(respond_page(page, &plan, schema, base))
}

/// Reads a `POST .search` body into the same parameters a GET takes. The body must carry
/// the SearchRequest schema (RFC 7644 §3.4.3).
pub fn search_params(body: Value) -> Result<ListParams, ApiError> {
    let request: SearchRequest = serde_json::from_value(body).map_err(|e| {
        ApiError::bad_request(
            ScimType::InvalidSyntax,
            format!("invalid SearchRequest: {e}"),
        )
    })?;
    if !request.has_schema() {
        return Err(ApiError::bad_request(
            ScimType::InvalidSyntax,
            format!(
                "the body's schemas must contain \"{}\"",
                scim_core::urn::SEARCH_REQUEST
            ),
        ));
    }
    Ok(ListParams {
        filter: request.filter,
        start_index: request.start_index,
        count: request.count,
        sort_by: request.sort_by,
        sort_order: request.sort_order,
        attributes: request.attributes.map(|a| a.join(",")),
        excluded_attributes: request.excluded_attributes.map(|a| a.join(",")),
    })
}
