//! The shipped example config is valid and documents every key action.

use innboks::app::{Action, Keymap};
use innboks::config::ConfigFile;

#[test]
fn example_config_parses_and_names_every_action() {
    let text = include_str!("../assets/config.example.toml");
    let file: ConfigFile = toml::from_str(text).expect("the example config parses");
    assert!(file.environments.contains_key("prod"));
    Keymap::with_overrides(&file.keys).expect("its key table is valid");
    for action in Action::all() {
        assert!(
            text.contains(&format!("# {} = ", action.name())),
            "{} is documented",
            action.name()
        );
    }
}
