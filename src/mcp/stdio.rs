//! The stdio transport: rmcp's newline-delimited JSON-RPC on stdin and stdout, except that a
//! `tools/list` answer is written from its profile's serialized [`Listing`] instead of being
//! parsed into rmcp values and serialized again for every request.
//!
//! Reading stays rmcp's own (`AsyncRwTransport`: bounded lines, unparsable input ignored, an
//! Invalid Request answer for well-formed JSON that is not a message); its rare answers are copied
//! to stdout whole, under the same lock as every other line.

use std::future::Future;
use std::sync::Arc;

use rmcp::RoleServer;
use rmcp::model::{JsonRpcMessage, ListToolsResult, MetaObject, ServerJsonRpcMessage, ServerResult};
use rmcp::service::RxJsonRpcMessage;
use rmcp::transport::Transport;
use rmcp::transport::async_rw::AsyncRwTransport;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::Mutex;

use super::catalog::Listing;

/// The `_meta` key that marks a `tools/list` answer to fill in, with its listing's id.
const LISTING_KEY: &str = "pve-mcp/serialized-listing";

/// The answer [`super::server::PveServer::list_tools`] gives on stdio: no tools, and a mark
/// naming the listing this transport writes in their place.
pub fn listing_placeholder(listing: &Listing) -> ListToolsResult {
    let mut meta = MetaObject::new();
    meta.insert(LISTING_KEY.into(), json!(listing.id));
    ListToolsResult { meta: Some(meta), ..ListToolsResult::with_all_items(Vec::new()) }
}

/// One line of output, as rmcp would write it: the message's text, with a marked listing's tools
/// to be written between `head` and `tail` (never copied: it is as large as the listing).
struct Line {
    head: Vec<u8>,
    listing: Option<Arc<Listing>>,
    tail: Vec<u8>,
}

impl Line {
    /// The pieces to write, in order.
    fn pieces(&self) -> [&[u8]; 3] {
        [&self.head, self.listing.as_ref().map_or(&[][..], |l| l.json().as_bytes()), &self.tail]
    }
}

/// The message as rmcp would write it, with a marked listing filled in.
fn encode(mut item: ServerJsonRpcMessage) -> std::io::Result<Line> {
    let mut listing = None;
    if let JsonRpcMessage::Response(r) = &mut item
        && let ServerResult::ListToolsResult(result) = &mut r.result
        && let Some(id) = result.meta.as_mut().and_then(|m| m.remove(LISTING_KEY)).and_then(|v| v.as_u64())
    {
        if result.meta.as_ref().is_some_and(|m| m.is_empty()) {
            result.meta = None;
        }
        listing = Listing::by_id(id as usize);
    }
    let mut head = serde_json::to_vec(&item)?;
    let mut tail = Vec::new();
    if listing.is_some() {
        // The result is the message's last member and its only `"tools":[]`: no string can hold
        // that text unescaped.
        const EMPTY: &[u8] = br#""tools":[]"#;
        let at = head.windows(EMPTY.len()).rposition(|w| w == EMPTY).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "tools/list answer without its tools array")
        })?;
        tail = head.split_off(at + EMPTY.len());
        head.truncate(at + EMPTY.len() - 2);
    }
    tail.push(b'\n');
    Ok(Line { head, listing, tail })
}

/// Standard output, shared by the answers and the copied Invalid Request lines.
type Out = Arc<Mutex<Box<dyn AsyncWrite + Send + Unpin>>>;

/// Writes are handed to tokio's stdout in pieces of at most this size: it copies each write into a
/// buffer of its own, which would otherwise grow to the size of the whole listing.
const PIECE: usize = 64 * 1024;

async fn write_line(out: &Out, pieces: &[&[u8]]) -> std::io::Result<()> {
    let mut out = out.lock().await;
    for piece in pieces {
        for chunk in piece.chunks(PIECE) {
            out.write_all(chunk).await?;
        }
    }
    out.flush().await
}

/// The stdio transport (see the module documentation).
pub struct Stdio {
    reader: AsyncRwTransport<RoleServer, tokio::io::Stdin, DuplexStream>,
    out: Out,
}

impl Stdio {
    pub fn new() -> Self {
        Self::over(tokio::io::stdin(), tokio::io::stdout())
    }

    fn over(input: tokio::io::Stdin, output: impl AsyncWrite + Send + Unpin + 'static) -> Self {
        let out: Out = Arc::new(Mutex::new(Box::new(output)));
        let (to_copy, copied) = tokio::io::duplex(64 * 1024);
        let copy_out = out.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(copied);
            let mut line = Vec::new();
            while lines.read_until(b'\n', &mut line).await.is_ok_and(|n| n > 0) {
                if write_line(&copy_out, &[&line]).await.is_err() {
                    break;
                }
                line.clear();
            }
        });
        Stdio { reader: AsyncRwTransport::new_server(input, to_copy), out }
    }
}

impl Default for Stdio {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport<RoleServer> for Stdio {
    type Error = std::io::Error;

    fn send(&mut self, item: ServerJsonRpcMessage) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let out = self.out.clone();
        async move {
            let line = encode(item)?;
            write_line(&out, &line.pieces()).await
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleServer>>> + Send {
        self.reader.receive()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.reader.close().await?;
        self.out.lock().await.flush().await
    }
}

#[cfg(test)]
mod tests {
    use rmcp::model::{JsonRpcResponse, JsonRpcVersion2_0, NumberOrString};

    use super::*;
    use crate::config::ToolMode;
    use crate::mcp::catalog;
    use crate::policy::Policy;
    use crate::tools::generated::Category;
    use crate::tools::registry::Tier;

    fn answer(result: ListToolsResult) -> ServerJsonRpcMessage {
        JsonRpcMessage::Response(JsonRpcResponse {
            jsonrpc: JsonRpcVersion2_0,
            id: NumberOrString::Number(7),
            result: ServerResult::ListToolsResult(result),
        })
    }

    fn bytes(line: Line) -> Vec<u8> {
        line.pieces().concat()
    }

    #[test]
    fn a_marked_listing_is_written_as_rmcp_would_write_the_tools() {
        let policy = Policy::new(Tier::Full, Category::ALL.iter().copied().collect(), false);
        let listing = catalog::listing(&policy, ToolMode::Direct, 4000, false, &[], None);
        let spliced = bytes(encode(answer(listing_placeholder(&listing))).unwrap());
        let typed = bytes(encode(answer(ListToolsResult::with_all_items(listing.tools()))).unwrap());
        assert_eq!(String::from_utf8(spliced).unwrap(), String::from_utf8(typed).unwrap());
    }

    #[test]
    fn other_answers_are_written_unchanged() {
        let plain = answer(ListToolsResult::with_all_items(Vec::new()));
        assert_eq!(
            bytes(encode(plain.clone()).unwrap()),
            [serde_json::to_vec(&plain).unwrap(), b"\n".to_vec()].concat()
        );
    }
}
