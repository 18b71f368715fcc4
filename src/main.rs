//! The `cnsim` binary: parse arguments, run, print the error chain once, exit with its code.

use clap::Parser;

fn main() {
    let cli = cnsim::cli::Cli::parse();
    if let Err(error) = cnsim::cli::main(cli) {
        eprintln!("error: {error}");
        std::process::exit(error.exit_code());
    }
}
