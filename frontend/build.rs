//! Generates the `i18n` module from `locales/*.json` at build time (nothing is downloaded).

use std::path::PathBuf;

use leptos_i18n_build::{Config, TranslationsInfos};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("i18n");
    let config = Config::new("zh-CN")
        .and_then(|c| c.add_locales(["zh-TW", "en"]))
        .expect("valid locale names");
    let infos = TranslationsInfos::parse(config).expect("locales/*.json parse");
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    infos.generate_i18n_module(out).expect("write i18n module");
}
