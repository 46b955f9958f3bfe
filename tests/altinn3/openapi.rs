//! A small checker of JSON against the schemas of an OpenAPI 3.0 document: `$ref`, `type`,
//! `nullable`, `enum`, `format` (date-time, uuid), `properties` with
//! `additionalProperties: false`, `items` and `oneOf`. A field the schema does not know, a
//! wrong type or a wrong enum value is an error, with the path to it.

use serde_json::Value;

/// An OpenAPI document.
pub struct Spec {
    doc: Value,
}

impl Spec {
    /// The vendored Dialogporten end-user document.
    pub fn dialogporten() -> Self {
        let text = include_str!("openapi.enduser.json");
        let doc = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .expect("the OpenAPI document parses");
        Self { doc }
    }

    /// The schema of the answer `status` to `method path` (the path as in the document);
    /// a 4xx the operation does not list is checked as `ProblemDetails`, like the others.
    fn response_schema(&self, method: &str, path: &str, status: u16) -> Option<Value> {
        let operation = self
            .doc
            .get("paths")?
            .get(path)?
            .get(method.to_ascii_lowercase())?;
        let responses = operation.get("responses")?;
        let response = responses.get(status.to_string());
        match response {
            Some(r) => r
                .get("content")
                .and_then(|c| c.as_object()?.values().next()?.get("schema").cloned()),
            None if (400..500).contains(&status) => {
                Some(serde_json::json!({"$ref": "#/components/schemas/ProblemDetails"}))
            }
            None => None,
        }
    }

    /// Checks an answer; `Err` lists what does not match. Panics when the document has no
    /// such operation or status (the simulator answered something Dialogporten never does).
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        let operation = self.doc["paths"]
            .get(path)
            .and_then(|p| p.get(method.to_ascii_lowercase()));
        assert!(
            operation.is_some(),
            "no operation {method} {path} in the document"
        );
        let listed = operation
            .and_then(|o| o.get("responses"))
            .and_then(|r| r.get(status.to_string()))
            .is_some();
        assert!(
            listed || (400..500).contains(&status),
            "{method} {path} does not answer {status}"
        );
        // The document lists some errors without a body (403, 404); the service sends
        // ProblemDetails for them all the same (altinn3-api.md §2.8), checked as such.
        let schema = match self.response_schema(method, path, status) {
            Some(schema) => schema,
            None if body.is_null() => return Ok(()),
            None if status >= 400 => {
                serde_json::json!({"$ref": "#/components/schemas/ProblemDetails"})
            }
            None => return Err(vec![format!("{status} has no body in the document")]),
        };
        let mut errors = Vec::new();
        self.value(&schema, body, "$", &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/schemas/");
                self.resolve(&self.doc["components"]["schemas"][name])
            }
            None => schema,
        }
    }

    fn value(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let nullable = schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let schema = self.resolve(schema);
        if value.is_null() {
            if !nullable
                && !schema
                    .get("nullable")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            {
                errors.push(format!("{at}: null where the schema does not allow it"));
            }
            return;
        }
        if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
            let matching = options
                .iter()
                .filter(|o| {
                    let mut e = Vec::new();
                    self.value(o, value, at, &mut e);
                    e.is_empty()
                })
                .count();
            if matching != 1 {
                let mut first = Vec::new();
                if let Some(o) = options.first() {
                    self.value(o, value, at, &mut first);
                }
                errors.push(format!(
                    "{at}: matches {matching} of oneOf ({})",
                    first.join("; ")
                ));
            }
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!("{at}: {value} is not one of {allowed:?}"));
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => self.object(schema, value, at, errors),
            Some("array") => match value.as_array() {
                Some(items) => {
                    if let Some(item) = schema.get("items") {
                        for (i, v) in items.iter().enumerate() {
                            self.value(item, v, &format!("{at}[{i}]"), errors);
                        }
                    }
                }
                None => errors.push(format!("{at}: {value} is not an array")),
            },
            Some("string") => match value.as_str() {
                Some(text) => format_check(schema, text, at, errors),
                None => errors.push(format!("{at}: {value} is not a string")),
            },
            Some("integer") if !(value.is_i64() || value.is_u64()) => {
                errors.push(format!("{at}: {value} is not an integer"));
            }
            Some("number") if !value.is_number() => {
                errors.push(format!("{at}: {value} is not a number"));
            }
            Some("boolean") if !value.is_boolean() => {
                errors.push(format!("{at}: {value} is not a boolean"));
            }
            _ => {}
        }
    }

    fn object(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        let Some(map) = value.as_object() else {
            errors.push(format!("{at}: {value} is not an object"));
            return;
        };
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, v) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self.value(property, v, &format!("{at}.{key}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{at}.{key}: not in the schema"))
                    }
                    Some(extra @ Value::Object(_)) => {
                        self.value(extra, v, &format!("{at}.{key}"), errors)
                    }
                    _ => {}
                },
            }
        }
    }
}

fn format_check(schema: &Value, text: &str, at: &str, errors: &mut Vec<String>) {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
            errors.push(format!("{at}: {text} is not a date-time"));
        }
        Some("guid" | "uuid") => {
            let shape = text.len() == 36
                && text.chars().enumerate().all(|(i, c)| {
                    if [8, 13, 18, 23].contains(&i) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                });
            if !shape {
                errors.push(format!("{at}: {text} is not a uuid"));
            }
        }
        _ => {}
    }
}

/// Every `null` in a value, by path (Dialogporten omits them).
pub fn nulls(value: &Value, at: &str, found: &mut Vec<String>) {
    match value {
        Value::Null => found.push(at.to_owned()),
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| nulls(v, &format!("{at}.{k}"), found)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| nulls(v, &format!("{at}[{i}]"), found)),
        _ => {}
    }
}
