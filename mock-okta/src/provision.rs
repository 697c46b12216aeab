//! Provisioning one assigned user, or several at once: Okta's `userName eq` lookup, then a
//! create, a link, or a reactivation (okta-wire §2b), and what each comes to in the org.

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::bodies::{self, CreateUser, Email, Name, OrderedFields};
use crate::client::{Reply, SendError, lookup_query};
use crate::engine::{MockOkta, Outcome, accepted, failure, list_resources};
use crate::groups::worst;
use crate::model::OktaUser;

impl MockOkta {
    /// The lookup, then create, link or reactivate (okta-wire §2b).
    pub(crate) async fn provision(&mut self, user_id: &str) -> Outcome {
        let Some(user) = self.org.user(user_id).cloned() else {
            return Outcome::NothingSent {
                reason: "the user no longer exists in Okta".into(),
            };
        };
        let user_name = self.org.app_username(&user);
        let path = format!("/Users{}", lookup_query("userName", &user_name));
        let result = self.client.get(&path).await;
        match lookup_answer(&result, &user_name) {
            Err(detail) => self.provisioning_failed(&user, &detail),
            Ok(None) => self.create(&user).await,
            Ok(Some(found)) => self.link_found(&user, found).await,
        }
    }

    /// Links an assigned user to the app user the lookup found, then pushes its profile or
    /// reactivates it.
    async fn link_found(
        &mut self,
        user: &OktaUser,
        found: Result<(String, bool), String>,
    ) -> Outcome {
        let (id, active) = match found {
            Ok(f) => f,
            Err(detail) => return self.provisioning_failed(user, &detail),
        };
        if let Some(a) = self.org.assignment_mut(&user.id) {
            a.scim_id = Some(id.clone());
            a.app_active = active;
        }
        self.org
            .event(format!("{} linked to existing app user {id}", user.login));
        if active {
            self.push_profile(&user.id).await
        } else {
            self.reactivate_in_app(&user.id, true).await
        }
    }

    /// Provisions several assigned users as one batch of tasks: those still to create go
    /// out side by side when tasks run at once (`provisioning_concurrency` above 1), and
    /// the rest (linked already, or with nothing to send) one after another, first.
    pub(crate) async fn provision_many(&mut self, user_ids: &[String]) -> Outcome {
        let mut outcome = Outcome::NothingSent {
            reason: "no user to provision".into(),
        };
        let fresh = self.still_to_create(user_ids);
        if fresh.is_empty() || self.org.app.provisioning_concurrency <= 1 {
            for uid in user_ids {
                outcome = worst(outcome, self.provision_assigned(uid).await);
            }
            return outcome;
        }
        for uid in user_ids.iter().filter(|u| !fresh.contains(*u)) {
            outcome = worst(outcome, self.provision_assigned(uid).await);
        }
        worst(outcome, self.provision_concurrently(&fresh).await)
    }

    /// The assigned users among these whose provisioning is a lookup and, most likely, a
    /// create: provisioning and Create Users on, no app user linked yet.
    pub(crate) fn still_to_create(&self, user_ids: &[String]) -> Vec<String> {
        if !self.org.app.api.enabled || !self.org.app.to_app.create_users {
            return Vec::new();
        }
        user_ids
            .iter()
            .filter(|uid| {
                self.org
                    .assignment(uid)
                    .is_some_and(|a| a.scim_id.is_none())
            })
            .cloned()
            .collect()
    }

    /// Provisions several assigned users at once, as Okta's provisioning tasks run
    /// concurrently (`provisioning_concurrency`, inference 22): up to that many lookups, and
    /// creates where nothing matched, are in flight together, each on a client of its own;
    /// then, in order, each result is recorded, and a link's profile push or reactivation
    /// follows as when one user is provisioned. The transcript lists each batch's exchanges
    /// user by user.
    pub(crate) async fn provision_concurrently(&mut self, user_ids: &[String]) -> Outcome {
        let mut outcome = Outcome::NothingSent {
            reason: "no user to provision".into(),
        };
        let concurrency = self.org.app.provisioning_concurrency.max(1);
        for chunk in user_ids.chunks(concurrency) {
            let mut tasks = tokio::task::JoinSet::new();
            let mut users = Vec::new();
            for (i, uid) in chunk.iter().enumerate() {
                let Some(user) = self.org.user(uid).cloned() else {
                    continue;
                };
                let user_name = self.org.app_username(&user);
                // The body is drawn now (its placeholder password too), in the users' order.
                let body = self.create_body(&user);
                let mut client = self.client.fork();
                tasks.spawn(async move {
                    let path = format!("/Users{}", lookup_query("userName", &user_name));
                    let result = client.get(&path).await;
                    let net = match lookup_answer(&result, &user_name) {
                        Err(detail) => Net::LookupFailed(detail),
                        Ok(Some(found)) => Net::Found(found),
                        Ok(None) => {
                            let r = client.send(Method::POST, "/Users", Some(&body)).await;
                            Net::Created(created_id(&r))
                        }
                    };
                    (i, net, client.take_exchanges())
                });
                users.push((i, user));
            }
            let mut results: Vec<(usize, Net, Vec<scim_client::Exchange>)> = Vec::new();
            while let Some(done) = tasks.join_next().await {
                match done {
                    Ok(r) => results.push(r),
                    Err(e) => {
                        return worst(
                            outcome,
                            Outcome::Failed {
                                message: format!("a provisioning task stopped: {e}"),
                            },
                        );
                    }
                }
            }
            results.sort_by_key(|(i, _, _)| *i);
            for (i, net, exchanges) in results {
                self.client.absorb(exchanges);
                let Some((_, user)) = users.iter().find(|(j, _)| *j == i) else {
                    continue;
                };
                let one = match net {
                    Net::LookupFailed(detail) => self.provisioning_failed(user, &detail),
                    Net::Found(found) => self.link_found(user, found).await,
                    Net::Created(created) => self.record_created(user, created),
                };
                outcome = worst(outcome, one);
            }
        }
        outcome
    }

    /// Okta's create body for a user (its placeholder password is drawn now).
    fn create_body(&mut self, user: &OktaUser) -> Vec<u8> {
        let user_name = self.org.app_username(user);
        let mut mapped = Map::new();
        mapped.insert("schemas".into(), json!([scim_core::urn::USER]));
        let order = self.apply_mappings(&user.id, &mut mapped);
        let schemas: Vec<String> = mapped
            .remove("schemas")
            .and_then(|s| serde_json::from_value(s).ok())
            .unwrap_or_else(|| vec![scim_core::urn::USER.to_owned()]);
        let mapped = OrderedFields(
            order
                .into_iter()
                .filter_map(|k| mapped.remove(&k).map(|v| (k, v)))
                .collect(),
        );
        let password = self.org.ids.placeholder_password();
        let body = CreateUser {
            schemas,
            user_name: &user_name,
            name: Name {
                given_name: &user.first_name,
                family_name: &user.last_name,
            },
            emails: vec![Email {
                primary: true,
                value: &user.email,
                kind: "work",
            }],
            display_name: user.display_name(),
            locale: user.locale.as_deref(),
            external_id: &user.id,
            groups: Vec::new(),
            password,
            active: true,
            mapped,
        };
        bodies::to_bytes(&body)
    }

    async fn create(&mut self, user: &OktaUser) -> Outcome {
        let body = self.create_body(user);
        let result = self.client.send(Method::POST, "/Users", Some(&body)).await;
        let created = created_id(&result);
        self.record_created(user, created)
    }

    /// Records what Okta's create came to: the new app user linked, or a task.
    fn record_created(&mut self, user: &OktaUser, created: Result<String, String>) -> Outcome {
        let label = self.org.app.label.clone();
        let id = match created {
            Ok(id) => id,
            Err(detail) => {
                let detail = format!("Error while creating user {}: {detail}", user.login);
                return self.provisioning_failed(user, &detail);
            }
        };
        if let Some(a) = self.org.assignment_mut(&user.id) {
            a.scim_id = Some(id.clone());
            a.app_active = true;
        }
        self.org
            .event(format!("{} created in {label} as {id}", user.login));
        Outcome::Succeeded
    }
}

/// What a provisioning task's lookup and create came to, before the org records it.
enum Net {
    LookupFailed(String),
    /// The app user the lookup found (its id and `active`), or why it cannot be linked.
    Found(Result<(String, bool), String>),
    /// The created app user's id, or why the create failed.
    Created(Result<String, String>),
}

/// Reads Okta's `userName eq` lookup: `Ok(None)` for no match (a `404` is one too, as
/// Okta's docs accept it); `Ok(Some(..))` for the one listed user whose userName is the one
/// asked for (inference 18: a server that ignores the filter lists others, and linking the
/// first would link a stranger), with its id and `active`; `Err` for a failed lookup.
#[allow(clippy::type_complexity)]
fn lookup_answer(
    result: &Result<Reply, SendError>,
    user_name: &str,
) -> Result<Option<Result<(String, bool), String>>, String> {
    let found = match result {
        Ok(r) if r.status == 200 => list_resources(r).map(|(_, items)| {
            items.into_iter().find(|u| {
                u.get("userName")
                    .and_then(Value::as_str)
                    .is_some_and(|n| scim_core::text::eq(n, user_name, false))
            })
        }),
        Ok(r) if r.status == 404 => Some(None),
        _ => None,
    };
    let Some(found) = found else {
        return Err(format!(
            "Error while verifying if user exists: {}",
            failure(result)
        ));
    };
    Ok(found.map(|existing| {
        let id = existing
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| "the lookup returned a user without an id".to_owned())?;
        let active = existing
            .get("active")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Ok((id, active))
    }))
}

/// The id a create answered with, or why there is none.
fn created_id(result: &Result<Reply, SendError>) -> Result<String, String> {
    accepted(result).and_then(|r| {
        r.json
            .as_ref()
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| "Create new user returned empty user.".to_owned())
    })
}
