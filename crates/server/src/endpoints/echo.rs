//! `GET /websocket/echo`: the conformance echo, after the Web Platform Tests' `echo` handler.
//!
//! It selects the subprotocol `echo` when the client offers it, echoes every message, answers a
//! Close with the client's code and reason, and closes by itself (code 1000) after receiving
//! the text [`GOODBYE`].

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::CloseCode;

use crate::connection::{Connection, End, Incoming, Shared};

/// The subprotocol selected when offered.
pub const PROTOCOL: &str = "echo";
/// The text that makes the server close the connection.
pub const GOODBYE: &str = "Goodbye";

/// Accepts the connection, selecting [`PROTOCOL`] if offered, and spawns its task.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
) -> HttpResponse {
    Connection::serve("echo", &request, body, &shared, &[PROTOCOL], serve)
}

async fn serve(connection: &mut Connection) -> End {
    loop {
        let step = match connection.next().await {
            Ok(Incoming::Text(text)) if text == GOODBYE => {
                return End::Close(CloseCode::Normal.into())
            }
            Ok(incoming) => connection.echo(incoming).await,
            Err(end) => return end,
        };
        if let Err(end) = step {
            return end;
        }
    }
}
