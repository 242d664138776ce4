//! How N-central's Java stack (Jackson, with Spring's defaults) reads a JSON
//! value into a Java field: the one reading both the reference mock (which
//! answers as N-central) and the harness's N-central on the vendor's side
//! use, so neither is stricter than N-central itself.

use serde_json::Value;

/// An `int`/`Integer` field: a JSON number (a fraction is truncated, as
/// `ACCEPT_FLOAT_AS_INT` does by default) or a decimal string, within 32 bits.
/// `None` for anything else (`true`, `"abc"`, an object, null, too large).
pub(crate) fn int32(value: &Value) -> Option<i32> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.trunc() as i64)
            })
            .and_then(|v| i32::try_from(v).ok()),
        Value::String(t) => t.trim().parse::<i32>().ok(),
        _ => None,
    }
}

/// A `String` field: a string, or a number or boolean written as text.
/// `None` for null, an array or an object.
pub(crate) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(t) => Some(t.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ints_and_strings_read_as_jackson_reads_them() {
        assert_eq!(int32(&json!(123)), Some(123));
        assert_eq!(int32(&json!("123")), Some(123));
        assert_eq!(int32(&json!(1.5)), Some(1));
        for refused in [
            json!("abc"),
            json!(true),
            json!({}),
            json!([1]),
            json!(null),
            json!(2_147_483_648_i64),
        ] {
            assert_eq!(int32(&refused), None, "{refused}");
        }
        assert_eq!(text(&json!("PSA-1")).as_deref(), Some("PSA-1"));
        assert_eq!(text(&json!(1001)).as_deref(), Some("1001"));
        assert_eq!(text(&json!(true)).as_deref(), Some("true"));
        assert_eq!(text(&json!(null)), None);
        assert_eq!(text(&json!({"a": 1})), None);
    }
}
