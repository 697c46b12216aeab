//! The in-memory store: hash maps with indexes, behind one `RwLock`.
//!
//! - users and teams by id: `HashMap` (users behind an `Arc`, so the table stays small at a
//!   million and a read shares the record instead of copying it);
//! - `userName` and team `displayName`, case-folded: unique indexes, so `userName eq` and
//!   `displayName eq` lookups, and the uniqueness checks, do not scan;
//! - `externalId`: a non-unique index;
//! - creation order: a vector sorted by sequence number, so a page at any `startIndex` is a
//!   slice, not a walk (removing an entry is a binary search and a `memmove`);
//! - each user's teams: a reverse index kept in step with team membership, for the user's
//!   `groups` attribute and for taking a deleted user out of its teams.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use indexmap::{IndexMap, IndexSet};
use scim_core::ScimError;
use scim_core::text::fold;

use super::ids::new_id;
use super::table::{IdList, Table};
use super::{
    DeleteCheck, GroupChange, GroupDraft, GroupRecord, GroupRef, GroupUpdate, GroupView, Id,
    MemberOp, MemberRef, Page, Query, Rendered, Store, StoreError, UserFields, UserRecord,
    UserUpdate, UserView,
};
use crate::error::ApiError;

/// Users and teams in memory. Nothing survives a restart.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    seq: u64,
    version: u64,
    // Behind a pointer, so that the table holds 24-byte entries: at a million users an
    // inline record would make the table (half empty after each doubling) the largest thing
    // here. Shared, so that a view is a reference count rather than a copy of every string;
    // a change made while a reader still holds a view copies the record first.
    users: HashMap<Id, Arc<UserRecord>>,
    user_order: Vec<(u64, Id)>,
    user_by_name: HashMap<String, Id>,
    user_by_external: HashMap<String, IdList>,
    user_groups: HashMap<Id, IndexSet<Id>>,
    groups: HashMap<Id, GroupRecord>,
    group_order: Vec<(u64, Id)>,
    group_by_name: HashMap<String, Id>,
    group_by_external: HashMap<String, IdList>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied change (every update
        // checks first and mutates after), so a poisoned lock is still consistent.
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn conflict(detail: String) -> StoreError {
    StoreError::Rejected(ApiError(ScimError::conflict(detail)))
}

fn index_add(index: &mut HashMap<String, IdList>, key: Option<&String>, id: &Id) {
    if let Some(k) = key {
        index.entry(k.clone()).or_default().push(id.clone());
    }
}

fn index_remove(index: &mut HashMap<String, IdList>, key: Option<&String>, id: &Id) {
    if let Some(k) = key
        && let Some(ids) = index.get_mut(k)
    {
        ids.retain(|x| x != id);
        if ids.is_empty() {
            index.remove(k);
        }
    }
}

fn order_remove(order: &mut Vec<(u64, Id)>, seq: u64) {
    if let Ok(i) = order.binary_search_by_key(&seq, |(s, _)| *s) {
        order.remove(i);
    }
}

impl Inner {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn next_version(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    fn user_view(&self, user: &Arc<UserRecord>) -> UserView {
        let groups = self
            .user_groups
            .get(&user.id)
            .map(|gs| {
                gs.iter()
                    .filter_map(|g| self.groups.get(g))
                    .map(|g| GroupRef {
                        id: g.id.clone(),
                        display_name: g.display_name.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        UserView {
            user: Arc::clone(user),
            groups,
        }
    }

    fn group_view(&self, group: &GroupRecord, with_members: bool) -> GroupView {
        let members = with_members.then(|| {
            group
                .members
                .iter()
                .filter_map(|m| self.users.get(m))
                .map(|u| MemberRef {
                    id: u.id.clone(),
                    user_name: u.fields.user_name.clone(),
                })
                .collect()
        });
        GroupView {
            id: group.id.clone(),
            display_name: group.display_name.clone(),
            external_id: group.external_id.clone(),
            member_count: group.members.len(),
            members,
            created: group.created,
            modified: group.modified,
            version: group.version,
        }
    }

    /// Every listed member must be an existing user; returns their shared ids, deduplicated.
    fn existing_users(&self, ids: &[String]) -> Result<IndexSet<Id>, StoreError> {
        let mut out = IndexSet::with_capacity(ids.len());
        for id in ids {
            match self.users.get_key_value(id.as_str()) {
                Some((k, _)) => {
                    out.insert(k.clone());
                }
                None => {
                    return Err(StoreError::Rejected(ApiError::invalid_value(format!(
                        "member {id:?} is not an existing user; a team's members must be users"
                    ))));
                }
            }
        }
        Ok(out)
    }

    fn bump_user(&mut self, id: &Id) {
        let v = self.next_version();
        if let Some(u) = self.users.get_mut(id) {
            Arc::make_mut(u).version = v;
        }
    }

    fn join(&mut self, user: &Id, group: &Id) {
        self.user_groups
            .entry(user.clone())
            .or_default()
            .insert(group.clone());
        self.bump_user(user);
    }

    fn leave(&mut self, user: &Id, group: &Id) {
        if let Some(gs) = self.user_groups.get_mut(user) {
            gs.shift_remove(group);
            if gs.is_empty() {
                self.user_groups.remove(user);
            }
        }
        self.bump_user(user);
    }

    fn check_group_name_free(&self, name: &str, except: Option<&Id>) -> Result<(), StoreError> {
        match self.group_by_name.get(fold(name).as_ref()) {
            Some(other) if Some(other) != except => Err(conflict(format!(
                "a team named {name:?} already exists (team names are unique, ignoring case)"
            ))),
            _ => Ok(()),
        }
    }

    fn rename_group(&mut self, id: &Id, old: &str, new: &str) {
        if fold(old) != fold(new) {
            self.group_by_name.remove(fold(old).as_ref());
            self.group_by_name
                .insert(fold(new).into_owned(), id.clone());
        }
    }
}

impl Store for MemoryStore {
    fn user(&self, id: &str) -> Option<UserView> {
        let inner = self.read();
        inner.users.get(id).map(|u| inner.user_view(u))
    }

    fn insert_user(&self, fields: UserFields, now: DateTime<Utc>) -> Result<UserView, StoreError> {
        let mut inner = self.write();
        let key = fold(&fields.user_name).into_owned();
        if inner.user_by_name.contains_key(&key) {
            return Err(conflict(format!(
                "userName {:?} is already taken (userNames are unique, ignoring case)",
                fields.user_name
            )));
        }
        let id = new_id();
        let seq = inner.next_seq();
        let version = inner.next_version();
        inner.user_by_name.insert(key, id.clone());
        index_add(
            &mut inner.user_by_external,
            fields.external_id.as_ref(),
            &id,
        );
        inner.user_order.push((seq, id.clone()));
        let record = Arc::new(UserRecord {
            id: id.clone(),
            seq,
            fields,
            created: now,
            modified: now,
            version,
        });
        let view = inner.user_view(&record);
        inner.users.insert(id, record);
        Ok(view)
    }

    fn update_user(
        &self,
        id: &str,
        update: UserUpdate<'_>,
        now: DateTime<Utc>,
    ) -> Result<UserView, StoreError> {
        let mut inner = self.write();
        let current = inner.users.get(id).ok_or(StoreError::NotFound)?;
        let view = inner.user_view(current);
        let Some(fields) = update(&view)? else {
            return Ok(view);
        };
        if fields == current.fields {
            return Ok(view);
        }
        let id = current.id.clone();
        let old_key = fold(&current.fields.user_name).into_owned();
        let new_key = fold(&fields.user_name).into_owned();
        if old_key != new_key && inner.user_by_name.contains_key(&new_key) {
            return Err(conflict(format!(
                "userName {:?} is already taken",
                fields.user_name
            )));
        }
        let old_external = current.fields.external_id.clone();
        let version = inner.next_version();
        if old_key != new_key {
            inner.user_by_name.remove(&old_key);
            inner.user_by_name.insert(new_key, id.clone());
        }
        if old_external != fields.external_id {
            index_remove(&mut inner.user_by_external, old_external.as_ref(), &id);
            index_add(
                &mut inner.user_by_external,
                fields.external_id.as_ref(),
                &id,
            );
        }
        // The caller's view is gone, so the record is not copied unless a reader holds it.
        drop(view);
        let record = inner.users.get_mut(&id).ok_or(StoreError::NotFound)?;
        let record = Arc::make_mut(record);
        record.fields = fields;
        record.modified = moved_on(record.modified, now);
        record.version = version;
        let inner = &*inner;
        Ok(inner.user_view(&inner.users[&id]))
    }

    fn delete_user(
        &self,
        id: &str,
        check: DeleteCheck<'_, UserView>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut inner = self.write();
        let current = inner.users.get(id).ok_or(StoreError::NotFound)?;
        check(&inner.user_view(current))?;
        let Some(record) = inner.users.remove(id) else {
            return Err(StoreError::NotFound);
        };
        inner
            .user_by_name
            .remove(fold(&record.fields.user_name).as_ref());
        index_remove(
            &mut inner.user_by_external,
            record.fields.external_id.as_ref(),
            &record.id,
        );
        order_remove(&mut inner.user_order, record.seq);
        for group in inner.user_groups.remove(&record.id).unwrap_or_default() {
            let version = inner.next_version();
            if let Some(g) = inner.groups.get_mut(&group) {
                g.members.shift_remove(&record.id);
                g.version = version;
                g.modified = moved_on(g.modified, now);
            }
        }
        Ok(())
    }

    fn query_users(&self, query: &Query<'_, UserView>) -> Page<Rendered<UserView>> {
        let inner = self.read();
        let table = Table {
            by_id: &inner.users,
            order: &inner.user_order,
            by_name: &inner.user_by_name,
            by_external: &inner.user_by_external,
        };
        table.query(query, |u| inner.user_view(u), |u| u.seq)
    }

    fn group(&self, id: &str, with_members: bool) -> Option<GroupView> {
        let inner = self.read();
        inner
            .groups
            .get(id)
            .map(|g| inner.group_view(g, with_members))
    }

    fn insert_group(&self, draft: GroupDraft, now: DateTime<Utc>) -> Result<GroupView, StoreError> {
        let mut inner = self.write();
        inner.check_group_name_free(&draft.display_name, None)?;
        let members = inner.existing_users(&draft.members)?;
        let id = new_id();
        let seq = inner.next_seq();
        let version = inner.next_version();
        for m in &members {
            inner.join(m, &id);
        }
        let record = GroupRecord {
            id: id.clone(),
            seq,
            display_name: draft.display_name,
            external_id: draft.external_id,
            members,
            created: now,
            modified: now,
            version,
        };
        inner
            .group_by_name
            .insert(fold(&record.display_name).into_owned(), id.clone());
        index_add(
            &mut inner.group_by_external,
            record.external_id.as_ref(),
            &id,
        );
        inner.group_order.push((seq, id.clone()));
        let view = inner.group_view(&record, true);
        inner.groups.insert(id, record);
        Ok(view)
    }

    fn update_group(
        &self,
        id: &str,
        update: GroupUpdate<'_>,
        now: DateTime<Utc>,
        with_members: bool,
    ) -> Result<GroupView, StoreError> {
        let mut inner = self.write();
        let current = inner.groups.get(id).ok_or(StoreError::NotFound)?;
        let Some(change) = update(current)? else {
            return Ok(inner.group_view(current, with_members));
        };
        let gid = current.id.clone();
        let old_name = current.display_name.clone();

        // Check everything first, so that a refused change leaves the team as it was.
        let (new_name, new_external, plan) = match change {
            GroupChange::Replace(draft) => {
                inner.check_group_name_free(&draft.display_name, Some(&gid))?;
                let members = inner.existing_users(&draft.members)?;
                (
                    Some(draft.display_name),
                    Some(draft.external_id),
                    vec![MemberPlan::Set(members)],
                )
            }
            GroupChange::Edit { display_name, ops } => {
                if let Some(n) = &display_name {
                    inner.check_group_name_free(n, Some(&gid))?;
                }
                let mut plan = Vec::with_capacity(ops.len());
                for op in ops {
                    plan.push(match op {
                        MemberOp::Add(ids) => MemberPlan::Add(inner.existing_users(&ids)?),
                        MemberOp::Remove(id) => MemberPlan::Remove(id),
                        MemberOp::Clear => MemberPlan::Set(IndexSet::new()),
                    });
                }
                (display_name, None, plan)
            }
        };

        // Apply the membership plan, noting whether each user it touches was a member before,
        // so that a plan that ends where it began (replace with the same list; add then
        // remove a non-member) changes nothing, not even the version.
        let (joined, left) = {
            let group = inner.groups.get_mut(&gid).ok_or(StoreError::NotFound)?;
            let mut before: IndexMap<Id, bool> = IndexMap::new();
            for step in plan {
                match step {
                    MemberPlan::Add(ids) => {
                        for m in ids {
                            before
                                .entry(m.clone())
                                .or_insert_with(|| group.members.contains(&m));
                            group.members.insert(m);
                        }
                    }
                    MemberPlan::Remove(m) => {
                        // Removing a non-member touches nothing worth tracking.
                        if let Some((_, id)) = group.members.shift_remove_full(m.as_str()) {
                            before.entry(id).or_insert(true);
                        }
                    }
                    MemberPlan::Set(ids) => {
                        let old = std::mem::replace(&mut group.members, ids);
                        for m in old {
                            before.entry(m).or_insert(true);
                        }
                        for m in &group.members {
                            if !before.contains_key(m) {
                                before.insert(m.clone(), false);
                            }
                        }
                    }
                }
            }
            let mut joined: Vec<Id> = Vec::new();
            let mut left: Vec<Id> = Vec::new();
            for (m, was) in before {
                match (was, group.members.contains(&m)) {
                    (false, true) => joined.push(m),
                    (true, false) => left.push(m),
                    _ => {}
                }
            }
            (joined, left)
        };
        let members_changed = !joined.is_empty() || !left.is_empty();
        for m in &joined {
            inner.join(m, &gid);
        }
        for m in &left {
            inner.leave(m, &gid);
        }

        let renamed = new_name.as_ref().is_some_and(|n| *n != old_name);
        let external_changed = new_external
            .as_ref()
            .is_some_and(|x| *x != inner.groups[&gid].external_id);
        if renamed && let Some(n) = &new_name {
            inner.rename_group(&gid, &old_name, n);
        }
        if external_changed && let Some(x) = &new_external {
            let old = inner.groups[&gid].external_id.clone();
            index_remove(&mut inner.group_by_external, old.as_ref(), &gid);
            index_add(&mut inner.group_by_external, x.as_ref(), &gid);
        }
        if members_changed || renamed || external_changed {
            let version = inner.next_version();
            if renamed {
                // Members' `groups` show the team's name.
                let members: Vec<Id> = inner.groups[&gid].members.iter().cloned().collect();
                for m in &members {
                    inner.bump_user(m);
                }
            }
            let group = inner.groups.get_mut(&gid).ok_or(StoreError::NotFound)?;
            if let Some(n) = new_name {
                group.display_name = n;
            }
            if let Some(x) = new_external {
                group.external_id = x;
            }
            group.modified = moved_on(group.modified, now);
            group.version = version;
        }
        let inner = &*inner;
        Ok(inner.group_view(&inner.groups[&gid], with_members))
    }

    fn delete_group(&self, id: &str, check: DeleteCheck<'_, GroupView>) -> Result<(), StoreError> {
        let mut inner = self.write();
        let current = inner.groups.get(id).ok_or(StoreError::NotFound)?;
        check(&inner.group_view(current, false))?;
        let Some(record) = inner.groups.remove(id) else {
            return Err(StoreError::NotFound);
        };
        inner
            .group_by_name
            .remove(fold(&record.display_name).as_ref());
        index_remove(
            &mut inner.group_by_external,
            record.external_id.as_ref(),
            &record.id,
        );
        order_remove(&mut inner.group_order, record.seq);
        for m in &record.members {
            inner.leave(m, &record.id);
        }
        Ok(())
    }

    fn query_groups(&self, query: &Query<'_, GroupView>) -> Page<Rendered<GroupView>> {
        let inner = self.read();
        let table = Table {
            by_id: &inner.groups,
            order: &inner.group_order,
            by_name: &inner.group_by_name,
            by_external: &inner.group_by_external,
        };
        table.query(
            query,
            |g| inner.group_view(g, query.with_members),
            |g| g.seq,
        )
    }

    fn counts(&self) -> (usize, usize) {
        let inner = self.read();
        (inner.users.len(), inner.groups.len())
    }
}

/// A checked membership change, ready to apply.
enum MemberPlan {
    Add(IndexSet<Id>),
    Remove(String),
    Set(IndexSet<Id>),
}

/// A changed resource's new `meta.lastModified`: now, and always after the previous one, so
/// that a change within the clock's millisecond still moves it forward (RFC 7643 §3.1: "The
/// most recent DateTime that the details of this resource were updated").
fn moved_on(previous: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    now.max(previous + chrono::Duration::milliseconds(1))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use std::sync::Arc;

    use super::{MemoryStore, moved_on};
    use crate::store::{GroupDraft, Store, UserFields};

    fn alice() -> UserFields {
        UserFields {
            user_name: "alice@example.com".into(),
            email: "alice@example.com".into(),
            email_type: None,
            given_name: Some("Alice".into()),
            family_name: None,
            active: true,
            role: None,
            external_id: None,
        }
    }

    /// Views share the stored record; a change made while one is held must copy the record,
    /// not change what the holder is rendering.
    #[test]
    fn a_view_held_across_an_update_keeps_what_it_saw() {
        let store = MemoryStore::new();
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let id = store.insert_user(alice(), t).unwrap().user.id.clone();
        let held = store.user(&id).unwrap();
        let renamed = UserFields {
            given_name: Some("Alicia".into()),
            ..alice()
        };
        let after = store
            .update_user(&id, &mut |_| Ok(Some(renamed.clone())), t)
            .unwrap();
        assert_eq!(held.user.fields, alice());
        assert_eq!(after.user.fields, renamed);
        assert!(after.user.version > held.user.version);
        assert_eq!(store.user(&id).unwrap().user.fields, renamed);
    }

    /// With no view held, a change is made in place: a copy per update would undo what
    /// sharing the record saves.
    #[test]
    fn a_change_nobody_is_reading_does_not_copy_the_record() {
        let store = MemoryStore::new();
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let id = store.insert_user(alice(), t).unwrap().user.id.clone();
        let at = |store: &MemoryStore| Arc::as_ptr(&store.user(&id).unwrap().user);
        let before = at(&store);
        let renamed = UserFields {
            given_name: Some("Alicia".into()),
            ..alice()
        };
        drop(
            store
                .update_user(&id, &mut |_| Ok(Some(renamed.clone())), t)
                .unwrap(),
        );
        assert_eq!(at(&store), before, "update_user copied the record");
        // Joining a team moves the user's version (`bump_user`).
        let draft = GroupDraft {
            display_name: "Team".into(),
            external_id: None,
            members: vec![id.to_string()],
        };
        store.insert_group(draft, t).unwrap();
        assert_eq!(at(&store), before, "a team join copied the record");
        assert_eq!(store.user(&id).unwrap().groups.len(), 1);
    }

    #[test]
    fn last_modified_moves_forward_even_within_the_clocks_millisecond() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        assert_eq!(moved_on(t, t), t + Duration::milliseconds(1));
        assert_eq!(
            moved_on(t, t - Duration::seconds(5)),
            t + Duration::milliseconds(1)
        );
        assert_eq!(
            moved_on(t, t + Duration::seconds(5)),
            t + Duration::seconds(5)
        );
    }
}
