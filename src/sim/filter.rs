//! The OData v3 `$filter` subset the simulator understands: `eq ne gt ge lt le and or not`,
//! parentheses, `substringof('x', tolower(Field))`, `tolower(Field)`, string literals in single
//! quotes, numbers and `DateTime'…'` literals. Anything else is an error naming the problem.

use chrono::NaiveDateTime;

/// A value a field or literal can have.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// Integer.
    Num(i64),
    /// Local date and time.
    Date(NaiveDateTime),
}

/// Something `$filter` can be evaluated against.
pub trait Record {
    /// The value of a field, `None` when the record lacks it; `Err` for unknown fields is
    /// decided by [`FIELDS`].
    fn field(&self, name: &str, language: u16) -> Option<Value>;
}

/// The fields a filter may name (matched case-insensitively).
const FIELDS: &[&str] = &[
    "ServiceOwner",
    "Status",
    "Type",
    "ServiceCode",
    "ServiceEdition",
    "CreatedDate",
    "LastChangedDateTime",
    "Subject",
    "Summary",
];

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(i64),
    Date(NaiveDateTime),
    Open,
    Close,
    Comma,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Field { name: &'static str, lower: bool },
    Literal(Value),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(Node);

#[derive(Debug, Clone, PartialEq)]
enum Node {
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Compare(Operand, Op, Operand),
    Substring(String, Operand),
}

fn parse_date_literal(text: &str) -> Result<NaiveDateTime, String> {
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]
        .iter()
        .find_map(|fmt| {
            NaiveDateTime::parse_from_str(text, fmt).ok().or_else(|| {
                chrono::NaiveDate::parse_from_str(text, fmt)
                    .ok()
                    .map(|d| d.and_time(chrono::NaiveTime::MIN))
            })
        })
        .ok_or_else(|| format!("Invalid DateTime literal '{text}'"))
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let read_quoted = |i: &mut usize| -> Result<String, String> {
        let mut text = String::new();
        *i += 1;
        loop {
            match chars.get(*i) {
                None => return Err("Unterminated string literal in $filter".into()),
                Some('\'') if chars.get(*i + 1) == Some(&'\'') => {
                    text.push('\'');
                    *i += 2;
                }
                Some('\'') => {
                    *i += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(*c);
                    *i += 1;
                }
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '\'' => tokens.push(Token::Str(read_quoted(&mut i)?)),
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = text
                    .parse()
                    .map_err(|_| format!("Invalid number '{text}' in $filter"))?;
                tokens.push(Token::Num(n));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if word.eq_ignore_ascii_case("datetime") && chars.get(i) == Some(&'\'') {
                    let text = read_quoted(&mut i)?;
                    tokens.push(Token::Date(parse_date_literal(&text)?));
                } else {
                    tokens.push(Token::Ident(word));
                }
            }
            other => return Err(format!("Unexpected character '{other}' in $filter")),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(word)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: Token, what: &str) -> Result<(), String> {
        if self.next() == Some(token) {
            Ok(())
        } else {
            Err(format!("Expected {what} in $filter"))
        }
    }

    fn or(&mut self) -> Result<Node, String> {
        let mut left = self.and()?;
        while self.keyword("or") {
            left = Node::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, String> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            left = Node::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, String> {
        if self.keyword("not") {
            return Ok(Node::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(Token::Close, "')'")?;
            return Ok(inner);
        }
        if self.keyword("substringof") {
            self.expect(Token::Open, "'(' after substringof")?;
            let needle = match self.next() {
                Some(Token::Str(s)) => s,
                _ => return Err("substringof needs a string literal first".into()),
            };
            self.expect(Token::Comma, "',' in substringof")?;
            let field = self.operand()?;
            if !matches!(field, Operand::Field { .. }) {
                return Err("substringof needs a field second".into());
            }
            self.expect(Token::Close, "')' after substringof")?;
            return Ok(Node::Substring(needle, field));
        }
        let left = self.operand()?;
        let op = match self.next() {
            Some(Token::Ident(w)) => match w.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                _ => return Err(format!("Unsupported operator '{w}' in $filter")),
            },
            _ => return Err("Expected a comparison operator in $filter".into()),
        };
        let right = self.operand()?;
        Ok(Node::Compare(left, op, right))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Operand::Literal(Value::Str(s))),
            Some(Token::Num(n)) => Ok(Operand::Literal(Value::Num(n))),
            Some(Token::Date(d)) => Ok(Operand::Literal(Value::Date(d))),
            Some(Token::Ident(w)) if w.eq_ignore_ascii_case("tolower") => {
                self.expect(Token::Open, "'(' after tolower")?;
                let inner = self.operand()?;
                self.expect(Token::Close, "')' after tolower")?;
                match inner {
                    Operand::Field { name, .. } => Ok(Operand::Field { name, lower: true }),
                    Operand::Literal(Value::Str(s)) => {
                        Ok(Operand::Literal(Value::Str(s.to_lowercase())))
                    }
                    _ => Err("tolower needs a field or a string".into()),
                }
            }
            Some(Token::Ident(w)) => FIELDS
                .iter()
                .find(|f| f.eq_ignore_ascii_case(&w))
                .map(|name| Operand::Field { name, lower: false })
                .ok_or_else(|| format!("Unknown field '{w}' in $filter")),
            _ => Err("Expected a field or a literal in $filter".into()),
        }
    }
}

/// Parses a `$filter` expression.
pub fn parse(input: &str) -> Result<Filter, String> {
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err("Empty $filter".into());
    }
    let mut parser = Parser { tokens, pos: 0 };
    let filter = parser.or()?;
    if parser.pos < parser.tokens.len() {
        return Err("Unexpected text after the end of $filter".into());
    }
    Ok(Filter(filter))
}

fn resolve(operand: &Operand, record: &dyn Record, language: u16) -> Option<Value> {
    match operand {
        Operand::Literal(v) => Some(v.clone()),
        Operand::Field { name, lower } => match record.field(name, language)? {
            Value::Str(s) if *lower => Some(Value::Str(s.to_lowercase())),
            v => Some(v),
        },
    }
}

impl Filter {
    /// Evaluates against a record; a type mismatch is an error.
    pub fn matches(&self, record: &dyn Record, language: u16) -> Result<bool, String> {
        self.0.matches(record, language)
    }
}

impl Node {
    fn matches(&self, record: &dyn Record, language: u16) -> Result<bool, String> {
        Ok(match self {
            Self::And(a, b) => a.matches(record, language)? && b.matches(record, language)?,
            Self::Or(a, b) => a.matches(record, language)? || b.matches(record, language)?,
            Self::Not(a) => !a.matches(record, language)?,
            Self::Substring(needle, field) => match resolve(field, record, language) {
                Some(Value::Str(s)) => s.contains(needle.as_str()),
                Some(_) => return Err("substringof works on text fields only".into()),
                None => false,
            },
            Self::Compare(left, op, right) => {
                let (Some(l), Some(r)) = (
                    resolve(left, record, language),
                    resolve(right, record, language),
                ) else {
                    return Ok(false);
                };
                let ordering = match (&l, &r) {
                    (Value::Str(a), Value::Str(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
                    (Value::Num(a), Value::Num(b)) => a.cmp(b),
                    (Value::Str(a), Value::Num(b)) | (Value::Num(b), Value::Str(a))
                        if a.parse::<i64>().is_ok() =>
                    {
                        let a: i64 = a.parse().unwrap_or_default();
                        if matches!(l, Value::Str(_)) {
                            a.cmp(b)
                        } else {
                            b.cmp(&a)
                        }
                    }
                    (Value::Date(a), Value::Date(b)) => a.cmp(b),
                    _ => return Err("Incompatible types in $filter comparison".into()),
                };
                match op {
                    Op::Eq => ordering.is_eq(),
                    Op::Ne => ordering.is_ne(),
                    Op::Gt => ordering.is_gt(),
                    Op::Ge => ordering.is_ge(),
                    Op::Lt => ordering.is_lt(),
                    Op::Le => ordering.is_le(),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Doc;
    impl Record for Doc {
        fn field(&self, name: &str, _language: u16) -> Option<Value> {
            match name {
                "ServiceOwner" => Some(Value::Str("Skatteetaten".into())),
                "Status" => Some(Value::Str("Ulest".into())),
                "ServiceEdition" => Some(Value::Num(3)),
                "ServiceCode" => Some(Value::Str("4503".into())),
                "Subject" => Some(Value::Str("Skattemelding for 2025".into())),
                "LastChangedDateTime" => parse_date_literal("2025-03-18T09:12:44")
                    .ok()
                    .map(Value::Date),
                _ => None,
            }
        }
    }

    fn eval(text: &str) -> Result<bool, String> {
        parse(text)?.matches(&Doc, 1044)
    }

    #[test]
    fn comparisons_and_logic() {
        assert_eq!(eval("ServiceOwner eq 'Skatteetaten'"), Ok(true));
        assert_eq!(
            eval("Status ne 'Arkivert' and ServiceEdition ge 3"),
            Ok(true)
        );
        assert_eq!(
            eval("not (Status eq 'Ulest') or ServiceEdition lt 2"),
            Ok(false)
        );
        assert_eq!(eval("substringof('skatt', tolower(Subject))"), Ok(true));
        assert_eq!(
            eval("LastChangedDateTime gt DateTime'2018-01-22T00:00:00'"),
            Ok(true)
        );
        assert_eq!(
            eval("LastChangedDateTime lt datetime'2018-01-22'"),
            Ok(false)
        );
        assert_eq!(
            eval("ServiceCode eq '4503' and CreatedDate gt DateTime'2018-01-01'"),
            Ok(false)
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(eval("Foo eq 'x'")
            .expect_err("an error")
            .contains("Unknown field 'Foo'"));
        assert!(eval("Subject like 'x'")
            .expect_err("an error")
            .contains("Unsupported operator"));
        assert!(eval("Subject eq 'x")
            .expect_err("an error")
            .contains("Unterminated"));
        assert!(eval("LastChangedDateTime eq 'x'")
            .expect_err("an error")
            .contains("Incompatible"));
        assert!(eval("(Subject eq 'x'").is_err());
    }
}
