//! A raw SCIM request of a step: built from the scenario with its variables, sent (repeated
//! as asked), and what it created remembered for cleanup.

use reqwest::Method as HttpMethod;
use scim_client::{Exchange, Request};
use serde_json::Value;

use super::checks;
use super::scenario_run::{Run, StepOut};
use crate::scenario::vars::Undefined;
use crate::scenario::{Auth, Method, ScimRequest, Step};

impl Run<'_> {
    /// Sends the step's request, `repeat` times, with `${i}` counting.
    pub(super) async fn send_requests(
        &mut self,
        step: &Step,
        request: &ScimRequest,
        out: &mut StepOut<'_>,
    ) -> Result<(), Undefined> {
        let times = step.repeat.unwrap_or(1).max(1);
        for i in 1..=times {
            if step.repeat.is_some() {
                self.vars.set("i", i.to_string());
            }
            let request = self.prepare(request)?;
            let sent = self.endpoint.send(request).await;
            self.note_created(&sent.exchange, sent.json());
            let json = sent.outcome.ok().and_then(|a| a.json);
            out.push(sent.exchange, json);
        }
        Ok(())
    }

    /// The request as it goes out: Okta's `Accept` and `Content-Type`, the run's token (or the
    /// step's own), the step's headers over those, the query encoded as Okta encodes it.
    fn prepare(&self, r: &ScimRequest) -> Result<Request, Undefined> {
        let method = match r.method {
            Method::Get => HttpMethod::GET,
            Method::Post => HttpMethod::POST,
            Method::Put => HttpMethod::PUT,
            Method::Patch => HttpMethod::PATCH,
            Method::Delete => HttpMethod::DELETE,
        };
        let mut url = format!("{}{}", self.endpoint.base_url, self.text(&r.path)?);
        let mut first = !url.contains('?');
        for (k, v) in &r.query {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(&scim_client::encode(k));
            url.push('=');
            url.push_str(&scim_client::encode(&self.text(&v.0)?));
        }
        let body = match (&r.raw_body, &r.body) {
            (Some(raw), _) => Some(self.text(raw)?.into_bytes()),
            (None, Some(b)) => {
                Some(serde_json::to_vec(&self.vars.interpolate_json(b)?).unwrap_or_default())
            }
            (None, None) => None,
        };
        let mut headers: Vec<(String, String)> =
            vec![("Accept".into(), "application/scim+json".into())];
        if body.is_some() {
            headers.push((
                "Content-Type".into(),
                "application/scim+json; charset=utf-8".into(),
            ));
        }
        match &r.auth {
            Auth::Token => headers.push((
                "Authorization".into(),
                format!("Bearer {}", self.endpoint.wire.secret().expose()),
            )),
            Auth::None => {}
            // The loader makes sure a regeneration came first; without one this is the
            // current token.
            Auth::PreviousToken => {
                let secret = self.endpoint.wire.secret();
                let old = secret.previous().unwrap_or(secret.expose());
                headers.push(("Authorization".into(), format!("Bearer {old}")));
            }
            Auth::Bearer(t) => {
                headers.push(("Authorization".into(), format!("Bearer {}", self.text(t)?)))
            }
        }
        for (k, v) in &r.headers {
            let v = self.text(v)?;
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k.clone(), v));
        }
        Ok(Request {
            method,
            url,
            headers,
            body,
        })
    }

    /// Remembers resources a raw request created (its response and JSON body), for cleanup.
    fn note_created(&mut self, ex: &Exchange, body: Option<&Value>) {
        let Some(resp) = &ex.response else { return };
        let (path, _) = checks::relative(&ex.request.path, &self.endpoint.base_path);
        let collection = path.trim_matches('/');
        // A BulkRequest's creates are named by their results' locations (`.../Users/{id}`).
        if ex.request.method == "POST" && collection.eq_ignore_ascii_case("Bulk") {
            let results = body
                .and_then(|b| b.get("Operations"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for location in results.filter_map(|r| r.get("location")?.as_str()) {
                let mut tail = location.trim_end_matches('/').rsplit('/');
                let (Some(id), Some(kind)) = (tail.next(), tail.next()) else {
                    continue;
                };
                if kind.eq_ignore_ascii_case("Groups") {
                    self.groups_seen.insert(id.to_owned());
                } else if kind.eq_ignore_ascii_case("Users") {
                    self.users_seen.insert(id.to_owned());
                }
            }
            return;
        }
        if ex.request.method != "POST" || resp.status != 201 {
            return;
        }
        if let Some(id) = body
            .and_then(|b| b.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        {
            if collection.eq_ignore_ascii_case("Groups") {
                self.groups_seen.insert(id);
            } else if collection.eq_ignore_ascii_case("Users") {
                self.users_seen.insert(id);
            }
        }
    }
}
