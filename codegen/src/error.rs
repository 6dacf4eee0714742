//! Errors of the generator, each naming the file or endpoint it is about.

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The schema is not what a PVE apidoc tree looks like.
    #[error("schema error at {at}: {message}")]
    Schema { at: String, message: String },
    /// Two endpoints would get the same tool name.
    #[error("tool name `{name}` is given to both {first} and {second}; add an entry to names::OVERRIDES")]
    DuplicateName { name: String, first: String, second: String },
    /// A tool name clients would reject.
    #[error("invalid tool name for {endpoint}: {reason}; add an entry to names::OVERRIDES")]
    InvalidName { endpoint: String, reason: String },
    /// The rendered code did not parse (a generator bug).
    #[error("generated code does not parse: {0}")]
    Render(String),
    /// The search data (`codegen/search/`) is malformed or names an endpoint that is no tool.
    #[error("search data: {0}")]
    SearchData(#[from] crate::search_data::DataError),
    /// Reading or writing a file.
    #[error("failed to {action} {path}: {source}")]
    Io { action: &'static str, path: String, source: std::io::Error },
}
