//! What the server keeps, and the trait a storage backend implements.
//!
//! Records hold only what Fivetran keeps (the guide: "Fivetran only allows you to update the
//! 'Family name', 'Given name', and 'Role' fields"), typed and compact, so a million users fit
//! in well under a gigabyte. JSON is produced from them per response.
//!
//! The trait is shaped around atomic operations rather than get-then-put, so that rules that
//! span records (unique `userName`, unique team names, members that exist) are checked and
//! applied under one lock: of two concurrent creates of the same `userName`, exactly one wins.

mod ids;
mod memory;
mod table;

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use indexmap::IndexSet;
use scim_core::sort::SortKey;
use serde_json::{Map, Value};

pub use memory::MemoryStore;

use crate::error::ApiError;

/// A resource id. Shared between a record and the indexes that point at it.
pub type Id = Arc<str>;

/// What a client may set on a user: everything Fivetran keeps but the server's own fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserFields {
    /// `userName`, as first sent (unique case-insensitively).
    pub user_name: String,
    /// The primary email, which equals `userName` case-insensitively.
    pub email: String,
    /// The primary email's `type`, when the client gave one.
    pub email_type: Option<String>,
    /// `name.givenName`.
    pub given_name: Option<String>,
    /// `name.familyName`.
    pub family_name: Option<String>,
    /// `active`; `false` is Fivetran's soft delete.
    pub active: bool,
    /// The account role, in canonical case; `None` is "No Account Role".
    pub role: Option<String>,
    /// `externalId` (Okta's user id, `00u...`).
    pub external_id: Option<String>,
}

/// A user, as Fivetran keeps it: the client's fields and the server's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Server-issued, stable id.
    pub id: Id,
    /// Insertion sequence number: the stable order of unsorted listings.
    pub seq: u64,
    /// What the client set.
    pub fields: UserFields,
    /// `meta.created`.
    pub created: DateTime<Utc>,
    /// `meta.lastModified`.
    pub modified: DateTime<Utc>,
    /// The entity-tag counter; it also moves when the user's teams change.
    pub version: u64,
}

/// A team a user belongs to, for the user's read-only `groups` attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRef {
    /// The team's id.
    pub id: Id,
    /// The team's name.
    pub display_name: String,
}

/// A user and the teams it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserView {
    /// The user, shared with the store: a view does not copy it.
    pub user: Arc<UserRecord>,
    /// Its teams, in the order it joined them.
    pub groups: Vec<GroupRef>,
}

/// A team (a SCIM Group).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    /// Server-issued, stable id.
    pub id: Id,
    /// Insertion sequence number.
    pub seq: u64,
    /// `displayName`, unique case-insensitively.
    pub display_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// Member user ids, in the order they were added. Adding or removing one is O(1).
    pub members: IndexSet<Id>,
    /// `meta.created`.
    pub created: DateTime<Utc>,
    /// `meta.lastModified`.
    pub modified: DateTime<Utc>,
    /// The entity-tag counter.
    pub version: u64,
}

/// A member, with the user's name for `members[].display`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRef {
    /// The user's id.
    pub id: Id,
    /// The user's `userName`.
    pub user_name: String,
}

/// A team as read: its fields, and its members when asked for. It never holds the member
/// set itself, so reading or changing a large team without its members copies nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    /// The team's id.
    pub id: Id,
    /// `displayName`.
    pub display_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// How many members it has.
    pub member_count: usize,
    /// The members with their names, in the order they were added; `None` when the caller
    /// did not ask for them.
    pub members: Option<Vec<MemberRef>>,
    /// `meta.created`.
    pub created: DateTime<Utc>,
    /// `meta.lastModified`.
    pub modified: DateTime<Utc>,
    /// The entity-tag counter.
    pub version: u64,
}

/// What a client may set on a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDraft {
    /// `displayName`.
    pub display_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// Member user ids; each must be an existing user.
    pub members: Vec<String>,
}

/// A change to a team's membership that touches only the members named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberOp {
    /// Add these users (already-present ones are left alone).
    Add(Vec<String>),
    /// Remove this user, if it is a member.
    Remove(String),
    /// Remove every member.
    Clear,
}

/// How an update changes a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupChange {
    /// Replace everything.
    Replace(GroupDraft),
    /// Membership changes applied in order, and optionally a new name: the shape of Okta's
    /// Group Push PATCH requests. Does not copy the member set.
    Edit {
        /// A new `displayName`.
        display_name: Option<String>,
        /// Membership changes.
        ops: Vec<MemberOp>,
    },
}

/// A lookup the store can answer from an index instead of a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexHint {
    /// No index applies: scan.
    Scan,
    /// Only the resource with this id can match.
    Id(String),
    /// Only the resource with this name (a user's `userName`, a team's `displayName`;
    /// compared case-insensitively) can match.
    Name(String),
    /// Only resources with exactly this `externalId` can match.
    ExternalId(String),
}

/// A resource as a query sees it: rendered once, then filtered, sorted and returned.
#[derive(Clone, Debug)]
pub enum Rendered<V> {
    /// As a map: what filters, sorts and projections read.
    Map(Map<String, Value>),
    /// The view itself: a page that needs no filter, sort or projection is serialised
    /// straight from it, after the store's lock is let go, into the response.
    View(V),
}

impl<V> Rendered<V> {
    /// The map, when it is one.
    pub fn as_map(&self) -> Option<&Map<String, Value>> {
        match self {
            Rendered::Map(m) => Some(m),
            Rendered::View(_) => None,
        }
    }
}

/// Whether a rendered resource matches a filter.
pub type Predicate<'a, V> = dyn Fn(&Rendered<V>) -> bool + Sync + 'a;

/// A sort: how to get each resource's key, and how to order two keys.
pub struct Sort<'a, V> {
    /// The key of a rendered resource.
    pub key: &'a (dyn Fn(&Rendered<V>) -> Option<SortKey> + Sync),
    /// The order of two keys (direction and missing values included).
    pub compare: &'a (dyn Fn(&Option<SortKey>, &Option<SortKey>) -> Ordering + Sync),
}

impl<V> std::fmt::Debug for Sort<'_, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sort { .. }")
    }
}

/// A page request over users or teams. Each candidate is rendered at most once, and only
/// when the filter, the sort or the page needs it.
pub struct Query<'a, V> {
    /// Where candidates come from.
    pub hint: IndexHint,
    /// How a candidate is rendered.
    pub render: &'a (dyn Fn(V) -> Rendered<V> + Sync),
    /// Which rendered candidates match; `None` matches all.
    pub predicate: Option<&'a Predicate<'a, V>>,
    /// The order; `None` is creation order, which is stable across pages.
    pub sort: Option<Sort<'a, V>>,
    /// 0-based offset of the first resource to return.
    pub offset: usize,
    /// How many resources to return at most.
    pub count: usize,
    /// For teams: whether to fill in member names.
    pub with_members: bool,
}

impl<V> std::fmt::Debug for Query<'_, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("hint", &self.hint)
            .field("filtered", &self.predicate.is_some())
            .field("sort", &self.sort)
            .field("offset", &self.offset)
            .field("count", &self.count)
            .field("with_members", &self.with_members)
            .finish()
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<V> {
    /// How many resources match in all.
    pub total: usize,
    /// This page.
    pub items: Vec<V>,
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No resource with that id.
    #[error("not found")]
    NotFound,
    /// A rule check failed, or the caller's update refused; the error says how to answer.
    #[error("{0}")]
    Rejected(ApiError),
}

impl StoreError {
    /// The answer to give: 404 naming the resource, or the rejection as it was.
    pub fn into_api(self, kind: &str, id: &str) -> ApiError {
        match self {
            StoreError::NotFound => ApiError::not_found(kind, id),
            StoreError::Rejected(e) => e,
        }
    }
}

impl From<ApiError> for StoreError {
    fn from(e: ApiError) -> Self {
        StoreError::Rejected(e)
    }
}

/// An update callback: given the current state, the new draft (or `None` for "no change"),
/// or an error that aborts the update.
pub type UserUpdate<'a> = &'a mut dyn FnMut(&UserView) -> Result<Option<UserFields>, ApiError>;
/// An update callback for a team. It sees the record (member ids included) by reference, so
/// that checking a change to a large team does not copy it.
pub type GroupUpdate<'a> = &'a mut dyn FnMut(&GroupRecord) -> Result<Option<GroupChange>, ApiError>;
/// A check run, under the store's lock, before a delete.
pub type DeleteCheck<'a, V> = &'a mut dyn FnMut(&V) -> Result<(), ApiError>;

/// A storage backend. Every method is atomic.
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// A user by id.
    fn user(&self, id: &str) -> Option<UserView>;
    /// Creates a user; `userName` must be unused (409 `uniqueness`).
    fn insert_user(&self, fields: UserFields, now: DateTime<Utc>) -> Result<UserView, StoreError>;
    /// Reads, checks and changes a user in one step.
    fn update_user(
        &self,
        id: &str,
        update: UserUpdate<'_>,
        now: DateTime<Utc>,
    ) -> Result<UserView, StoreError>;
    /// Deletes a user for good, and takes it out of every team (whose `lastModified` becomes
    /// `now`).
    fn delete_user(
        &self,
        id: &str,
        check: DeleteCheck<'_, UserView>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// A page of users, rendered.
    fn query_users(&self, query: &Query<'_, UserView>) -> Page<Rendered<UserView>>;

    /// A team by id; `with_members` fills in member names.
    fn group(&self, id: &str, with_members: bool) -> Option<GroupView>;
    /// Creates a team; `displayName` must be unused and members must exist.
    fn insert_group(&self, draft: GroupDraft, now: DateTime<Utc>) -> Result<GroupView, StoreError>;
    /// Reads, checks and changes a team in one step.
    fn update_group(
        &self,
        id: &str,
        update: GroupUpdate<'_>,
        now: DateTime<Utc>,
        with_members: bool,
    ) -> Result<GroupView, StoreError>;
    /// Deletes a team; its users stay.
    fn delete_group(&self, id: &str, check: DeleteCheck<'_, GroupView>) -> Result<(), StoreError>;
    /// A page of teams, rendered.
    fn query_groups(&self, query: &Query<'_, GroupView>) -> Page<Rendered<GroupView>>;

    /// How many users and teams there are.
    fn counts(&self) -> (usize, usize);
}
