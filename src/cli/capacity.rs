//! `cnsim capacity`: the command line of `whatif::capacity`.

use crate::cli::CliError;

/// Arguments of `cnsim capacity`.
#[derive(Debug, clap::Args)]
pub struct CapacityArgs {}

/// Runs `cnsim capacity`.
pub fn capacity(_args: CapacityArgs) -> Result<(), CliError> {
    Err(CliError::Input("not yet".into()))
}
