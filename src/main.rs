//! Thin entry point: everything lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    outage_claims::cli::main()
}
