//! Wall time of the full built-in suite against the in-process reference server (both modes,
//! every profile). Run with `cargo bench -p harness`; results in `docs/benchmarks.md`.

use harness::runner::{self, RunConfig, Target};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 10)]
fn full_suite(bencher: divan::Bencher) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| unreachable!("{e}"));
    let (scenarios, errors) = harness::cli::load(&[]);
    assert!(errors.is_empty());
    let config = RunConfig::new(Target::Reference);
    bencher.bench(|| {
        let report = rt
            .block_on(runner::run(&config, &scenarios, &|_| {}))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert!(report.passed());
        report.summary
    });
}
