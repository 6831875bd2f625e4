//! No input, however malformed, makes loading panic: it either loads or
//! returns an error.

use mlw_specs::{LoadOptions, load_spec_str, load_spec_str_with};
use proptest::prelude::*;

const SEED: &str = include_str!("../../../../configs/seed.toml");

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = load_spec_str(&text);
    }

    #[test]
    fn arbitrary_toml_shaped_text_never_panics(
        section in "(data|split|tuning|tracking|models|features|threshold|calibration|x)",
        key in "[a-z_]{1,12}",
        value in "(-?[0-9]{1,3}(\\.[0-9])?|\"[a-z/:]{0,8}\"|true|\\[1, 2\\]|\\{ a = 1 \\})",
    ) {
        let _ = load_spec_str(&format!("[{section}]\n{key} = {value}\n"));
    }

    #[test]
    fn arbitrary_overrides_on_the_seed_never_panic(
        key in "[a-z_.\\[\\]0-9]{1,30}",
        value in "\\PC{0,20}",
    ) {
        if let Ok(options) = LoadOptions::new().with_set(&format!("{key}={value}")) {
            let _ = load_spec_str_with(SEED, &options);
        }
    }
}
