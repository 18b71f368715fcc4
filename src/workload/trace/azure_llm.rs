//! `azure-llm`: Azure's LLM inference traces (`AzureLLMInferenceTrace_*.csv`: `TIMESTAMP,
//! ContextTokens, GeneratedTokens`), one request a job.
//!
//! | job field | from |
//! |---|---|
//! | submit | `TIMESTAMP`, seconds after the first row's |
//! | runtime | `ContextTokens / (prefill x units) + GeneratedTokens / (decode x units)` seconds |
//! | GPUs | 1 (a request holds `units_per_gpu` units) |

use crate::workload::trace::record::Record;

use crate::workload::trace::fields::Clock;
use crate::workload::trace::format::{BadField, Outcome, Parsed, column, field, number};

/// How fast one unit serves a request's tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LlmModel {
    /// Prompt (context) tokens per second per unit.
    pub prefill_tokens_per_second_per_unit: f64,
    /// Generated tokens per second per unit.
    pub decode_tokens_per_second_per_unit: f64,
    /// Units each request holds.
    pub units: f64,
}

impl Default for LlmModel {
    fn default() -> Self {
        LlmModel { prefill_tokens_per_second_per_unit: 10_000.0, decode_tokens_per_second_per_unit: 50.0, units: 1.0 }
    }
}

impl LlmModel {
    /// A request's runtime in seconds.
    #[inline]
    pub fn runtime(&self, context_tokens: f64, generated_tokens: f64) -> f64 {
        context_tokens / (self.prefill_tokens_per_second_per_unit * self.units)
            + generated_tokens / (self.decode_tokens_per_second_per_unit * self.units)
    }
}

/// The format bound to a file's columns.
#[derive(Clone, Debug)]
pub struct Binding {
    model: LlmModel,
    clock: Clock,
    timestamp: usize,
    context: usize,
    generated: usize,
}

impl Binding {
    /// Finds the columns in `header`.
    pub fn new(model: LlmModel, header: &[String]) -> Result<Binding, String> {
        Ok(Binding {
            model,
            clock: Clock::new(1.0),
            timestamp: column(header, "TIMESTAMP")?,
            context: column(header, "ContextTokens")?,
            generated: column(header, "GeneratedTokens")?,
        })
    }

    /// Reads one row.
    #[inline]
    pub fn parse(&mut self, record: &Record) -> Result<Outcome, BadField> {
        let submit = self
            .clock
            .read(field(record, self.timestamp))
            .ok_or(BadField { column: self.timestamp, expected: "a timestamp YYYY-MM-DD HH:MM:SS[.fff]" })?;
        let tokens = "a whole number of tokens >= 0";
        let context = number(record, self.context, tokens)?;
        let generated = number(record, self.generated, tokens)?;
        if context < 0.0 {
            return Err(BadField { column: self.context, expected: tokens });
        }
        if generated < 0.0 {
            return Err(BadField { column: self.generated, expected: tokens });
        }
        Ok(Outcome::Keep(Parsed { submit, runtime: self.model.runtime(context, generated), gpus: 1.0 }))
    }
}
