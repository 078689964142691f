#![allow(clippy::unwrap_used)]
//! Throughput of rendering the bank payment file (the CPU part of an export; the database
//! reads are measured by ops/bench/batch-load.sh). `cargo bench --bench export`; the figure to
//! read is elements (lines) per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use outage_claims::db::batches::ExportRow;
use outage_claims::domain::money::Currency;
use outage_claims::usecases::payouts::export::{render, PAGE};

fn page() -> Vec<ExportRow> {
    (0..PAGE)
        .map(|i| ExportRow {
            line_no: i + 1,
            claim_id: format!("01890a5d-ac96-774b-bcce-{i:012}"),
            claim_reference: format!("OC-{i:07}"),
            payout_minor: 100_000 + (i * 7919) % 5_000_000,
            claimant_name: if i % 50 == 0 { "=HYPERLINK(\"x\")".into() } else { format!("한강치킨 {i}") },
            claimant_brn: (i % 3 != 0).then(|| "1234567891".to_owned()),
            bank_code: "004".into(),
            account_number: format!("123-456-{i:06}"),
            account_holder: format!("김민지 {i}"),
        })
        .collect()
}

fn export(c: &mut Criterion) {
    let rows = page();
    let batch = "01890a5d-ac96-774b-bcce-000000000000";
    let mut group = c.benchmark_group("export");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("render_page", |b| b.iter(|| render(black_box(&rows), batch, Currency::KRW)));
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
