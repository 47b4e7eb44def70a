//! The counter build's entry (`frontend/counter/index.html`): the kiosk, the public
//! complaint form and the status lookup, without the staff app.

fn main() {
    tousu_frontend::counter::start();
}
