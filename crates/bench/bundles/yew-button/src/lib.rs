//! What Yew alone costs: a one-button counter, built like the demo page.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[function_component]
fn Counter() -> Html {
    let count = use_state(|| 0u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_: MouseEvent| count.set(*count + 1))
    };
    html! { <button {onclick}>{ format!("clicked {} times", *count) }</button> }
}

#[wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<Counter>::new().render();
}
