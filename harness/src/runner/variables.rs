//! Values in and out of a step: `${variables}` into the step's text and expectations, and
//! captures from the last response's body into variables.

use serde_json::Value;
use serde_json_path::JsonPath;

use super::scenario_run::Run;
use crate::scenario::vars::Undefined;
use crate::scenario::{Expect, OperandMut, Step};

impl Run<'_> {
    /// `s` with its variables replaced.
    pub(super) fn text(&self, s: &str) -> Result<String, Undefined> {
        self.vars.interpolate(s)
    }

    /// The step's expectations with their variables replaced.
    pub(super) fn interpolate_expect(&self, e: &Expect) -> Result<Expect, Undefined> {
        let mut e = e.clone();
        let operands = e
            .body
            .iter_mut()
            .flat_map(|b| b.operands_mut())
            .chain(e.headers.values_mut().flat_map(|c| c.operands_mut()));
        for operand in operands {
            match operand {
                OperandMut::Json(v) => *v = self.vars.interpolate_json(v)?,
                OperandMut::Text(t) => *t = self.text(t)?,
            }
        }
        if let Some(m) = &mut e.message_contains {
            *m = self.text(m)?;
        }
        Ok(e)
    }

    /// Sets captured variables from the last response's JSON body; a note says what could
    /// not be set.
    pub(super) fn capture(&mut self, step: &Step, body: Option<&Value>) -> Option<String> {
        if step.capture.is_empty() {
            return None;
        }
        let body = body.unwrap_or(&Value::Null);
        let mut missing = Vec::new();
        for (name, path) in &step.capture {
            let value = JsonPath::parse(path)
                .ok()
                .and_then(|p| p.query(body).all().first().map(|v| (*v).clone()));
            match value {
                Some(Value::String(s)) => self.vars.set(name.clone(), s),
                Some(Value::Null) | None => missing.push(name.clone()),
                Some(other) => self.vars.set(name.clone(), other.to_string()),
            }
        }
        (!missing.is_empty()).then(|| format!("nothing to capture for {}", missing.join(", ")))
    }
}
