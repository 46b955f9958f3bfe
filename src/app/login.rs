//! The login screen's state: the methods, the form, and an ID-porten flow in progress.

use std::fmt;
use std::time::SystemTime;

use super::TextInput;
pub use crate::domain::LoginMethod;

/// The focused element on the login screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    /// The method list.
    Method,
    /// The user name field.
    Username,
    /// The password field.
    Password,
}

/// The login form. The password is kept only until it is submitted.
#[derive(Clone, Default, PartialEq)]
pub struct LoginState {
    /// The method chosen.
    pub method: LoginMethod,
    /// Focused element.
    pub focus: Option<LoginField>,
    /// User name as typed.
    pub username: TextInput,
    /// Password as typed (cleared on submit and on failure).
    pub password: TextInput,
    /// The last error.
    pub error: Option<String>,
    /// The login request in flight.
    pub pending: Option<u64>,
    /// The session expired: the form is an overlay over a kept inbox.
    pub relogin: bool,
    /// An ID-porten flow in progress.
    pub flow: LoginFlow,
    /// Whether the provider offers the device flow (`None` until discovery answers).
    pub device_offered: Option<bool>,
    /// Discovery failed: why.
    pub provider_error: Option<String>,
    /// A stored session is being resumed.
    pub restoring: bool,
    /// Ask ID-porten for the high level of assurance (a step-up for a letter that needs
    /// it); the message to open again once logged in.
    pub step_up: Option<String>,
}

/// An ID-porten login in progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum LoginFlow {
    /// None.
    #[default]
    Idle,
    /// Waiting for the provider (discovery, device code, PAR).
    Starting,
    /// The device code is shown; polling.
    Device(DeviceView),
    /// The authorize URL is shown; the loopback listener waits, a URL can be pasted.
    Browser(BrowserView),
}

/// What the device-code screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceView {
    /// The code to type.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The URL with the code in it.
    pub verification_uri_complete: Option<String>,
    /// Its QR code as lines of text, made once when the code arrives (not per frame);
    /// empty without a complete URL.
    pub qr: Vec<String>,
    /// When the code expires.
    pub expires_at: SystemTime,
}

/// What the browser-login screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BrowserView {
    /// The URL to open.
    pub url: String,
    /// The loopback port waiting for the redirect.
    pub port: u16,
    /// The preferred fixed port was taken.
    pub fixed_port_busy: bool,
    /// The browser was opened automatically.
    pub opened: bool,
    /// The paste field.
    pub paste: TextInput,
    /// The paste field has the keys (else `y` copies the URL).
    pub paste_focused: bool,
    /// Why the last paste was refused.
    pub paste_error: Option<String>,
}

impl fmt::Debug for LoginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginState")
            .field("method", &self.method)
            .field("focus", &self.focus)
            .field("username", &self.username)
            .field("password", &"***")
            .field("error", &self.error)
            .field("pending", &self.pending)
            .field("relogin", &self.relogin)
            .field("flow", &self.flow)
            .finish()
    }
}

impl LoginState {
    /// The focused element (user name by default).
    pub fn focused(&self) -> LoginField {
        self.focus.unwrap_or(LoginField::Username)
    }
}
