//! Section 6: the judge against the accused (issue #11). A hostile target answers every
//! request with a huge body, and the harness's or mock-okta's peak memory must stay bounded
//! whatever it sends. Each case runs in a child process of its own, so that its peak is its
//! own; the peak is reset once the hostile server is up (its one shared body included), so the
//! growth is what the run itself held.
//!
//! - `answers-1mib`: the harness's built-in suite, every answer but the preflight 1 MiB of
//!   JSON: under the `--max-body` limit, so each is read, judged, and cut to 64 KiB in the
//!   report.
//! - `answers-50mib`: the same with 50 MiB answers: over the limit, so 10 MiB of each is read
//!   and the rest never is.
//! - `import-1mib-pages`: mock-okta's Import Now of 1,000 pages of 100 users, each page
//!   carrying 1 MiB: a gigabyte in all, of which the transcript keeps 64 MiB whole.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use clap::ValueEnum;
use harness::runner::{self, RunConfig, Target};
use hyper::body::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper_util::rt::TokioIo;
use mock_okta::{ClientMode, ClientOptions, MockOkta, Org};
use serde::{Deserialize, Serialize};

use crate::fixtures;
use crate::load::Runtimes;
use crate::sys;

/// Which hostile run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Case {
    /// The built-in suite; every answer 1 MiB.
    Answers1mib,
    /// The built-in suite; every answer 50 MiB.
    Answers50mib,
    /// Import Now of 1,000 pages of 1 MiB each.
    Import1mibPages,
}

impl Case {
    pub(crate) const ALL: [Case; 3] =
        [Case::Answers1mib, Case::Answers50mib, Case::Import1mibPages];

    /// The bytes of every answer but the preflight.
    fn answer_bytes(self) -> usize {
        match self {
            Case::Answers1mib | Case::Import1mibPages => 1 << 20,
            Case::Answers50mib => 50 << 20,
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Case::Answers1mib => "harness: built-in suite, every answer 1 MiB",
            Case::Answers50mib => "harness: built-in suite, every answer 50 MiB",
            Case::Import1mibPages => "mock-okta: Import Now, 1,000 pages of 1 MiB",
        }
    }
}

/// Import pages the import case serves (100 users each).
const IMPORT_PAGES: u64 = 1_000;

/// What one case measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct HostileResult {
    pub(crate) case: Case,
    pub(crate) answer_bytes: usize,
    pub(crate) wall_secs: f64,
    /// Requests sent.
    pub(crate) requests: usize,
    /// Bytes the target offered in all (answer size times requests; what was read is less
    /// when answers are over the limit).
    pub(crate) offered_bytes: u64,
    /// Resident memory with the hostile server up, just before the run.
    pub(crate) rss_before_bytes: Option<u64>,
    /// Peak resident memory during the run.
    pub(crate) peak_rss_bytes: Option<u64>,
    pub(crate) peak_reset: bool,
    /// Peak minus before: what the run held at most, as the kernel counts it.
    pub(crate) growth_bytes: Option<u64>,
    /// The most heap bytes the run held live at once (the allocator's own keeping excluded).
    pub(crate) heap_peak_bytes: usize,
    /// Heap bytes still live when the run was over: its report, and what the run kept.
    pub(crate) heap_kept_bytes: usize,
    /// The JSON report's size (harness cases).
    pub(crate) json_report_bytes: Option<usize>,
    /// The JUnit report's size (harness cases).
    pub(crate) junit_bytes: Option<usize>,
    /// How the run ended: the harness's scenario runs that failed, or the import's outcome.
    pub(crate) outcome: String,
}

/// An answer sent in 64 KiB chunks without a `Content-Length`, as a server streaming it
/// would: the client cannot refuse it up front and must stop reading at its limit.
#[derive(Debug)]
struct Chunked {
    whole: Bytes,
    sent: usize,
}

impl hyper::body::Body for Chunked {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        let from = self.sent;
        let to = (from + (64 << 10)).min(self.whole.len());
        if from == to {
            return std::task::Poll::Ready(None);
        }
        self.sent = to;
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(
            self.whole.slice(from..to),
        ))))
    }
}

/// A JSON object of exactly `size` bytes (at least 64): an empty list with padding.
fn padded_object(size: usize) -> Bytes {
    let head = br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"padding":""#;
    let tail = br#""}"#;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head);
    body.resize(size.saturating_sub(tail.len()).max(head.len()), b'x');
    body.extend_from_slice(tail);
    Bytes::from(body)
}

/// Page `start` of the import case: 100 users and `padding` bytes.
fn import_page(start: u64, padding: usize) -> Bytes {
    let users: Vec<serde_json::Value> = (start..start + 100)
        .map(|i| {
            let name = fixtures::user_name(i as usize);
            serde_json::json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": format!("hostile-{i}"),
                "userName": name,
                "name": {"givenName": "Hostile", "familyName": "Page"},
                "emails": [{"value": name, "primary": true, "type": "work"}],
                "active": true,
            })
        })
        .collect();
    let page = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": IMPORT_PAGES * 100,
        "startIndex": start,
        "itemsPerPage": 100,
        "Resources": users,
        "padding": "x".repeat(padding),
    });
    Bytes::from(serde_json::to_vec(&page).expect("a page serialises"))
}

/// The `startIndex` of a query, if any.
fn start_index(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("startIndex=")?.parse().ok())
}

/// A hostile server: the harness's preflight (`count=1`) gets a small valid list; the import
/// case's pages get 100 users and padding; everything else gets `big`. Every answer is
/// chunked, without a length.
fn spawn(rt: &tokio::runtime::Runtime, case: Case, big: Bytes) -> anyhow::Result<SocketAddr> {
    use hyper::service::service_fn;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let small = Bytes::from_static(crate::load::BASELINE_BODY);
    rt.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (big, small) = (big.clone(), small.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let query = req.uri().query().unwrap_or("").to_owned();
                    let body = if query.split('&').any(|kv| kv == "count=1") {
                        small.clone()
                    } else if case == Case::Import1mibPages {
                        import_page(start_index(&query).unwrap_or(1), case.answer_bytes())
                    } else {
                        big.clone()
                    };
                    async move {
                        hyper::Response::builder()
                            .header(CONTENT_TYPE, "application/scim+json")
                            .body(Chunked {
                                whole: body,
                                sent: 0,
                            })
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

/// Runs one case.
pub(crate) fn run(case: Case) -> anyhow::Result<HostileResult> {
    let rts = Runtimes::new()?;
    let big = match case {
        Case::Import1mibPages => Bytes::new(),
        _ => padded_object(case.answer_bytes()),
    };
    let addr = spawn(&rts.server, case, big)?;
    let base_url = format!("http://{addr}/scim/v2");
    let runner_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    let scenarios = crate::suite::built_in()?;

    let rss_before = sys::rss();
    let peak_reset = sys::reset_peak();
    let heap = crate::heap::mark();
    eprintln!("  hostile: {}", case.describe());
    let started = Instant::now();
    let (requests, json_report_bytes, junit_bytes, outcome, heap_kept) = match case {
        Case::Import1mibPages => {
            let org = Org::fivetran(&base_url, ClientMode::OinPatch);
            let mut okta = MockOkta::new(org, ClientOptions::new(fixtures::TOKEN));
            let report = runner_rt.block_on(okta.import_now());
            let outcome = match &report.import {
                Some(i) if report.outcome.is_ok() => {
                    format!("succeeded: {} users", i.users_scanned)
                }
                _ => format!("{:?}", report.outcome),
            };
            let kept = heap.growth();
            (report.exchanges.len(), None, None, outcome, kept)
        }
        _ => {
            let config = RunConfig::new(Target::Url {
                base_url,
                token: fixtures::TOKEN.into(),
            });
            let report = runner_rt
                .block_on(runner::run(&config, &scenarios, &|_| {}))
                .context("the run did not start")?;
            let requests = report.steps().map(|s| s.exchanges.len()).sum();
            let json = harness::report::json::render(&report).len();
            let junit = harness::report::junit::render(&report).len();
            let failed = report
                .scenarios
                .iter()
                .filter(|s| s.status == harness::report::Status::Failed)
                .count();
            let outcome = format!(
                "{failed} of {} scenario runs failed",
                report.scenarios.len()
            );
            let kept = heap.growth();
            (requests, Some(json), Some(junit), outcome, kept)
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let peak = sys::peak_rss();
    let heap_peak = heap.peak_growth();
    Ok(HostileResult {
        case,
        answer_bytes: case.answer_bytes(),
        wall_secs: wall,
        requests,
        offered_bytes: requests as u64 * case.answer_bytes() as u64,
        rss_before_bytes: rss_before,
        peak_rss_bytes: peak,
        peak_reset,
        growth_bytes: match (rss_before, peak) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        },
        heap_peak_bytes: heap_peak,
        heap_kept_bytes: heap_kept,
        json_report_bytes,
        junit_bytes,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_padded_object_is_exactly_its_size_and_json() {
        for size in [200, 4096, 1 << 20] {
            let b = padded_object(size);
            assert_eq!(b.len(), size);
            let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
            assert_eq!(v["totalResults"], 0);
        }
    }

    #[test]
    fn an_import_page_lists_100_users_from_its_start() {
        let page: serde_json::Value = serde_json::from_slice(&import_page(101, 10)).unwrap();
        assert_eq!(page["Resources"].as_array().unwrap().len(), 100);
        assert_eq!(page["Resources"][0]["id"], "hostile-101");
        assert_eq!(start_index("count=100&startIndex=101"), Some(101));
    }
}
