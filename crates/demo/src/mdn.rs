//! Links to MDN, where someone learning the API reads the rest.

/// The MDN page of a Web API item, such as `WebSocket/readyState` or `CloseEvent/code`.
pub fn page(item: &str) -> String {
    String::from("https://developer.mozilla.org/en-US/docs/Web/API/") + item
}
