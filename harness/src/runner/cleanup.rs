//! What a scenario run leaves behind on the target: every user and group it learnt of is
//! deleted (a user the server will not delete is deactivated), unless `--keep`.

use reqwest::Method;

use super::scenario_run::Run;

impl Run<'_> {
    /// Deletes what the run created (users that cannot be deleted are deactivated).
    pub(super) async fn cleanup(&mut self) {
        self.refresh_ids();
        let groups = std::mem::take(&mut self.groups_seen);
        let users = std::mem::take(&mut self.users_seen);
        let endpoint = &self.endpoint;
        for id in groups {
            let _ = endpoint
                .send(endpoint.request(Method::DELETE, &format!("/Groups/{id}")))
                .await;
        }
        for id in users {
            let sent = endpoint
                .send(endpoint.request(Method::DELETE, &format!("/Users/{id}")))
                .await;
            let deleted = sent
                .status()
                .is_some_and(|s| (200..300).contains(&s) || s == 404);
            if !deleted {
                let deactivate = endpoint
                    .request(Method::PATCH, &format!("/Users/{id}"))
                    .header("Content-Type", "application/scim+json")
                    .body(format!(
                        r#"{{"schemas":["{}"],"Operations":[{{"op":"replace","value":{{"active":false}}}}]}}"#,
                        scim_core::urn::PATCH_OP
                    ));
                let _ = endpoint.send(deactivate).await;
            }
        }
    }
}
