//! The `excel` parameter of `/api/practices.csv`: taken out of the query
//! string before the filter parameters are parsed.

use super::error::ApiError;
use crate::csv_out::Dialect;

/// Splits `excel=1|0` off a raw query string: the dialect, and the query
/// without it (so the filter's own parsing stays unchanged).
pub fn split(raw: Option<String>) -> Result<(Dialect, Option<String>), ApiError> {
    let Some(raw) = raw else {
        return Ok((Dialect::Plain, None));
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&raw)
        .map_err(|e| ApiError::bad("invalid_query", format!("malformed query string: {e}")))?;
    let mut dialect = Dialect::Plain;
    let mut rest = Vec::with_capacity(pairs.len());
    let mut seen = false;
    for (k, v) in pairs {
        if k != "excel" {
            rest.push((k, v));
            continue;
        }
        if seen {
            return Err(ApiError::invalid("excel", "given more than once"));
        }
        seen = true;
        dialect = match v.as_str() {
            "1" | "true" => Dialect::Excel,
            "0" | "false" | "" => Dialect::Plain,
            _ => return Err(ApiError::invalid("excel", "must be 1 or 0")),
        };
    }
    let rest = serde_urlencoded::to_string(&rest)
        .map_err(|e| ApiError::bad("invalid_query", format!("malformed query string: {e}")))?;
    Ok((dialect, Some(rest)))
}

/// [`split`] for parsed parameters: the dialect, and the other parameters.
pub fn split_params(
    params: super::extract::Params,
) -> Result<(Dialect, super::extract::Params), ApiError> {
    let raw = serde_urlencoded::to_string(params.pairs())
        .map_err(|e| ApiError::bad("invalid_query", format!("malformed query string: {e}")))?;
    let (dialect, rest) = split(Some(raw))?;
    Ok((dialect, super::extract::Params::decode(rest.as_deref())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_is_taken_out_and_checked() {
        let (d, rest) = split(Some("q=%C5%BC%C5%82obek&excel=1".into())).unwrap();
        assert_eq!(d, Dialect::Excel);
        assert_eq!(rest.as_deref(), Some("q=%C5%BC%C5%82obek"));
        assert_eq!(split(None).unwrap().0, Dialect::Plain);
        assert_eq!(split(Some("excel=0".into())).unwrap().0, Dialect::Plain);
        assert!(split(Some("excel=yes".into())).is_err());
        assert!(split(Some("excel=1&excel=1".into())).is_err());
    }
}
