//! Random faults by rate, for `innboks sim --faults SPEC` and the soak test: latency with
//! jitter, server errors, throttling with `Retry-After`, malformed JSON, bodies cut short,
//! connections reset mid-body, bodies that drip slowly, and wrong content types. Seeded, so
//! a run can be repeated. (One-shot faults for a single test are on [`super::Faults`].)

use std::str::FromStr;
use std::time::Duration;

/// What to inject and how often (each a probability per API request, 0 to 1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    /// A `500`, `502` or `503` instead of the answer (`5xx=0.2`).
    pub server_error: f64,
    /// A `429` with `Retry-After: 1` (`429=0.05`).
    pub throttle: f64,
    /// Added latency, uniformly between the two, in ms (`latency=20..200`).
    pub latency: Option<(u64, u64)>,
    /// The connection dropped halfway through the body (`reset=0.01`).
    pub reset: f64,
    /// JSON cut in half, with a clean end (`malformed=0.01`).
    pub malformed: f64,
    /// A body shorter than its `Content-Length` (`truncate=0.01`).
    pub truncate: f64,
    /// The body sent in small pieces with pauses (`slow=0.01`).
    pub slow: f64,
    /// `Content-Type: text/plain` on JSON (`content-type=0.01`).
    pub wrong_type: f64,
    /// Altinn 3: a maintenance `503 text/plain` on any route (`maintenance=0.01`).
    pub maintenance: f64,
    /// Altinn 3: a free-text search answers `422` "too broad" (`too-broad=1`).
    pub too_broad: f64,
    /// Altinn 3: someone changed a dialog's labels just before (`conflict=1`): an `If-Match`
    /// sent with the old revision gets `412`.
    pub conflict: f64,
    /// Altinn 3: a dialog answers `410`, deleted meanwhile (`gone=0.01`).
    pub gone: f64,
    /// Altinn 3: `/parties` takes this long, in ms (`parties-latency=3000`).
    pub parties_latency: u64,
    /// The random seed (`seed=7`).
    pub seed: u64,
}

/// The fault chosen for one answer's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    /// Cut in half, cleanly.
    Malformed,
    /// Shorter than announced.
    Truncate,
    /// Reset halfway.
    Reset,
    /// Dripped slowly.
    Slow,
    /// Labelled `text/plain`.
    WrongType,
}

impl FaultSpec {
    /// True when nothing is injected.
    pub fn is_none(&self) -> bool {
        *self
            == Self {
                seed: self.seed,
                ..Self::default()
            }
    }
}

impl FromStr for FaultSpec {
    type Err = String;

    /// Parses `5xx=0.2,429=0.05,latency=20..200,reset=0.01,malformed=0.01`.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut spec = FaultSpec::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("«{part}»: write name=value"))?;
            let rate = || -> Result<f64, String> {
                let rate: f64 = value
                    .parse()
                    .map_err(|_| format!("«{part}»: {value} is not a number"))?;
                if (0.0..=1.0).contains(&rate) {
                    Ok(rate)
                } else {
                    Err(format!("«{part}»: a rate is between 0 and 1"))
                }
            };
            match key {
                "5xx" => spec.server_error = rate()?,
                "429" => spec.throttle = rate()?,
                "reset" => spec.reset = rate()?,
                "malformed" => spec.malformed = rate()?,
                "truncate" => spec.truncate = rate()?,
                "slow" => spec.slow = rate()?,
                "content-type" => spec.wrong_type = rate()?,
                "maintenance" => spec.maintenance = rate()?,
                "too-broad" => spec.too_broad = rate()?,
                "conflict" => spec.conflict = rate()?,
                "gone" => spec.gone = rate()?,
                "parties-latency" => {
                    spec.parties_latency = value
                        .parse()
                        .map_err(|_| format!("«{part}»: parties-latency is MS"))?
                }
                "seed" => {
                    spec.seed = value
                        .parse()
                        .map_err(|_| format!("«{part}»: a seed is a whole number"))?
                }
                "latency" => {
                    let (low, high) = value.split_once("..").unwrap_or((value, value));
                    let ms = |v: &str| {
                        v.trim()
                            .parse::<u64>()
                            .map_err(|_| format!("«{part}»: latency is MS or MS..MS"))
                    };
                    let (low, high) = (ms(low)?, ms(high)?);
                    if low > high {
                        return Err(format!("«{part}»: the range is backwards"));
                    }
                    spec.latency = Some((low, high));
                }
                other => {
                    return Err(format!(
                        "unknown fault «{other}» (5xx, 429, latency, reset, malformed, truncate, slow, content-type, maintenance, too-broad, conflict, gone, parties-latency, seed)"
                    ))
                }
            }
        }
        Ok(spec)
    }
}

/// Which rate of a spec.
type Rate = fn(&FaultSpec) -> f64;

/// The dice: a small seeded generator shared by the running simulator, with the spec in
/// force (tests change it while the simulator runs).
#[derive(Debug)]
pub struct FaultDice {
    state: std::sync::Mutex<(FaultSpec, super::data::Rng)>,
}

impl FaultDice {
    /// Dice for `spec`.
    pub fn new(spec: FaultSpec) -> Self {
        let rng = super::data::Rng::new(spec.seed.wrapping_add(0x5eed));
        Self {
            state: std::sync::Mutex::new((spec, rng)),
        }
    }

    /// Puts `spec` in force (and seeds the dice from it).
    pub fn set(&self, spec: FaultSpec) {
        *super::lock(&self.state) = (
            spec.clone(),
            super::data::Rng::new(spec.seed.wrapping_add(0x5eed)),
        );
    }

    fn roll(&self, rate: impl Fn(&FaultSpec) -> f64) -> bool {
        let mut state = super::lock(&self.state);
        let rate = rate(&state.0);
        rate > 0.0 && state.1.chance(rate)
    }

    /// Extra latency for this request.
    pub fn latency(&self) -> Duration {
        let mut state = super::lock(&self.state);
        match state.0.latency {
            Some((low, high)) => {
                let span = high - low;
                let extra = if span == 0 {
                    0
                } else {
                    state.1.below(span + 1)
                };
                Duration::from_millis(low + extra)
            }
            None => Duration::ZERO,
        }
    }

    /// A status to answer instead, if one is due: a 5xx, or 429.
    pub fn status(&self) -> Option<u16> {
        if self.roll(|s| s.server_error) {
            let pick = super::lock(&self.state).1.below(3);
            return Some([500, 502, 503][pick as usize]);
        }
        self.roll(|s| s.throttle).then_some(429)
    }

    /// Altinn 3: a maintenance answer now.
    pub fn maintenance(&self) -> bool {
        self.roll(|s| s.maintenance)
    }

    /// Altinn 3: this search is "too broad".
    pub fn too_broad(&self) -> bool {
        self.roll(|s| s.too_broad)
    }

    /// Altinn 3: the labels were changed elsewhere just now.
    pub fn conflict(&self) -> bool {
        self.roll(|s| s.conflict)
    }

    /// Altinn 3: the dialog was deleted meanwhile.
    pub fn gone(&self) -> bool {
        self.roll(|s| s.gone)
    }

    /// Altinn 3: how long `/parties` takes.
    pub fn parties_latency(&self) -> Duration {
        Duration::from_millis(super::lock(&self.state).0.parties_latency)
    }

    /// A fault for the body of a successful answer, if one is due.
    pub fn body(&self) -> Option<BodyFault> {
        let kinds: [(Rate, BodyFault); 5] = [
            (|s| s.reset, BodyFault::Reset),
            (|s| s.malformed, BodyFault::Malformed),
            (|s| s.truncate, BodyFault::Truncate),
            (|s| s.slow, BodyFault::Slow),
            (|s| s.wrong_type, BodyFault::WrongType),
        ];
        kinds
            .into_iter()
            .find(|(rate, _)| self.roll(rate))
            .map(|(_, fault)| fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        let spec: FaultSpec = "5xx=0.2,429=0.05,latency=20..200,reset=0.01,malformed=0.01,seed=3"
            .parse()
            .expect("parses");
        assert_eq!(spec.server_error, 0.2);
        assert_eq!(spec.throttle, 0.05);
        assert_eq!(spec.latency, Some((20, 200)));
        assert_eq!(spec.seed, 3);
        assert!(!spec.is_none());
        assert!("".parse::<FaultSpec>().expect("empty").is_none());
        for bad in ["5xx", "5xx=2", "latency=200..20", "boom=0.1", "seed=x"] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_dice_follow_the_rates() {
        let dice = FaultDice::new("5xx=0.5".parse().expect("spec"));
        let errors = (0..1000).filter(|_| dice.status().is_some()).count();
        assert!((350..650).contains(&errors), "{errors}");
        let none = FaultDice::new(FaultSpec::default());
        assert!((0..1000).all(|_| none.status().is_none() && none.body().is_none()));
    }
}
