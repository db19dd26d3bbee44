//! `GET /websocket/ping`: pings the client as soon as it opens, and reports the pong it gets
//! back as the text `pong: <payload>`; then echoes. Shows that a browser answers pings by
//! itself and never shows them to script.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::connection::{Connection, End, Incoming, Shared};

/// The payload of the ping sent on open.
pub const PAYLOAD: &[u8] = b"are you there?";

/// Accepts the connection, pings, and spawns its task.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
) -> HttpResponse {
    Connection::serve("ping", &request, body, &shared, &[], serve)
}

async fn serve(connection: &mut Connection) -> End {
    if let Err(end) = connection.send_ping(PAYLOAD).await {
        return end;
    }
    loop {
        let step = match connection.next().await {
            Ok(Incoming::Pong(payload)) => {
                let report = format!("pong: {}", String::from_utf8_lossy(&payload));
                connection.send_text(report).await
            }
            Ok(incoming) => connection.echo(incoming).await,
            Err(end) => return end,
        };
        if let Err(end) = step {
            return end;
        }
    }
}
