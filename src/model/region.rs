//! A demand region: where jobs and their data originate.

use serde::Serialize;

/// A demand region with its location and its share of submitted jobs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Region {
    /// Short stable identifier, e.g. `"shanghai"`.
    pub id: String,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Relative share of jobs originating here (default origin weights of every class).
    pub weight: f64,
}
