//! Numbers as the language writes them: `12 345` in Norwegian, `12,345` in English.

use super::{current, Lang};

/// `n` with its thousands grouped the language's way (a no-break space in Norwegian, so a
/// count never breaks over two lines).
pub fn number(n: usize) -> String {
    let separator = match current() {
        Lang::En => ',',
        Lang::Nb | Lang::Nn => '\u{a0}',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::scoped;
    use super::*;

    #[test]
    fn thousands_are_grouped_by_language() {
        let _nb = scoped(Lang::Nb);
        assert_eq!(number(12_345), "12\u{a0}345");
        assert_eq!(number(999), "999");
        assert_eq!(number(1_000_000), "1\u{a0}000\u{a0}000");
        let _en = scoped(Lang::En);
        assert_eq!(number(12_345), "12,345");
        assert_eq!(number(0), "0");
    }
}
