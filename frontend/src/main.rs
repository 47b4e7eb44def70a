//! Browser entry point built by Trunk.

fn main() {
    tousu_frontend::start();
}
