//! Trace reading: rows per second through the reader, the format's parser and the mapping, for
//! each CSV format on a generated file of 200,000 rows (target: at least 2 million rows/s).

use std::fmt::Write as _;
use std::path::Path;

use cnsim::scenario::Scenario;
use cnsim::workload::trace::TraceSource;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ROWS: usize = 200_000;

fn generic(rows: usize) -> String {
    let mut text = String::from("job,submit,runtime,gpus\n");
    for i in 0..rows {
        let _ = writeln!(text, "job-{i},{},{},{}", i * 3, 60 + i % 5000, 1 + i % 8);
    }
    text
}

fn alibaba(rows: usize) -> String {
    let mut text = String::from(
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n",
    );
    for i in 0..rows {
        let t = i * 3;
        let _ = writeln!(text, "openb-pod-{i:07},12000,16384,1,{},,LS,Running,{t},{},{t}", 100 + i % 900, t + 600);
    }
    text
}

fn azure(rows: usize) -> String {
    let mut text = String::from("TIMESTAMP,ContextTokens,GeneratedTokens\n");
    for i in 0..rows {
        let (minute, second) = (i / 60_000 % 60, i / 1000 % 60);
        let _ = writeln!(
            text,
            "2023-11-16 18:{minute:02}:{second:02}.{:07},{},{}",
            i % 1000 * 10_000,
            100 + i % 3000,
            10 + i % 400
        );
    }
    text
}

const WORLD: &str = "seed = 1\nduration = \"3650d\"\n[[hubs]]\nid = \"h\"\nlat = 30.0\nlon = 110.0\nintelligent = 100\n\
                     [[regions]]\nid = \"r\"\nlat = 30.0\nlon = 110.0\n[[classes]]\nname = \"a\"\npool = \"intelligent\"\n";

fn read_all(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("cnsim-bench-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            "csv",
            generic(ROWS),
            "format = \"csv\"\ncolumns = { submit = \"submit\", runtime = \"runtime\", units = \"gpus\", id = \"job\" }\n",
        ),
        ("alibaba-gpu-2023", alibaba(ROWS), "format = \"alibaba-gpu-2023\"\n"),
        ("azure-llm", azure(ROWS), "format = \"azure-llm\"\n"),
    ];
    let mut group = c.benchmark_group("trace_read");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    for (name, rows, format) in cases {
        let file = format!("{name}.csv");
        std::fs::write(dir.join(&file), rows).unwrap();
        let text = format!("{WORLD}[[traces]]\npath = \"{file}\"\nclass = \"a\"\norigin = \"r\"\n{format}");
        let scenario_path = dir.join(format!("{name}.toml"));
        std::fs::write(&scenario_path, text).unwrap();
        let scenario = Scenario::load(Path::new(&scenario_path)).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut source = TraceSource::open(&scenario.traces[0], 0, 0, 1).unwrap();
                let mut units = 0u64;
                while let Some(job) = source.next_job() {
                    units += u64::from(job.draw.units);
                }
                assert_eq!(source.stats().kept, ROWS as u64);
                units
            })
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, read_all);
criterion_main!(benches);
