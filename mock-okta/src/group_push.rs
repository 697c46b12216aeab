//! Pushing a group not yet linked to an app group (okta-wire §2h): find it (from the last
//! import, or by `displayName eq`) or create it, then push its members. The requests are
//! made by a [`GroupPushStart`], which owns what it sends, so that the push can run as a
//! task beside the members' own provisioning tasks (inference 23); the org records what it
//! came to afterwards.

use reqwest::Method;
use serde_json::Value;

use crate::bodies::{self, Group, Member};
use crate::client::{ScimClient, lookup_query};
use crate::engine::{MockOkta, Outcome, failure, list_resources};
use crate::groups::{patch_rename, worst};
use crate::model::{ClientMode, OktaGroup, PushedGroup};

/// What a group push needs to send its first requests, taken from the org when it starts.
pub(crate) struct GroupPushStart {
    name: String,
    mode: ClientMode,
    /// With Import Groups on, the imported app group of that name (`Some(None)`: none, so
    /// create it); `None` looks the name up with `displayName eq`.
    imported: Option<Option<String>>,
    /// The members a create carries inline (`aiw-put`; the OIN flow creates it empty).
    inline: Vec<Member>,
}

/// How a push found or made its app group.
pub(crate) enum Linked {
    /// The lookup or the create failed.
    Failed(String),
    /// An app group of that name exists: this id.
    Found(String),
    /// Created with this id; in `oin-patch`, the name PATCH that follows came to `renamed`.
    Created {
        scim_id: String,
        renamed: Result<(), String>,
    },
}

impl GroupPushStart {
    /// Finds or creates the app group.
    async fn run(self, client: &mut ScimClient) -> Linked {
        let existing = match self.imported {
            Some(imported) => imported,
            None => {
                let path = format!("/Groups{}", lookup_query("displayName", &self.name));
                let r = client.get(&path).await;
                let Some((_, items)) = r
                    .as_ref()
                    .ok()
                    .filter(|r| r.status == 200)
                    .and_then(list_resources)
                else {
                    return Linked::Failed(failure(&r));
                };
                // Only a group of that name counts, as for users (inference 18).
                items
                    .iter()
                    .find(|i| {
                        i.get("displayName")
                            .and_then(Value::as_str)
                            .is_some_and(|n| scim_core::text::eq(n, &self.name, false))
                    })
                    .and_then(|i| i.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            }
        };
        if let Some(scim_id) = existing {
            return Linked::Found(scim_id);
        }
        let body = Group::new(&self.name, &self.inline);
        let r = client
            .send(Method::POST, "/Groups", Some(&bodies::to_bytes(&body)))
            .await;
        let Some(scim_id) = r
            .as_ref()
            .ok()
            .filter(|r| r.is_success())
            .and_then(|r| r.json.as_ref()?.get("id")?.as_str().map(str::to_owned))
        else {
            return Linked::Failed(failure(&r));
        };
        // The OIN flow reconciles the name right after the create.
        let renamed = match self.mode {
            ClientMode::OinPatch => patch_rename(client, &scim_id, &self.name).await,
            ClientMode::AiwPut => Ok(()),
        };
        Linked::Created { scim_id, renamed }
    }
}

impl MockOkta {
    /// Pushes a group: Push Now when it is linked already; otherwise find or create the app
    /// group first. Retrying a Group Push task comes here too.
    pub(crate) async fn push_group_now(&mut self, group_id: &str) -> Outcome {
        let Some(g) = self.org.group(group_id).cloned() else {
            return Outcome::NothingSent {
                reason: "the group no longer exists in Okta".into(),
            };
        };
        if self.pushed_id(&g.id).is_some() {
            return self.push_members_now(&g.id).await;
        }
        let start = self.group_push_start(&g);
        let linked = start.run(&mut self.client).await;
        self.group_linked(&g, linked).await
    }

    /// What pushing `g` sends first, as the org stands now.
    fn group_push_start(&self, g: &OktaGroup) -> GroupPushStart {
        let imported = self.org.app.import_groups.then(|| {
            self.org
                .app
                .imported_groups
                .iter()
                .find(|i| i.display_name.eq_ignore_ascii_case(&g.name))
                .map(|i| i.scim_id.clone())
        });
        // The current OIN flow creates the group empty and pushes members after; an AIW app
        // sends them inline (okta-wire §2h).
        let inline = match self.org.app.mode {
            ClientMode::OinPatch => Vec::new(),
            ClientMode::AiwPut => self.pushable(g),
        };
        GroupPushStart {
            name: g.name.clone(),
            mode: self.org.app.mode,
            imported,
            inline,
        }
    }

    /// Records the app group a push found or made, then pushes the members Okta has
    /// provisioned by now (all of them in `aiw-put`, with the GET and PUT that follow a
    /// create; those not sent yet in `oin-patch`, as a membership change).
    async fn group_linked(&mut self, g: &OktaGroup, linked: Linked) -> Outcome {
        let (scim_id, renamed) = match linked {
            Linked::Failed(detail) => return self.group_failed(g, &detail),
            Linked::Found(scim_id) => {
                self.link_pushed(g, &scim_id);
                self.org
                    .event(format!("group {} linked to app group {scim_id}", g.name));
                return self.push_members_now(&g.id).await;
            }
            Linked::Created { scim_id, renamed } => (scim_id, renamed),
        };
        self.link_pushed(g, &scim_id);
        self.org.event(format!(
            "group {} created in {} as {scim_id}",
            g.name, self.org.app.label
        ));
        match self.org.app.mode {
            ClientMode::OinPatch => match renamed {
                Err(detail) => self.group_failed(g, &detail),
                Ok(()) => {
                    let members = self.pushable(g);
                    if members.is_empty() {
                        Outcome::Succeeded
                    } else {
                        self.push_membership_change(&g.id, &scim_id, &[], &members)
                            .await
                    }
                }
            },
            ClientMode::AiwPut => self.get_then_put_group(&g.id, &scim_id).await,
        }
    }

    fn link_pushed(&mut self, g: &OktaGroup, scim_id: &str) {
        self.org.app.pushed_groups.push(PushedGroup {
            group_id: g.id.clone(),
            scim_id: scim_id.to_owned(),
        });
    }

    /// Assign to Groups with tasks running at once, in the latest Fivetran app: the team is
    /// pushed while its members are still being created (inference 23). The group's lookup
    /// and create go out on a client of their own beside the members' provisioning tasks,
    /// carrying only the members provisioned before; once both are done, the members
    /// created meanwhile follow in a membership push, as Okta adds a member to a pushed
    /// group once its app user exists. The transcript lists the group task's exchanges
    /// after those of the member tasks it ran beside.
    pub(crate) async fn provision_beside_team(
        &mut self,
        g: &OktaGroup,
        members: &[String],
    ) -> Outcome {
        let start = self.group_push_start(g);
        let mut client = self.client.fork();
        let push = tokio::spawn(async move {
            let linked = start.run(&mut client).await;
            (linked, client.take_exchanges())
        });
        let outcome = self.provision_many(members).await;
        let team = match push.await {
            Ok((linked, exchanges)) => {
                self.client.absorb(exchanges);
                self.group_linked(g, linked).await
            }
            Err(e) => Outcome::Failed {
                message: format!("the group push task stopped: {e}"),
            },
        };
        worst(outcome, team)
    }
}
