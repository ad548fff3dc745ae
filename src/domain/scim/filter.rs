//! SCIM filters and attribute paths (RFC 7644 3.4.2.2 and 3.5.2), parsed into a tree the
//! store turns into SQL. Attribute names are kept as written: matching them to what the
//! service stores, case-insensitively, is the caller's business.

use super::ScimError;

/// Most nesting a filter may have: a hostile `((((...` must not exhaust the stack.
const MAX_DEPTH: usize = 32;

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `path op value`.
    Compare(AttrPath, CompareOp, Literal),
    /// `path pr`.
    Present(AttrPath),
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// It does not hold.
    Not(Box<Filter>),
    /// `path[filter]`: some value of a multi-valued attribute passes the inner filter.
    Has(AttrPath, Box<Filter>),
}

/// An attribute path: `[urn:]name[.sub]`, or `name[filter].sub` where a value filter narrows a
/// multi-valued attribute (as PATCH paths and Entra ID's `emails[type eq "work"].value` do).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttrPath {
    /// The schema URN, when the path names one.
    pub urn: Option<String>,
    /// The attribute.
    pub name: String,
    /// The value filter between brackets.
    pub value_filter: Option<Box<Filter>>,
    /// The sub-attribute.
    pub sub: Option<String>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Contains.
    Co,
    /// Starts with.
    Sw,
    /// Ends with.
    Ew,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

/// A value compared against.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A JSON string.
    Text(String),
    /// A JSON number.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// Parses a `filter` query parameter.
pub fn parse_filter(text: &str) -> Result<Filter, ScimError> {
    let mut parser = Parser { text, at: 0, depth: 0 };
    let filter = parser.or()?;
    parser.skip_spaces();
    if parser.at < text.len() {
        return Err(parser.error("unexpected text"));
    }
    Ok(filter)
}

/// Parses a PATCH operation's `path`.
pub fn parse_path(text: &str) -> Result<AttrPath, ScimError> {
    let mut parser = Parser { text, at: 0, depth: 0 };
    parser.skip_spaces();
    let path = parser.path(true).map_err(|error| ScimError::invalid_path(error.detail))?;
    parser.skip_spaces();
    if parser.at < text.len() {
        return Err(ScimError::invalid_path(format!("unexpected text at character {} of the path", parser.at + 1)));
    }
    Ok(path)
}

/// Splits `urn:...:name.sub` (or `name.sub`) into its URN, attribute and sub-attribute.
pub fn split_attribute(text: &str) -> (Option<String>, String, Option<String>) {
    let (urn, rest) = match text.rfind(':') {
        Some(colon) => (Some(text[..colon].to_owned()), &text[colon + 1..]),
        None => (None, text),
    };
    match rest.split_once('.') {
        Some((name, sub)) => (urn, name.to_owned(), Some(sub.to_owned())),
        None => (urn, rest.to_owned(), None),
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> ScimError {
        ScimError::invalid_filter(format!("{what} at character {}", self.at + 1))
    }

    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.text.len() - trimmed.len();
    }

    /// Consumes `word` (case-insensitive) when it stands alone.
    fn keyword(&mut self, word: &str) -> bool {
        self.skip_spaces();
        let rest = self.rest();
        let matches = rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if matches {
            self.at += word.len();
        }
        matches
    }

    fn symbol(&mut self, symbol: char) -> bool {
        self.skip_spaces();
        if self.rest().starts_with(symbol) {
            self.at += symbol.len_utf8();
            true
        } else {
            false
        }
    }

    fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Result<T, ScimError>) -> Result<T, ScimError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!("more than {MAX_DEPTH} levels of nesting")));
        }
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn or(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        if self.keyword("not") {
            if !self.symbol('(') {
                return Err(self.error("'not' must be followed by '('"));
            }
            let inner = self.nested(Self::or)?;
            if !self.symbol(')') {
                return Err(self.error("expected ')'"));
            }
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.symbol('(') {
            let inner = self.nested(Self::or)?;
            if !self.symbol(')') {
                return Err(self.error("expected ')'"));
            }
            return Ok(inner);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Filter, ScimError> {
        self.skip_spaces();
        let path = self.path(false)?;
        if path.sub.is_none()
            && let Some(inner) = path.value_filter.clone()
        {
            // `emails[type eq "work"]` alone is a test on its own.
            self.skip_spaces();
            if self.at == self.text.len() || self.rest().starts_with([')', ']']) || self.peek_logical() {
                return Ok(Filter::Has(AttrPath { value_filter: None, ..path }, inner));
            }
        }
        if self.keyword("pr") {
            return Ok(Filter::Present(path));
        }
        let op = [
            ("eq", CompareOp::Eq),
            ("ne", CompareOp::Ne),
            ("co", CompareOp::Co),
            ("sw", CompareOp::Sw),
            ("ew", CompareOp::Ew),
            ("gt", CompareOp::Gt),
            ("ge", CompareOp::Ge),
            ("lt", CompareOp::Lt),
            ("le", CompareOp::Le),
        ]
        .into_iter()
        .find_map(|(word, op)| self.keyword(word).then_some(op))
        .ok_or_else(|| self.error("expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"))?;
        let value = self.literal()?;
        Ok(Filter::Compare(path, op, value))
    }

    fn peek_logical(&mut self) -> bool {
        let at = self.at;
        let logical = self.keyword("and") || self.keyword("or");
        self.at = at;
        logical
    }

    /// `[urn:]name[.sub]` or `name[filter][.sub]`; in a PATCH path the value filter may be anywhere.
    fn path(&mut self, patch: bool) -> Result<AttrPath, ScimError> {
        let start = self.at;
        let length = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-' | '$')))
            .unwrap_or(self.rest().len());
        if length == 0 {
            return Err(self.error(if patch { "expected an attribute name" } else { "expected an attribute path" }));
        }
        self.at += length;
        let (urn, name, sub) = split_attribute(&self.text[start..self.at]);
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '$') {
            return Err(self.error("an attribute name must start with a letter"));
        }
        let mut path = AttrPath { urn, name, value_filter: None, sub };
        if path.sub.is_none() && self.rest().starts_with('[') {
            self.at += 1;
            let inner = self.nested(Self::or)?;
            if !self.symbol(']') {
                return Err(self.error("expected ']'"));
            }
            path.value_filter = Some(Box::new(inner));
            if self.rest().starts_with('.') {
                self.at += 1;
                let rest = self.rest();
                let length = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                if length == 0 {
                    return Err(self.error("expected a sub-attribute after '].'"));
                }
                path.sub = Some(self.text[self.at..self.at + length].to_owned());
                self.at += length;
            }
        }
        Ok(path)
    }

    fn literal(&mut self) -> Result<Literal, ScimError> {
        self.skip_spaces();
        if self.keyword("true") {
            return Ok(Literal::Bool(true));
        }
        if self.keyword("false") {
            return Ok(Literal::Bool(false));
        }
        if self.keyword("null") {
            return Ok(Literal::Null);
        }
        let rest = self.rest();
        if rest.starts_with('"') {
            // A JSON string: let serde read exactly one, escapes included.
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            return match stream.next() {
                Some(Ok(text)) => {
                    self.at += stream.byte_offset();
                    Ok(Literal::Text(text))
                }
                _ => Err(self.error("unterminated or invalid string")),
            };
        }
        let length = rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(rest.len());
        match rest[..length].parse::<f64>() {
            Ok(number) if length > 0 && number.is_finite() => {
                self.at += length;
                Ok(Literal::Number(number))
            }
            _ => Err(self.error("expected a value (a quoted string, a number, true, false or null)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str) -> AttrPath {
        AttrPath { name: name.into(), ..Default::default() }
    }

    fn text(value: &str) -> Literal {
        Literal::Text(value.into())
    }

    #[test]
    fn what_entra_and_okta_send_parses() {
        assert_eq!(
            parse_filter(r#"userName eq "ada@example.com""#).unwrap(),
            Filter::Compare(attr("userName"), CompareOp::Eq, text("ada@example.com"))
        );
        let work_email = parse_filter(r#"emails[type eq "work"].value eq "a@b.c""#).unwrap();
        let Filter::Compare(path, CompareOp::Eq, value) = work_email else { panic!("{work_email:?}") };
        assert_eq!((path.name.as_str(), path.sub.as_deref(), value), ("emails", Some("value"), text("a@b.c")));
        assert_eq!(path.value_filter.as_deref(), Some(&Filter::Compare(attr("type"), CompareOp::Eq, text("work"))));
        let enterprise = parse_filter(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E1" and active eq true"#,
        )
        .unwrap();
        let Filter::And(left, right) = enterprise else { panic!("{enterprise:?}") };
        let Filter::Compare(path, _, _) = *left else { panic!() };
        assert_eq!(path.urn.as_deref(), Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
        assert_eq!(path.name, "employeeNumber");
        assert_eq!(*right, Filter::Compare(attr("active"), CompareOp::Eq, Literal::Bool(true)));
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let filter = parse_filter(r#"title pr or userName sw "a" AND not (active eq false)"#).unwrap();
        let Filter::Or(left, right) = filter else { panic!("{filter:?}") };
        assert_eq!(*left, Filter::Present(attr("title")));
        let Filter::And(_, negated) = *right else { panic!() };
        assert!(matches!(*negated, Filter::Not(_)));
    }

    #[test]
    fn strings_keep_escapes_and_operators_ignore_case() {
        let filter = parse_filter(r#"displayName EQ "say \"hi\" \u00e9""#).unwrap();
        assert_eq!(filter, Filter::Compare(attr("displayName"), CompareOp::Eq, text("say \"hi\" é")));
        assert_eq!(
            parse_filter("meta.lastModified gt 3").unwrap(),
            Filter::Compare(
                AttrPath { name: "meta".into(), sub: Some("lastModified".into()), ..Default::default() },
                CompareOp::Gt,
                Literal::Number(3.0)
            )
        );
    }

    #[test]
    fn a_value_filter_alone_is_a_test() {
        let filter = parse_filter(r#"emails[type eq "work" and value co "@"]"#).unwrap();
        assert!(matches!(filter, Filter::Has(ref path, _) if path.name == "emails"), "{filter:?}");
    }

    #[test]
    fn bad_filters_say_where() {
        for (filter, words) in [
            ("userName", "expected an operator"),
            (r#"userName eq "open"#, "unterminated"),
            (r#"userName zz "x""#, "expected an operator"),
            (r#"(userName eq "x""#, "expected ')'"),
            ("userName eq", "expected a value"),
            (r#"userName eq "x" junk"#, "unexpected text"),
            ("", "expected an attribute path"),
        ] {
            let error = parse_filter(filter).unwrap_err();
            assert_eq!(error.scim_type, Some("invalidFilter"), "{filter}");
            assert!(error.detail.contains(words), "{filter}: {}", error.detail);
        }
        let deep = format!("{}userName pr{}", "(".repeat(100), ")".repeat(100));
        assert!(parse_filter(&deep).unwrap_err().detail.contains("nesting"));
    }

    #[test]
    fn patch_paths() {
        let path = parse_path(r#"emails[type eq "work"].value"#).unwrap();
        assert_eq!((path.name.as_str(), path.sub.as_deref()), ("emails", Some("value")));
        let manager = parse_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").unwrap();
        assert_eq!(manager.name, "manager");
        assert_eq!(parse_path("name.givenName").unwrap().sub.as_deref(), Some("givenName"));
        assert_eq!(parse_path("emails[").unwrap_err().scim_type, Some("invalidPath"));
    }
}
