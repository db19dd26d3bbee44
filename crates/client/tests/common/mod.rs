//! What the kit's tests share: a test that runs natively and in the browser, and a clock to
//! report wall times by. (`#[macro_use] mod common;` at the top of a test file.)

/// An async test, natively on the `futures` executor and in the browser on its event loop.
macro_rules! kit_test {
    ($(#[$meta:meta])* async fn $name:ident() $body:block) => {
        $(#[$meta])*
        #[cfg(not(target_arch = "wasm32"))]
        #[test]
        fn $name() {
            futures_executor::block_on(async $body)
        }

        $(#[$meta])*
        #[cfg(target_arch = "wasm32")]
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn $name() $body
    };
}

/// Milliseconds of wall-clock time since some origin, to a fraction of one.
pub fn wall_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now());
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
        let origin = *ORIGIN.get_or_init(std::time::Instant::now);
        origin.elapsed().as_secs_f64() * 1000.0
    }
}

/// Prints a figure: in the browser's console (the test runner shows it), or on stderr.
pub fn report(line: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::log_1(&line.into());
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
}
