//! The three languages of the screens and the one being shown.
//!
//! Every text is written as a triple through [`crate::labels::Tr`], so a missing translation
//! is a compile error. The chosen language is kept per device (`platform::saved_locale`).

use leptos::prelude::*;

/// A language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum Locale {
    /// Simplified Chinese, the default.
    zh_CN,
    /// Traditional Chinese.
    zh_TW,
    /// English.
    en,
}

impl Locale {
    /// Every language, default first.
    pub const ALL: [Locale; 3] = [Locale::zh_CN, Locale::zh_TW, Locale::en];

    /// The BCP 47 tag (`zh-CN`), as in `<html lang>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::zh_CN => "zh-CN",
            Locale::zh_TW => "zh-TW",
            Locale::en => "en",
        }
    }

    /// The language of a tag written by [`Locale::as_str`].
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.as_str() == tag)
    }
}

/// The language being shown; `Copy`, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    /// Starts with `initial` and provides it to the app.
    pub fn provide(initial: Locale) -> I18n {
        let i18n = I18n(RwSignal::new(initial));
        provide_context(i18n);
        i18n
    }

    /// The language shown (reactive).
    pub fn get_locale(self) -> Locale {
        self.0.get()
    }

    /// Shows `locale` from now on.
    pub fn set_locale(self, locale: Locale) {
        self.0.set(locale);
    }
}

/// The language context of the app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.as_str()), Some(l));
        }
        assert_eq!(Locale::from_tag("fr"), None);
    }
}
