//! Test API Credentials, saving the settings, Import Now and Confirm Assignments
//! (okta-wire §2a, §2g).

use serde_json::{Map, Value};

use crate::engine::{
    ActionError, ActionReport, ImportSummary, MockOkta, Outcome, failure, list_resources,
};
use crate::model::{Assignment, ImportMatch, ImportedGroup, ImportedUser, TaskKind};
use crate::users::NewUser;

/// Okta's import page size.
pub(crate) const PAGE: u64 = 100;

/// The most pages one import reads from one endpoint: 10,000 pages, a million resources.
/// Okta documents no such limit; ours keeps an import finite against an app that says it has
/// more than it lists, or lists full pages forever (okta-wire §2g says Okta stops at
/// `totalResults`, and on an empty page; a target that sends neither would otherwise be
/// paged until the clock runs out).
pub const MAX_IMPORT_PAGES: u64 = 10_000;

fn text(o: &Map<String, Value>, k: &str) -> Option<String> {
    o.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// What Import Now keeps of a listed user.
struct Listed {
    active: bool,
    scim_id: Option<String>,
    user_name: Option<String>,
    email: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
}

impl Listed {
    fn read(u: &Map<String, Value>) -> Listed {
        let email = u
            .get("emails")
            .and_then(Value::as_array)
            .and_then(|e| {
                e.iter()
                    .find(|x| x.get("primary") == Some(&Value::Bool(true)))
                    .or_else(|| e.first())
            })
            .and_then(|e| e.get("value"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let name = u.get("name").and_then(Value::as_object);
        Listed {
            active: u.get("active") != Some(&Value::Bool(false)),
            scim_id: text(u, "id"),
            user_name: text(u, "userName"),
            email,
            given_name: name.and_then(|n| text(n, "givenName")),
            family_name: name.and_then(|n| text(n, "familyName")),
        }
    }
}

impl MockOkta {
    /// Test API Credentials: `GET /Users?startIndex=1&count=2`, the only request. A 200 with a
    /// ListResponse passes; anything else is the page's "An error has occurred" (no task).
    pub async fn test_api_credentials(&mut self) -> ActionReport {
        self.begin();
        let outcome = self.check_credentials().await;
        self.finish("test-api-credentials", outcome)
    }

    async fn check_credentials(&mut self) -> Outcome {
        let r = self.client.get("/Users?startIndex=1&count=2").await;
        match &r {
            Ok(reply) if reply.status == 200 && list_resources(reply).is_some() => {
                self.org.event(format!(
                    "API credentials for {} verified",
                    self.org.app.label
                ));
                Outcome::Succeeded
            }
            _ => Outcome::Failed {
                message: format!("An error has occurred: {}", failure(&r)),
            },
        }
    }

    /// Save on the provisioning settings: the credentials check, plus
    /// `GET /Groups?startIndex=1&count=100` when Import Groups is on.
    pub async fn save_settings(&mut self) -> ActionReport {
        self.begin();
        let mut outcome = self.check_credentials().await;
        if outcome.is_ok() && self.org.app.import_groups {
            let r = self.client.get("/Groups?startIndex=1&count=100").await;
            if !r
                .as_ref()
                .is_ok_and(|r| r.status == 200 && list_resources(r).is_some())
            {
                outcome = Outcome::Failed {
                    message: format!("An error has occurred: {}", failure(&r)),
                };
            }
        }
        self.finish("save-settings", outcome)
    }

    /// Pages through `endpoint` 100 at a time, stepping `startIndex` by 100 until it passes
    /// `totalResults` (okta-wire §2g; stopping on an empty page too, so a wrong total cannot
    /// loop forever), and failing after [`MAX_IMPORT_PAGES`] pages.
    ///
    /// Each resource is boiled down by `keep` as its page arrives, so that importing a large
    /// app holds one page of JSON at a time, not all of them.
    async fn read_all<T>(
        &mut self,
        endpoint: &str,
        keep: impl Fn(&Map<String, Value>) -> T,
    ) -> Result<Vec<T>, String> {
        let mut out = Vec::new();
        let mut start = 1;
        for _ in 0..MAX_IMPORT_PAGES {
            let r = self
                .client
                .get(&format!("{endpoint}?startIndex={start}&count={PAGE}"))
                .await;
            let Some((total, items)) = r
                .as_ref()
                .ok()
                .filter(|r| r.status == 200)
                .and_then(list_resources)
            else {
                return Err(failure(&r));
            };
            let empty = items.is_empty();
            out.extend(items.into_iter().map(&keep));
            start += PAGE;
            if start > total || empty {
                return Ok(out);
            }
        }
        Err(format!(
            "the app listed {MAX_IMPORT_PAGES} pages (of up to {PAGE}) and still said there were \
             more ({endpoint}); the import stopped there"
        ))
    }

    /// Import Now: reads every app user (and app group, when Import Groups is on), skips
    /// inactive users, and matches each user to the Okta org for Confirm Assignments.
    pub async fn import_now(&mut self) -> ActionReport {
        self.begin();
        let label = self.org.app.label.clone();
        let users = match self.read_all("/Users", Listed::read).await {
            Ok(u) => u,
            Err(detail) => {
                let outcome = self.task(
                    TaskKind::Import,
                    &label,
                    format!("Import from {label} failed: {detail}"),
                    None,
                );
                return self.finish("import-now", outcome);
            }
        };
        let mut summary = ImportSummary::default();
        let mut review = Vec::new();
        for u in users {
            if !u.active {
                summary.users_skipped_inactive += 1;
                continue;
            }
            summary.users_scanned += 1;
            let (Some(scim_id), Some(user_name)) = (u.scim_id, u.user_name) else {
                continue;
            };
            let matched = self.match_user(
                &user_name,
                u.email.as_deref(),
                u.given_name.as_deref(),
                u.family_name.as_deref(),
            );
            review.push(ImportedUser {
                scim_id,
                user_name,
                email: u.email,
                given_name: u.given_name,
                family_name: u.family_name,
                matched,
            });
        }
        if self.org.app.import_groups {
            let group = |g: &Map<String, Value>| {
                Some(ImportedGroup {
                    scim_id: text(g, "id")?,
                    display_name: text(g, "displayName")?,
                })
            };
            match self.read_all("/Groups", group).await {
                Ok(groups) => {
                    let pushed: Vec<String> = self
                        .org
                        .app
                        .pushed_groups
                        .iter()
                        .map(|p| p.scim_id.clone())
                        .collect();
                    // Groups Okta pushed itself are not imported back.
                    self.org.app.imported_groups = groups
                        .into_iter()
                        .flatten()
                        .filter(|g| !pushed.contains(&g.scim_id))
                        .collect();
                    summary.groups_scanned = self.org.app.imported_groups.len();
                }
                Err(detail) => {
                    let outcome = self.task(
                        TaskKind::Import,
                        &label,
                        format!("Import of groups from {label} failed: {detail}"),
                        None,
                    );
                    return self.finish("import-now", outcome);
                }
            }
        }
        self.org.event(format!(
            "import from {label}: {} users scanned, {} inactive skipped, {} groups",
            summary.users_scanned, summary.users_skipped_inactive, summary.groups_scanned
        ));
        self.org.app.import_review = review.clone();
        summary.review = review;
        let mut report = self.finish("import-now", Outcome::Succeeded);
        report.import = Some(summary);
        report
    }

    /// Exact: the userName is an Okta username (or the app username Okta would send);
    /// partial: only the email, or the first and last names, match; else unmatched.
    fn match_user(
        &self,
        user_name: &str,
        email: Option<&str>,
        given: Option<&str>,
        family: Option<&str>,
    ) -> ImportMatch {
        let users = &self.org.users;
        if let Some(u) = users.iter().find(|u| {
            u.login.eq_ignore_ascii_case(user_name)
                || self.org.app_username(u).eq_ignore_ascii_case(user_name)
        }) {
            return ImportMatch::Exact(u.id.clone());
        }
        if let Some(u) = users.iter().find(|u| {
            email.is_some_and(|e| u.email.eq_ignore_ascii_case(e))
                || (given.is_some_and(|g| u.first_name.eq_ignore_ascii_case(g))
                    && family.is_some_and(|f| u.last_name.eq_ignore_ascii_case(f)))
        }) {
            return ImportMatch::Partial(u.id.clone());
        }
        ImportMatch::Unmatched
    }

    /// Confirm Assignments for the chosen imported users (by userName): each is linked to its
    /// matched Okta user, or to a new Okta user made from its profile when unmatched. Nothing
    /// is sent ("Confirming an EXACT match creates only an Okta-side link").
    pub fn confirm_assignments(
        &mut self,
        user_names: &[String],
    ) -> Result<ActionReport, ActionError> {
        let chosen: Vec<ImportedUser> = self
            .org
            .app
            .import_review
            .iter()
            .filter(|i| {
                user_names
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&i.user_name))
            })
            .cloned()
            .collect();
        if let Some(missing) = user_names
            .iter()
            .find(|n| !chosen.iter().any(|c| c.user_name.eq_ignore_ascii_case(n)))
        {
            return Err(ActionError::NotApplicable(format!(
                "{missing:?} is not in the import review (run import-now)"
            )));
        }
        self.begin();
        for imported in &chosen {
            let okta_id = match &imported.matched {
                ImportMatch::Exact(id) | ImportMatch::Partial(id) => id.clone(),
                ImportMatch::Unmatched => {
                    let new = NewUser {
                        login: imported.user_name.clone(),
                        first_name: imported.given_name.clone().unwrap_or_default(),
                        last_name: imported.family_name.clone().unwrap_or_default(),
                        email: imported.email.clone(),
                    };
                    self.create_user(new)?.id
                }
            };
            self.org.app.assignments.retain(|a| a.user_id != okta_id);
            self.org.app.assignments.push(Assignment {
                user_id: okta_id.clone(),
                attributes: Default::default(),
                direct: true,
                via_groups: Vec::new(),
                scim_id: Some(imported.scim_id.clone()),
                app_active: true,
            });
            self.org.event(format!(
                "imported user {} linked to Okta user {okta_id}",
                imported.user_name
            ));
        }
        self.org.app.import_review.retain(|i| !chosen.contains(i));
        let outcome = Outcome::NothingSent {
            reason: "Confirm Assignments only links users in Okta".into(),
        };
        Ok(self.finish("confirm-assignments", outcome))
    }
}
