//! The `cnsim` binary: parse arguments, run, print the error chain once, exit with its code.

use clap::Parser;

fn main() {
    let cli = cnsim::cli::Cli::parse();
    match cnsim::cli::main(cli) {
        Ok(()) => {}
        Err(cnsim::cli::CliError::ClosedPipe) => {}
        Err(error) => {
            let line = cnsim::scenario::error::shorten_values(&error.to_string());
            cnsim::cli::output::stderr(&format!("error: {line}\n"));
            std::process::exit(error.exit_code());
        }
    }
}
