//! Groups: Okta groups and their members, group assignments, and Group Push (okta-wire §2h).

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::Value;

use crate::bodies::{self, Group, Member, Operation, Patch, Rename};
use crate::client::ScimClient;
use crate::engine::{ActionError, ActionReport, MockOkta, Outcome, accepted, failure};
use crate::model::{
    Assignment, ClientMode, GroupAssignment, OktaGroup, RetryAction, TaskKind, UserStatus,
};

pub(crate) fn worst(a: Outcome, b: Outcome) -> Outcome {
    match (&a, &b) {
        (Outcome::TaskOpened { .. } | Outcome::Failed { .. }, _) => a,
        (_, Outcome::TaskOpened { .. } | Outcome::Failed { .. }) => b,
        (Outcome::Succeeded, _) | (_, Outcome::Succeeded) => Outcome::Succeeded,
        _ => a,
    }
}

impl MockOkta {
    fn group_ref(&self, name: &str) -> Result<OktaGroup, ActionError> {
        self.org
            .group(name)
            .cloned()
            .ok_or_else(|| ActionError::UnknownGroup(name.to_owned()))
    }

    /// Adds a group to the Okta org, with these members (logins or ids): an org change, so
    /// nothing is sent (a later assignment or push of the group sends its members).
    pub fn create_group(&mut self, name: &str, members: &[&str]) -> Result<OktaGroup, ActionError> {
        if self.org.group(name).is_some() {
            return Err(ActionError::NotApplicable(format!(
                "an Okta group {name:?} already exists"
            )));
        }
        let members = members
            .iter()
            .map(|m| self.user_ref(m).map(|u| u.id))
            .collect::<Result<Vec<_>, _>>()?;
        let group = OktaGroup {
            id: self.org.ids.okta_id("00g"),
            name: name.to_owned(),
            members,
        };
        self.org
            .event(format!("Okta group {name} created ({})", group.id));
        self.org.groups.push(group.clone());
        Ok(group)
    }

    /// A user as Okta pushes it in a group, if it is assigned to the app and provisioned
    /// (okta-wire §2h): `{value: <SCIM id>, display: <app username>}`.
    fn member(&self, user_id: &str) -> Option<Member> {
        let value = self.org.assignment(user_id)?.scim_id.clone()?;
        let user = self.org.user(user_id)?;
        Some(Member {
            value,
            display: self.org.app_username(user),
        })
    }

    /// The members Okta pushes for a group: those provisioned in the app. The org's users
    /// and assignments are indexed once, so a 10,000-member group costs 10,000 lookups, not
    /// 10,000 scans of every assignment.
    pub(crate) fn pushable(&self, group: &OktaGroup) -> Vec<Member> {
        let assigned: std::collections::HashMap<&str, &str> = self
            .org
            .app
            .assignments
            .iter()
            .filter_map(|a| Some((a.user_id.as_str(), a.scim_id.as_deref()?)))
            .collect();
        let users: std::collections::HashMap<&str, &crate::model::OktaUser> =
            self.org.users.iter().map(|u| (u.id.as_str(), u)).collect();
        group
            .members
            .iter()
            .filter_map(|uid| {
                let value = (*assigned.get(uid.as_str())?).to_owned();
                let user = users.get(uid.as_str())?;
                Some(Member {
                    value,
                    display: self.org.app_username(user),
                })
            })
            .collect()
    }

    pub(crate) fn pushed_id(&self, group_id: &str) -> Option<String> {
        self.org
            .app
            .pushed_groups
            .iter()
            .find(|p| p.group_id == group_id)
            .map(|p| p.scim_id.clone())
    }

    /// Adds a user to an Okta group. If the group is assigned to the app, the user is
    /// assigned (and provisioned); if the group is pushed, the membership change is pushed.
    pub async fn add_group_member(
        &mut self,
        group: &str,
        login: &str,
    ) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        if g.members.contains(&user.id) {
            return Err(ActionError::NotApplicable(format!(
                "{login} is already in {group}"
            )));
        }
        self.begin();
        if let Some(og) = self.org.groups.iter_mut().find(|x| x.id == g.id) {
            og.members.push(user.id.clone());
        }
        self.org
            .event(format!("{login} added to Okta group {}", g.name));
        let mut outcome = Outcome::NothingSent {
            reason: "the group is neither assigned nor pushed".into(),
        };
        if self
            .org
            .app
            .group_assignments
            .iter()
            .any(|ga| ga.group_id == g.id)
            && user.status == UserStatus::Active
        {
            outcome = worst(outcome, self.assign_through_groups(&user.id).await);
        }
        if let Some(scim_id) = self.pushed_id(&g.id) {
            let added: Vec<Member> = self.member(&user.id).into_iter().collect();
            outcome = worst(
                outcome,
                self.push_membership_change(&g.id, &scim_id, &[], &added)
                    .await,
            );
        }
        Ok(self.finish("add-group-member", outcome))
    }

    /// Removes a user from an Okta group: it leaves a pushed group, and loses an assignment
    /// it had only through this group (its app user is deactivated).
    pub async fn remove_group_member(
        &mut self,
        group: &str,
        login: &str,
    ) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        if !g.members.contains(&user.id) {
            return Err(ActionError::NotApplicable(format!(
                "{login} is not in {group}"
            )));
        }
        self.begin();
        let removed_scim = self
            .org
            .assignment(&user.id)
            .and_then(|a| a.scim_id.clone());
        if let Some(og) = self.org.groups.iter_mut().find(|x| x.id == g.id) {
            og.members.retain(|m| *m != user.id);
        }
        self.org
            .event(format!("{login} removed from Okta group {}", g.name));
        let mut outcome = Outcome::NothingSent {
            reason: "the group is neither assigned nor pushed".into(),
        };
        if let Some(scim_id) = self.pushed_id(&g.id)
            && let Some(removed) = removed_scim
        {
            outcome = worst(
                outcome,
                self.push_membership_change(&g.id, &scim_id, &[removed], &[])
                    .await,
            );
        }
        let lost = match self.org.assignment_mut(&user.id) {
            Some(a) if a.via_groups.contains(&g.id) => {
                a.via_groups.retain(|x| *x != g.id);
                !a.direct && a.via_groups.is_empty()
            }
            _ => false,
        };
        if lost {
            outcome = worst(outcome, self.deprovision(&user.id).await);
            self.org.app.assignments.retain(|a| a.user_id != user.id);
        }
        Ok(self.finish("remove-group-member", outcome))
    }

    /// Assign > Assign to Groups: every active member is assigned with the group assignment's
    /// attribute values (a direct assignment's own values win), then provisioned; with
    /// "teams from group assignments" on, the group is then pushed as a team.
    pub async fn assign_group(
        &mut self,
        group: &str,
        attributes: BTreeMap<String, String>,
    ) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        self.begin();
        match self
            .org
            .app
            .group_assignments
            .iter_mut()
            .find(|ga| ga.group_id == g.id)
        {
            Some(ga) => ga.attributes = attributes,
            None => self.org.app.group_assignments.push(GroupAssignment {
                group_id: g.id.clone(),
                attributes,
            }),
        }
        self.org.event(format!(
            "group {} assigned to {}",
            g.name, self.org.app.label
        ));
        let mut joined: Vec<String> = Vec::new();
        for uid in &g.members {
            let active = self
                .org
                .user(uid)
                .is_some_and(|u| u.status == UserStatus::Active);
            if active && self.join_group_assignments(uid) {
                joined.push(uid.clone());
            }
        }
        let no_members = Outcome::NothingSent {
            reason: "the group has no active members".into(),
        };
        // The latest Fivetran app makes a team of an assigned group (inference 20).
        let make_team = self.org.app.teams_from_group_assignments
            && self.org.app.api.enabled
            && self.pushed_id(&g.id).is_none();
        let at_once = self.org.app.provisioning_concurrency > 1;
        let outcome = if make_team && at_once && !self.still_to_create(&joined).is_empty() {
            worst(no_members, self.provision_beside_team(&g, &joined).await)
        } else {
            let mut outcome = worst(no_members, self.provision_many(&joined).await);
            if make_team {
                // One task after another: the team is pushed once its members exist.
                outcome = worst(outcome, self.push_group_now(&g.id).await);
            }
            outcome
        };
        Ok(self.finish("assign-group", outcome))
    }

    /// Gives a user the assignments its assigned groups imply, and provisions it.
    pub(crate) async fn assign_through_groups(&mut self, user_id: &str) -> Outcome {
        if !self.join_group_assignments(user_id) {
            return Outcome::NothingSent {
                reason: "the user is not assigned to the app".into(),
            };
        }
        self.provision_assigned(user_id).await
    }

    /// Gives a user the assignments its assigned groups imply; `false` when none does.
    fn join_group_assignments(&mut self, user_id: &str) -> bool {
        let groups: Vec<(String, BTreeMap<String, String>)> = self
            .org
            .app
            .group_assignments
            .iter()
            .filter(|ga| {
                self.org
                    .group(&ga.group_id)
                    .is_some_and(|g| g.members.iter().any(|m| m == user_id))
            })
            .map(|ga| (ga.group_id.clone(), ga.attributes.clone()))
            .collect();
        if groups.is_empty() {
            return false;
        }
        if self.org.assignment(user_id).is_none() {
            self.org.app.assignments.push(Assignment {
                user_id: user_id.to_owned(),
                attributes: BTreeMap::new(),
                direct: false,
                via_groups: Vec::new(),
                scim_id: None,
                app_active: false,
            });
        }
        if let Some(a) = self.org.assignment_mut(user_id) {
            for (gid, attrs) in groups {
                if !a.via_groups.contains(&gid) {
                    a.via_groups.push(gid);
                }
                // A direct assignment's own values win; groups only fill what it lacks.
                if !a.direct {
                    for (k, v) in attrs {
                        a.attributes.entry(k).or_insert(v);
                    }
                }
            }
        }
        true
    }

    /// Push Groups: finds the app group (from the last import when Import Groups is on, else
    /// by `displayName eq`), or creates it; then reconciles its name and pushes its members.
    pub async fn push_group(&mut self, group: &str) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        self.begin();
        let outcome = self.push_group_now(&g.id).await;
        Ok(self.finish("push-group", outcome))
    }

    /// Push Now: the whole member list (PATCH `replace` of `members`, or GET then PUT).
    pub async fn push_now(&mut self, group: &str) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        if self.pushed_id(&g.id).is_none() {
            return Err(ActionError::NotApplicable(format!("{group} is not pushed")));
        }
        self.begin();
        let outcome = self.push_members_now(&g.id).await;
        Ok(self.finish("push-now", outcome))
    }

    pub(crate) async fn push_members_now(&mut self, group_id: &str) -> Outcome {
        let (Some(g), Some(scim_id)) =
            (self.org.group(group_id).cloned(), self.pushed_id(group_id))
        else {
            return Outcome::NothingSent {
                reason: "the group is not pushed".into(),
            };
        };
        match self.org.app.mode {
            ClientMode::OinPatch => {
                // The whole list as `replace`, in batches: the first batch replaces, the
                // rest are added (inference 19).
                let members = self.pushable(&g);
                let batch = self.org.app.group_patch_batch_size.max(1);
                let mut batches: Vec<&[Member]> = members.chunks(batch).collect();
                if batches.is_empty() {
                    batches.push(&[]);
                }
                for (i, chunk) in batches.into_iter().enumerate() {
                    let op = if i == 0 { "replace" } else { "add" };
                    let body = Patch::new(vec![Operation {
                        op,
                        path: Some("members".into()),
                        value: Some(chunk.to_vec()),
                    }]);
                    if let Err(detail) = self.send_membership_patch(&scim_id, &body).await {
                        return self.group_failed(&g, &detail);
                    }
                    // Every membership update is followed by a GET and the name PATCH.
                    if let Err(detail) = self.after_membership_update(&g, &scim_id).await {
                        return self.group_failed(&g, &detail);
                    }
                }
                self.group_result(&g, Ok(()), "pushed")
            }
            // Push Now in PUT mode is GET×2 → PUT×2 in the captures (okta-wire §2h, OBS
            // LAB-KR1 §14): two GETs, then two PUTs of the whole list (inference 21).
            ClientMode::AiwPut => self.get_twice_then_put_twice(group_id, &scim_id).await,
        }
    }

    /// Push Now in `aiw-put`: the group's GET twice, then its PUT twice, with the same list.
    async fn get_twice_then_put_twice(&mut self, group_id: &str, scim_id: &str) -> Outcome {
        let Some(g) = self.org.group(group_id).cloned() else {
            return Outcome::NothingSent {
                reason: "the group no longer exists in Okta".into(),
            };
        };
        let path = format!("/Groups/{scim_id}");
        for _ in 0..2 {
            let got = self.client.get(&path).await;
            if !got.as_ref().is_ok_and(|r| r.status == 200) {
                return self.group_failed(&g, &failure(&got));
            }
        }
        let members = self.pushable(&g);
        let body = bodies::to_bytes(&Group::new(&g.name, &members));
        for _ in 0..2 {
            let r = self.client.send(Method::PUT, &path, Some(&body)).await;
            if let Err(detail) = accepted(&r) {
                return self.group_failed(&g, &detail);
            }
        }
        self.group_result(&g, Ok(()), "pushed")
    }

    /// The end of a group push: an event on success (`group <name> <what>`), else a Group
    /// Push task.
    fn group_result(&mut self, g: &OktaGroup, result: Result<(), String>, what: &str) -> Outcome {
        match result {
            Ok(()) => {
                self.org.event(format!("group {} {what}", g.name));
                Outcome::Succeeded
            }
            Err(detail) => self.group_failed(g, &detail),
        }
    }

    /// A failed group push: a Group Push task whose Retry pushes the group again.
    pub(crate) fn group_failed(&mut self, g: &OktaGroup, detail: &str) -> Outcome {
        let message = format!(
            "Push group {} to app {} failed: {detail}",
            g.name, self.org.app.label
        );
        self.task(
            TaskKind::GroupPush,
            &g.name,
            message,
            Some(RetryAction::PushGroup(g.id.clone())),
        )
    }

    async fn patch_rename(&mut self, scim_id: &str, name: &str) -> Result<(), String> {
        patch_rename(&mut self.client, scim_id, name).await
    }

    /// `aiw-put`: GET the group, then PUT Okta's name and member list.
    pub(crate) async fn get_then_put_group(&mut self, group_id: &str, scim_id: &str) -> Outcome {
        let Some(g) = self.org.group(group_id).cloned() else {
            return Outcome::NothingSent {
                reason: "the group no longer exists in Okta".into(),
            };
        };
        let path = format!("/Groups/{scim_id}");
        let got = self.client.get(&path).await;
        if !got.as_ref().is_ok_and(|r| r.status == 200) {
            return self.group_failed(&g, &failure(&got));
        }
        let members = self.pushable(&g);
        let body = Group::new(&g.name, &members);
        let r = self
            .client
            .send(Method::PUT, &path, Some(&bodies::to_bytes(&body)))
            .await;
        self.group_result(&g, accepted(&r).map(|_| ()), "pushed")
    }

    /// A membership change of a pushed group: in `oin-patch`, one PATCH with a `remove` per
    /// leaving member and an `add` of the joining ones, then GET and the name PATCH that
    /// follows every membership update (okta-wire §2h); in `aiw-put`, GET then PUT.
    pub(crate) async fn push_membership_change(
        &mut self,
        group_id: &str,
        scim_id: &str,
        removed: &[String],
        added: &[Member],
    ) -> Outcome {
        let Some(g) = self.org.group(group_id).cloned() else {
            return Outcome::NothingSent {
                reason: "the group no longer exists in Okta".into(),
            };
        };
        // Nothing to change (a member joined who is not provisioned in the app): nothing is
        // sent, in either mode (inference 21).
        if removed.is_empty() && added.is_empty() {
            return Outcome::NothingSent {
                reason: "no provisioned member changed".into(),
            };
        }
        if self.org.app.mode == ClientMode::AiwPut {
            return self.get_then_put_group(group_id, scim_id).await;
        }
        // At most "Group Patch Batch Size" member changes per PATCH: the removals first, then
        // the additions, each PATCH with its removals before its one `add`.
        let batch = self.org.app.group_patch_batch_size.max(1);
        let changes: Vec<Change<'_>> = removed
            .iter()
            .map(Change::Remove)
            .chain(added.iter().map(Change::Add))
            .collect();
        for chunk in changes.chunks(batch) {
            let mut ops: Vec<Operation<Vec<Member>>> = Vec::new();
            let mut joining: Vec<Member> = Vec::new();
            for c in chunk {
                match c {
                    Change::Remove(id) => ops.push(Operation {
                        op: "remove",
                        path: Some(format!("members[value eq {}]", Value::from(id.as_str()))),
                        value: None,
                    }),
                    Change::Add(m) => joining.push((*m).clone()),
                }
            }
            if !joining.is_empty() {
                ops.push(Operation {
                    op: "add",
                    path: Some("members".into()),
                    value: Some(joining),
                });
            }
            if let Err(detail) = self.send_membership_patch(scim_id, &Patch::new(ops)).await {
                return self.group_failed(&g, &detail);
            }
            if let Err(detail) = self.after_membership_update(&g, scim_id).await {
                return self.group_failed(&g, &detail);
            }
        }
        self.group_result(&g, Ok(()), "membership pushed")
    }

    /// One membership PATCH of a pushed group.
    async fn send_membership_patch(
        &mut self,
        scim_id: &str,
        body: &Patch<Vec<Member>>,
    ) -> Result<(), String> {
        let path = format!("/Groups/{scim_id}");
        let r = self
            .client
            .send(Method::PATCH, &path, Some(&bodies::to_bytes(body)))
            .await;
        accepted(&r).map(|_| ())
    }

    /// What follows every membership PATCH in `oin-patch` mode: `GET /Groups/{id}`, then the
    /// name PATCH (okta-wire §2h: "The group name update operation is triggered each time
    /// there's a group membership update operation").
    async fn after_membership_update(
        &mut self,
        g: &OktaGroup,
        scim_id: &str,
    ) -> Result<(), String> {
        let got = self.client.get(&format!("/Groups/{scim_id}")).await;
        if !got.as_ref().is_ok_and(|r| r.status == 200) {
            return Err(failure(&got));
        }
        self.patch_rename(scim_id, &g.name).await
    }

    /// Renames an Okta group; a pushed group is renamed in the app.
    pub async fn rename_group(
        &mut self,
        group: &str,
        new_name: &str,
    ) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        self.begin();
        if let Some(og) = self.org.groups.iter_mut().find(|x| x.id == g.id) {
            og.name = new_name.to_owned();
        }
        self.org
            .event(format!("Okta group {} renamed to {new_name}", g.name));
        let outcome = match self.pushed_id(&g.id) {
            None => Outcome::NothingSent {
                reason: "the group is not pushed".into(),
            },
            Some(scim_id) => match self.org.app.mode {
                ClientMode::OinPatch => {
                    let r = self.patch_rename(&scim_id, new_name).await;
                    let renamed = self.group_ref(&g.id)?;
                    self.group_result(&renamed, r, "renamed")
                }
                ClientMode::AiwPut => self.get_then_put_group(&g.id, &scim_id).await,
            },
        };
        Ok(self.finish("rename-group", outcome))
    }

    /// Unlinks a pushed group, keeping the app group or deleting it (DELETE).
    pub async fn unlink_group(
        &mut self,
        group: &str,
        delete: bool,
    ) -> Result<ActionReport, ActionError> {
        let g = self.group_ref(group)?;
        let Some(scim_id) = self.pushed_id(&g.id) else {
            return Err(ActionError::NotApplicable(format!("{group} is not pushed")));
        };
        self.begin();
        self.org.app.pushed_groups.retain(|p| p.group_id != g.id);
        let outcome = if delete {
            let r = self
                .client
                .send(Method::DELETE, &format!("/Groups/{scim_id}"), None)
                .await;
            match accepted(&r) {
                Ok(_) => {
                    self.org
                        .event(format!("group {} deleted in the app", g.name));
                    Outcome::Succeeded
                }
                Err(detail) => {
                    // The link is gone, so there is nothing to retry from Okta.
                    let message = format!(
                        "Deleting group {} in app {} failed: {detail}",
                        g.name, self.org.app.label
                    );
                    self.task(TaskKind::GroupPush, &g.name, message, None)
                }
            }
        } else {
            self.org
                .event(format!("group {} unlinked; the app group stays", g.name));
            Outcome::NothingSent {
                reason: "unlinking and keeping the app group sends nothing".into(),
            }
        };
        Ok(self.finish("unlink-group", outcome))
    }
}

/// One member change of a membership PATCH.
enum Change<'a> {
    Remove(&'a String),
    Add(&'a Member),
}

/// The name PATCH Okta sends after creating a group and after every membership update
/// (okta-wire §2h): `replace` with no path, of `id` and `displayName`.
pub(crate) async fn patch_rename(
    client: &mut ScimClient,
    scim_id: &str,
    name: &str,
) -> Result<(), String> {
    let body = Patch::new(vec![Operation {
        op: "replace",
        path: None,
        value: Some(Rename {
            id: scim_id,
            display_name: name,
        }),
    }]);
    let r = client
        .send(
            Method::PATCH,
            &format!("/Groups/{scim_id}"),
            Some(&bodies::to_bytes(&body)),
        )
        .await;
    accepted(&r).map(|_| ())
}
