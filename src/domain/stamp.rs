//! An instant in eight bytes.

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroI64;

use chrono::{DateTime, Utc};

/// An instant to the microsecond in eight bytes, and `Option<Stamp>` in eight too: a row
/// keeps three, where `DateTime<Utc>` costs twelve. (The cache keeps milliseconds, so
/// nothing finer survives a restart anyway.)
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp(NonZeroI64);

impl Stamp {
    /// Microseconds since 1970, with the sign bit flipped: chrono's range never reaches
    /// `i64::MIN` microseconds, so the stored value is never zero, which `Option` uses.
    const FLIP: i64 = i64::MIN;

    /// chrono's first and last instants in microseconds (a test holds them to chrono's).
    const FIRST_MICROS: i64 = -8_334_601_228_800_000_000;
    const LAST_MICROS: i64 = 8_210_266_876_799_999_999;

    /// The instant as chrono's.
    pub fn utc(self) -> DateTime<Utc> {
        // (Every stamp was made from a `DateTime`, so the instant is always in range.)
        DateTime::from_timestamp_micros(self.micros()).unwrap_or_default()
    }

    /// The instant `millis` milliseconds after 1970, if chrono can hold it. (No calendar
    /// arithmetic: the cache reads three for each of a million rows.)
    pub fn from_millis(millis: i64) -> Option<Self> {
        let micros = millis.checked_mul(1_000)?;
        (Self::FIRST_MICROS..=Self::LAST_MICROS)
            .contains(&micros)
            .then(|| Self::from_micros(micros))
    }

    /// Milliseconds since 1970.
    pub fn millis(self) -> i64 {
        self.micros().div_euclid(1_000)
    }

    /// The instant in whole milliseconds, as the cache keeps it.
    pub fn whole_millis(self) -> Self {
        let micros = self.micros();
        Self::from_micros(micros - micros.rem_euclid(1_000))
    }

    fn from_micros(micros: i64) -> Self {
        // (Zero only for `i64::MIN` microseconds, before chrono's first instant.)
        Self(NonZeroI64::new(micros ^ Self::FLIP).unwrap_or(NonZeroI64::MIN))
    }

    fn micros(self) -> i64 {
        self.0.get() ^ Self::FLIP
    }
}

impl From<DateTime<Utc>> for Stamp {
    fn from(time: DateTime<Utc>) -> Self {
        Self::from_micros(time.timestamp_micros())
    }
}

impl From<Stamp> for DateTime<Utc> {
    fn from(stamp: Stamp) -> Self {
        stamp.utc()
    }
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.micros().cmp(&other.micros())
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.utc(), f)
    }
}

impl serde::Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.utc().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DateTime::<Utc>::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::SubsecRound;

    #[test]
    fn eight_bytes_and_the_same_instant_back() {
        assert_eq!(std::mem::size_of::<Option<Stamp>>(), 8);
        let times = [
            DateTime::<Utc>::MIN_UTC,
            DateTime::from_timestamp_micros(-1).unwrap_or_default(),
            DateTime::UNIX_EPOCH,
            DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap_or_default(),
            // .NET's "no date" (0001-01-01), which servers do send.
            DateTime::from_timestamp(-62_135_596_800, 0).unwrap_or_default(),
            DateTime::<Utc>::MAX_UTC,
        ];
        for time in times {
            let back = Stamp::from(time).utc();
            assert_eq!(back.timestamp_micros(), time.timestamp_micros(), "{time}");
        }
        let mut stamps: Vec<Stamp> = times.iter().copied().map(Stamp::from).collect();
        stamps.sort();
        let mut sorted = times.to_vec();
        sorted.sort();
        let back: Vec<DateTime<Utc>> = stamps.into_iter().map(Stamp::utc).collect();
        assert_eq!(
            back.iter()
                .map(DateTime::timestamp_micros)
                .collect::<Vec<_>>(),
            sorted
                .iter()
                .map(DateTime::timestamp_micros)
                .collect::<Vec<_>>(),
            "ordered as the instants"
        );
    }

    #[test]
    fn milliseconds_as_the_cache_keeps_them() {
        let stamp = Stamp::from_millis(-1_500).expect("in range");
        assert_eq!(stamp.millis(), -1_500);
        assert_eq!(stamp.utc().timestamp_millis(), -1_500);
        assert!(Stamp::from_millis(i64::MAX).is_none());
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            Stamp::FIRST_MICROS,
            first.timestamp_micros(),
            "chrono's first"
        );
        assert_eq!(Stamp::LAST_MICROS, last.timestamp_micros(), "chrono's last");
        let first_ms = first.timestamp_millis();
        assert_eq!(Stamp::from_millis(first_ms).map(Stamp::utc), Some(first));
        assert!(Stamp::from_millis(first_ms - 1).is_none());
        let last_ms = last.timestamp_millis();
        assert_eq!(
            Stamp::from_millis(last_ms).map(Stamp::millis),
            Some(last_ms)
        );
        assert!(Stamp::from_millis(last_ms + 1).is_none());
        let fine = DateTime::from_timestamp_micros(-1_500_250).unwrap_or_default();
        assert_eq!(
            Stamp::from(fine).whole_millis().utc(),
            fine.trunc_subsecs(3),
            "cut as chrono cuts"
        );
    }

    #[test]
    fn serialised_as_the_instant() {
        let time = DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default();
        let json = serde_json::to_string(&Stamp::from(time)).unwrap_or_default();
        assert_eq!(json, serde_json::to_string(&time).unwrap_or_default());
        let back: Stamp = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back.utc(), time);
    }
}
