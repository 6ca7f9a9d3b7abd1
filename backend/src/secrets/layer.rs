//! Scrubbing by value where bytes leave the process: a middleware over every API answer, and a
//! writer under the log lines. Both replace every known secret value (see [`super::known`]) by
//! the placeholder; an answer or line that holds none passes unchanged after one scan.

use std::io::{self, Write};

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use tracing_subscriber::fmt::MakeWriter;

use super::known;

/// Serves the request with a secret scope of its own, then scrubs its answer (API answers and
/// metrics; the browser app's files hold no secrets). Answers are buffered to be scrubbed, so
/// a streaming answer must be served outside this layer.
pub async fn scrub_answers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // The event stream scrubs each event itself (crate::live::stream).
    let streams = path == "/api/v1/events";
    if streams || !(path.starts_with("/api/") || path == "/metrics") {
        return next.run(request).await;
    }
    known::with_request_scope(async move {
        let response = next.run(request).await;
        let (mut parts, body) = response.into_parts();
        let Ok(bytes) = to_bytes(body, usize::MAX).await else {
            return Response::from_parts(parts, Body::empty());
        };
        match known::scrub_body(&bytes) {
            Some(scrubbed) => {
                parts.headers.remove(header::CONTENT_LENGTH);
                Response::from_parts(parts, Body::from(scrubbed))
            }
            None => Response::from_parts(parts, Body::from(bytes)),
        }
    })
    .await
}

/// Standard error, with every known secret scrubbed from each log line (the formatter writes
/// one whole line at a time).
#[derive(Clone, Copy, Default)]
pub struct ScrubbedStderr;

pub struct ScrubbingWriter<W: Write>(W);

impl<'a> MakeWriter<'a> for ScrubbedStderr {
    type Writer = ScrubbingWriter<io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter(io::stderr())
    }
}

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(line);
        self.0.write_all(known::scrub_text(&text).as_bytes())?;
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_with_a_known_secret_is_written_scrubbed() {
        known::learn(["log-line-secret-value"]);
        let mut written = ScrubbingWriter(Vec::new());
        written
            .write_all(b"WARN connect: password=log-line-secret-value rejected\n")
            .unwrap();
        assert_eq!(
            String::from_utf8(written.0).unwrap(),
            "WARN connect: password=[hidden] rejected\n"
        );
    }
}
