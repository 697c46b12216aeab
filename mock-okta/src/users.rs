//! User flows: assignment, profile push, deactivation, reactivation, suspension, Provision
//! User (okta-wire §2b to §2f); the lookup and create themselves are in `provision.rs`.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::bodies::{self, Active, Operation, Patch};
use crate::client::lookup_query;
use crate::engine::{ActionError, ActionReport, MockOkta, Outcome, accepted, failure};
use crate::mapping;
use crate::model::{Assignment, ClientMode, OktaUser, RetryAction, TaskKind, UserStatus};

/// A change to an Okta user's profile. `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileChange {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Okta username.
    pub login: Option<String>,
}

/// A new Okta user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    /// Username (email-shaped).
    pub login: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email; the login when `None`.
    pub email: Option<String>,
}

impl MockOkta {
    pub(crate) fn user_ref(&self, login: &str) -> Result<OktaUser, ActionError> {
        self.org
            .user(login)
            .cloned()
            .ok_or_else(|| ActionError::UnknownUser(login.to_owned()))
    }

    /// Adds a user to the Okta org (nothing is sent).
    pub fn create_user(&mut self, new: NewUser) -> Result<OktaUser, ActionError> {
        if self.org.user(&new.login).is_some() {
            return Err(ActionError::NotApplicable(format!(
                "an Okta user {:?} already exists",
                new.login
            )));
        }
        let user = OktaUser {
            id: self.org.ids.okta_id("00u"),
            email: new.email.unwrap_or_else(|| new.login.clone()),
            login: new.login,
            first_name: new.first_name,
            last_name: new.last_name,
            locale: None,
            status: UserStatus::Active,
        };
        self.org
            .event(format!("Okta user {} created ({})", user.login, user.id));
        self.org.users.push(user.clone());
        Ok(user)
    }

    /// Assign > Assign to People: assigns the app with app-user attribute values (`role`),
    /// then provisions: the `userName eq` lookup, then a POST, a link and profile push, or a
    /// reactivation. Respects Create Users; sends nothing while provisioning is off.
    pub async fn assign_user(
        &mut self,
        login: &str,
        attributes: BTreeMap<String, String>,
    ) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        if user.status != UserStatus::Active {
            return Err(ActionError::NotApplicable(format!(
                "{login} is not active in Okta"
            )));
        }
        self.begin();
        self.assign_directly(&user, attributes);
        let outcome = self.provision_assigned(&user.id).await;
        Ok(self.finish("assign-user", outcome))
    }

    /// Assign > Assign to People with several people chosen at once (or an API script
    /// assigning them one call after another): each is assigned with the same attribute
    /// values, then all are provisioned as one batch of tasks, which run
    /// `provisioning_concurrency` at a time (inference 22). Every user must be active in
    /// Okta, or nothing is assigned.
    pub async fn assign_users(
        &mut self,
        logins: &[String],
        attributes: BTreeMap<String, String>,
    ) -> Result<ActionReport, ActionError> {
        let mut users = Vec::with_capacity(logins.len());
        for login in logins {
            let user = self.user_ref(login)?;
            if user.status != UserStatus::Active {
                return Err(ActionError::NotApplicable(format!(
                    "{} is not active in Okta",
                    user.login
                )));
            }
            users.push(user);
        }
        self.begin();
        let mut ids: Vec<String> = Vec::with_capacity(users.len());
        for user in &users {
            // One login given twice is one assignment and one task.
            if !ids.contains(&user.id) {
                self.assign_directly(user, attributes.clone());
                ids.push(user.id.clone());
            }
        }
        let outcome = self.provision_many(&ids).await;
        Ok(self.finish("assign-users", outcome))
    }

    /// Makes (or marks) a user's direct assignment, with these attribute values.
    fn assign_directly(&mut self, user: &OktaUser, attributes: BTreeMap<String, String>) {
        match self.org.assignment_mut(&user.id) {
            Some(a) => {
                a.direct = true;
                a.attributes.extend(attributes);
            }
            None => self.org.app.assignments.push(Assignment {
                user_id: user.id.clone(),
                attributes,
                direct: true,
                via_groups: Vec::new(),
                scim_id: None,
                app_active: false,
            }),
        }
        self.org
            .event(format!("{} assigned to {}", user.login, self.org.app.label));
    }

    /// Provisions (or re-syncs) an assigned user, as the switches allow.
    pub(crate) async fn provision_assigned(&mut self, user_id: &str) -> Outcome {
        if !self.org.app.api.enabled {
            return Outcome::NothingSent {
                reason: "provisioning is not enabled; the assignment waits for Provision User"
                    .into(),
            };
        }
        match self.org.assignment(user_id) {
            Some(a) if a.scim_id.is_some() && a.app_active => self.push_profile(user_id).await,
            Some(a) if a.scim_id.is_some() => self.reactivate_in_app(user_id, false).await,
            Some(_) if !self.org.app.to_app.create_users => Outcome::NothingSent {
                reason: "Create Users is off".into(),
            },
            Some(_) => self.provision(user_id).await,
            None => Outcome::NothingSent {
                reason: "the user is not assigned".into(),
            },
        }
    }

    /// A failed provisioning: a task with Retry, saying why.
    pub(crate) fn provisioning_failed(&mut self, user: &OktaUser, detail: &str) -> Outcome {
        let message = format!(
            "Automatic provisioning of user {} to app {} failed: {detail}",
            user.login, self.org.app.label
        );
        self.task(
            TaskKind::Provisioning,
            &user.login,
            message,
            Some(RetryAction::Provision(user.id.clone())),
        )
    }

    /// A failed profile push: a task, with Retry unless retrying cannot help.
    fn profile_push_failed(&mut self, user: &OktaUser, detail: &str, retry: bool) -> Outcome {
        let message = format!(
            "Automatic profile push of user {} to app {} failed: Error while trying to update user {}: {detail}",
            user.login, self.org.app.label, user.login
        );
        let retry = retry.then(|| RetryAction::PushProfile(user.id.clone()));
        self.task(TaskKind::ProfilePush, &user.login, message, retry)
    }

    /// Writes the user's app-user attribute values into a body, by the app's mappings. Returns
    /// the top-level keys written, in mapping order.
    pub(crate) fn apply_mappings(
        &self,
        user_id: &str,
        body: &mut Map<String, Value>,
    ) -> Vec<String> {
        let mut order: Vec<String> = Vec::new();
        let Some(a) = self.org.assignment(user_id) else {
            return order;
        };
        for m in &self.org.app.mappings {
            let Some(value) = a.attributes.get(&m.attribute).filter(|v| !v.is_empty()) else {
                continue;
            };
            let Ok(target) = mapping::parse(&m.external_name) else {
                continue;
            };
            mapping::apply(body, &m.external_namespace, &target, value);
            let key = if scim_core::urn::eq(&m.external_namespace, scim_core::urn::USER) {
                target.attribute().to_owned()
            } else {
                m.external_namespace.clone()
            };
            if !order.contains(&key) {
                order.push(key);
            }
        }
        order
    }

    /// The server's user merged with Okta's mapped values: read-modify-write, so whatever the
    /// server returned goes back (okta-wire §2d).
    fn merged(&self, user: &OktaUser, server: Map<String, Value>) -> Map<String, Value> {
        let mut body = server;
        body.insert(
            "userName".into(),
            Value::String(self.org.app_username(user)),
        );
        let name = body
            .entry("name")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(n) = name {
            for (k, v) in [
                ("givenName", &user.first_name),
                ("familyName", &user.last_name),
            ] {
                if !v.is_empty() {
                    n.insert(k.into(), Value::String(v.clone()));
                }
            }
        }
        let emails = body
            .entry("emails")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = emails {
            let at = items
                .iter()
                .position(|e| e.get("primary") == Some(&Value::Bool(true)))
                .or(if items.is_empty() { None } else { Some(0) });
            match at
                .and_then(|i| items.get_mut(i))
                .and_then(Value::as_object_mut)
            {
                Some(e) => {
                    e.insert("value".into(), Value::String(user.email.clone()));
                }
                None => items.push(json!({"primary": true, "value": user.email, "type": "work"})),
            }
        }
        if body.contains_key("displayName") {
            body.insert("displayName".into(), Value::String(user.display_name()));
        }
        self.apply_mappings(&user.id, &mut body);
        // `active` is Okta's to say: the PUT is Okta's view of the app user (the DOC sample
        // carries `"active": true`), so a push after a reactivation cannot undo it.
        if let Some(a) = self.org.assignment(&user.id) {
            body.insert("active".into(), Value::Bool(a.app_active));
        }
        body
    }

    /// GET the user, then PUT it back with Okta's values (both modes; okta-wire §2d). A 404 on
    /// the GET halts the push: no re-search, no re-create.
    pub(crate) async fn push_profile(&mut self, user_id: &str) -> Outcome {
        if !self.org.app.to_app.update_user_attributes {
            return Outcome::NothingSent {
                reason: "Update User Attributes is off".into(),
            };
        }
        let Some((user, scim_id)) = self.provisioned(user_id) else {
            return Outcome::NothingSent {
                reason: "the user is not provisioned".into(),
            };
        };
        let label = self.org.app.label.clone();
        let path = format!("/Users/{scim_id}");
        let got = self.client.get(&path).await;
        let server = match &got {
            Ok(r) if r.status == 200 => r.json.as_ref().and_then(Value::as_object).cloned(),
            _ => None,
        };
        let Some(server) = server else {
            if got.as_ref().is_ok_and(|r| r.status == 404) {
                let detail = "the app user was not found (404); the push halts, and Okta does not re-create it";
                return self.profile_push_failed(&user, detail, false);
            }
            return self.profile_push_failed(&user, &failure(&got), true);
        };
        let body = self.merged(&user, server);
        let put = self
            .client
            .send(Method::PUT, &path, Some(&bodies::to_bytes(&body)))
            .await;
        match accepted(&put) {
            Ok(_) => {
                self.org
                    .event(format!("profile of {} pushed to {label}", user.login));
                Outcome::Succeeded
            }
            Err(detail) => self.profile_push_failed(&user, &detail, true),
        }
    }

    fn provisioned(&self, user_id: &str) -> Option<(OktaUser, String)> {
        let scim_id = self.org.assignment(user_id)?.scim_id.clone()?;
        Some((self.org.user(user_id)?.clone(), scim_id))
    }

    /// Sets the app user's `active`: PATCH `{"op":"replace","value":{"active":...}}` in
    /// `oin-patch`, GET then PUT in `aiw-put` (okta-wire §2e, §2f).
    async fn set_app_active(&mut self, scim_id: &str, active: bool) -> Result<(), String> {
        let path = format!("/Users/{scim_id}");
        match self.org.app.mode {
            ClientMode::OinPatch => {
                let body = Patch::new(vec![Operation {
                    op: "replace",
                    path: None,
                    value: Some(Active { active }),
                }]);
                let r = self
                    .client
                    .send(Method::PATCH, &path, Some(&bodies::to_bytes(&body)))
                    .await;
                accepted(&r).map(|_| ())
            }
            ClientMode::AiwPut => {
                let got = self.client.get(&path).await;
                let Some(mut body) = got
                    .as_ref()
                    .ok()
                    .filter(|r| r.status == 200)
                    .and_then(|r| r.json.clone())
                else {
                    return Err(failure(&got));
                };
                if let Some(o) = body.as_object_mut() {
                    o.insert("active".into(), Value::Bool(active));
                }
                let r = self
                    .client
                    .send(Method::PUT, &path, Some(&bodies::to_bytes(&body)))
                    .await;
                accepted(&r).map(|_| ())
            }
        }
    }

    /// Reactivation in `aiw-put` mode: GET, then one PUT of the server's body with Okta's
    /// profile merged in and `active: true` (okta-wire, project additions: reassignment
    /// pushes the profile).
    async fn put_active_with_profile(
        &mut self,
        user: &OktaUser,
        scim_id: &str,
    ) -> Result<(), String> {
        let path = format!("/Users/{scim_id}");
        let got = self.client.get(&path).await;
        let Some(server) = got
            .as_ref()
            .ok()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json.as_ref())
            .and_then(Value::as_object)
            .cloned()
        else {
            return Err(failure(&got));
        };
        let mut body = if self.org.app.to_app.update_user_attributes {
            self.merged(user, server)
        } else {
            server
        };
        body.insert("active".into(), Value::Bool(true));
        let r = self
            .client
            .send(Method::PUT, &path, Some(&bodies::to_bytes(&body)))
            .await;
        accepted(&r).map(|_| ())
    }

    /// Deactivates the app user (unassignment, or the Okta user deactivated). Respects
    /// Deactivate Users; a failure makes a manual task with no Retry.
    pub(crate) async fn deprovision(&mut self, user_id: &str) -> Outcome {
        if !self.org.app.to_app.deactivate_users {
            return Outcome::NothingSent {
                reason: "Deactivate Users is off; the app user stays active".into(),
            };
        }
        let Some((user, scim_id)) = self.provisioned(user_id) else {
            return Outcome::NothingSent {
                reason: "the user was never provisioned".into(),
            };
        };
        let label = self.org.app.label.clone();
        match self.set_app_active(&scim_id, false).await {
            Ok(_) => {
                if let Some(a) = self.org.assignment_mut(user_id) {
                    a.app_active = false;
                }
                self.org
                    .event(format!("{} deactivated in {label}", user.login));
                Outcome::Succeeded
            }
            Err(detail) => {
                let message = format!(
                    "Application accounts need deprovisioning: deactivating {} in {label} failed: {detail}",
                    user.login
                );
                self.task(TaskKind::Deprovisioning, &user.login, message, None)
            }
        }
    }

    /// Reactivates the app user, keeping its id. In `aiw-put` mode without a fresh lookup,
    /// Okta first finds the user by `userName eq` (okta-wire §2f).
    pub(crate) async fn reactivate_in_app(&mut self, user_id: &str, looked_up: bool) -> Outcome {
        let Some((user, scim_id)) = self.provisioned(user_id) else {
            return Outcome::NothingSent {
                reason: "the user was never provisioned".into(),
            };
        };
        let label = self.org.app.label.clone();
        if self.org.app.mode == ClientMode::AiwPut && !looked_up {
            let path = format!(
                "/Users{}",
                lookup_query("userName", &self.org.app_username(&user))
            );
            let r = self.client.get(&path).await;
            if !r.as_ref().is_ok_and(|r| r.status == 200) {
                return self.provisioning_failed(&user, &failure(&r));
            }
        }
        let reactivated = match self.org.app.mode {
            ClientMode::OinPatch => self.set_app_active(&scim_id, true).await,
            ClientMode::AiwPut => self.put_active_with_profile(&user, &scim_id).await,
        };
        match reactivated {
            Ok(_) => {
                if let Some(a) = self.org.assignment_mut(user_id) {
                    a.app_active = true;
                }
                self.org
                    .event(format!("{} reactivated in {label} ({scim_id})", user.login));
                // Reactivation pushes the profile (okta-wire, project additions): in PATCH
                // mode a profile push follows, whether the PATCH answered the user or 204
                // (inference 1); in PUT mode the PUT already carried it.
                if self.org.app.mode == ClientMode::OinPatch
                    && self.org.app.to_app.update_user_attributes
                {
                    return self.push_profile(user_id).await;
                }
                Outcome::Succeeded
            }
            Err(detail) => self.provisioning_failed(&user, &detail),
        }
    }

    /// Changes a user's Okta profile (first name, last name, email, username) and, when the
    /// user is provisioned, pushes it: GET then PUT. Respects Update User Attributes.
    pub async fn update_user(
        &mut self,
        login: &str,
        change: ProfileChange,
    ) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        self.begin();
        if let Some(u) = self.org.users.iter_mut().find(|u| u.id == user.id) {
            if let Some(v) = change.first_name {
                u.first_name = v;
            }
            if let Some(v) = change.last_name {
                u.last_name = v;
            }
            if let Some(v) = change.email {
                u.email = v;
            }
            if let Some(v) = change.login {
                u.login = v;
            }
        }
        self.org.event(format!("Okta profile of {login} changed"));
        let outcome = self.push_profile(&user.id).await;
        Ok(self.finish("update-user", outcome))
    }

    /// Changes app-user attribute values (the Role) and pushes the profile: GET then PUT.
    pub async fn set_app_attributes(
        &mut self,
        login: &str,
        attributes: BTreeMap<String, String>,
    ) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        let Some(a) = self.org.assignment_mut(&user.id) else {
            return Err(ActionError::NotApplicable(format!(
                "{login} is not assigned to the app"
            )));
        };
        a.attributes.extend(attributes);
        self.begin();
        self.org.event(format!("app attributes of {login} changed"));
        let outcome = self.push_profile(&user.id).await;
        Ok(self.finish("set-app-attributes", outcome))
    }

    /// Unassigns the user: the app user is deactivated (Deactivate Users on), never deleted.
    pub async fn unassign_user(&mut self, login: &str) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        let Some(a) = self.org.assignment(&user.id).cloned() else {
            return Err(ActionError::NotApplicable(format!(
                "{login} is not assigned to the app"
            )));
        };
        self.begin();
        if !a.via_groups.is_empty() {
            if let Some(a) = self.org.assignment_mut(&user.id) {
                a.direct = false;
            }
            let outcome = Outcome::NothingSent {
                reason: "still assigned through a group".into(),
            };
            return Ok(self.finish("unassign-user", outcome));
        }
        self.org
            .event(format!("{login} unassigned from {}", self.org.app.label));
        let outcome = self.deprovision(&user.id).await;
        self.org.app.assignments.retain(|x| x.user_id != user.id);
        Ok(self.finish("unassign-user", outcome))
    }

    /// Deactivates the user in Okta: its app user is deactivated and its assignments end.
    pub async fn deactivate_user(&mut self, login: &str) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        self.begin();
        self.set_status(&user.id, UserStatus::Deactivated);
        self.org.event(format!("Okta user {login} deactivated"));
        let outcome = self.deprovision(&user.id).await;
        self.org.app.assignments.retain(|x| x.user_id != user.id);
        Ok(self.finish("deactivate-user", outcome))
    }

    /// Reactivates the user in Okta. Users still assigned through a group are provisioned
    /// again: found by `userName eq`, reactivated with the same id.
    pub async fn reactivate_user(&mut self, login: &str) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        self.begin();
        self.set_status(&user.id, UserStatus::Active);
        self.org.event(format!("Okta user {login} reactivated"));
        let outcome = self.assign_through_groups(&user.id).await;
        Ok(self.finish("reactivate-user", outcome))
    }

    /// Suspends the user in Okta. "There's no deprovisioning event sent for users that are
    /// suspended inside Okta."
    pub fn suspend_user(&mut self, login: &str) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        self.begin();
        self.set_status(&user.id, UserStatus::Suspended);
        self.org.event(format!("Okta user {login} suspended"));
        let outcome = Outcome::NothingSent {
            reason: "Okta sends nothing when a user is suspended".into(),
        };
        Ok(self.finish("suspend-user", outcome))
    }

    /// Unsuspends the user in Okta; nothing is sent.
    pub fn unsuspend_user(&mut self, login: &str) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        self.begin();
        self.set_status(&user.id, UserStatus::Active);
        self.org.event(format!("Okta user {login} unsuspended"));
        let outcome = Outcome::NothingSent {
            reason: "Okta sends nothing when a user is unsuspended".into(),
        };
        Ok(self.finish("unsuspend-user", outcome))
    }

    /// Provision User, for an assignment made before provisioning was enabled (the guide:
    /// those users "will not be provisioned in Fivetran automatically").
    pub async fn provision_user(&mut self, login: &str) -> Result<ActionReport, ActionError> {
        let user = self.user_ref(login)?;
        // Messages name the user by login, whether it was given by login or by id.
        let login = user.login.as_str();
        match self.org.assignment(&user.id) {
            None => {
                return Err(ActionError::NotApplicable(format!(
                    "{login} is not assigned to the app"
                )));
            }
            Some(a) if a.scim_id.is_some() => {
                return Err(ActionError::NotApplicable(format!(
                    "{login} is already provisioned"
                )));
            }
            Some(_) => {}
        }
        if !self.org.app.api.enabled {
            return Err(ActionError::NotApplicable(
                "provisioning is not enabled".into(),
            ));
        }
        self.begin();
        let outcome = self.provision(&user.id).await;
        Ok(self.finish("provision-user", outcome))
    }

    fn set_status(&mut self, user_id: &str, status: UserStatus) {
        if let Some(u) = self.org.users.iter_mut().find(|u| u.id == user_id) {
            u.status = status;
        }
    }
}
