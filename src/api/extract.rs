//! Request extractors whose rejection is [`ApiError`]: path segments
//! ([`PathParam`]) and the query string as the handler's own parameter type
//! ([`Query`]). A parameter type is a group (or groups, [`And`]) of fields
//! that derive both `IntoParams`, which the OpenAPI documents list and which
//! decides the accepted names, and `Deserialize`, whose field types (see
//! [`super::values`]) parse and check each value, naming the parameter.

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, PoisonError, RwLock};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::value::SeqDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use utoipa::IntoParams;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::Schema;

use super::error::ApiError;

/// Path segments, extracted as axum's `Path` but rejected with [`ApiError`]
/// (a segment that is not UTF-8 is a JSON 400, not plain text).
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParam<T>(pub T);

/// The decoded query string of a request, in order, without the browser
/// cache-buster `_`.
pub type Pairs = Vec<(String, String)>;

/// The query string as the parameters `T` of one endpoint: every name is one
/// `T` documents, given once (unless `T` lets it repeat), and every value
/// parses; empty values count as absent. Documented as `T`'s parameters,
/// optional ones not nullable.
#[derive(Debug)]
pub struct Query<T> {
    /// The parsed parameters.
    pub params: T,
    /// The decoded pairs, for keys of caches and links.
    pub pairs: Pairs,
}

impl<T> Query<T> {
    /// The parameters as one key of an ETag.
    pub fn key(&self) -> String {
        serde_urlencoded::to_string(&self.pairs).unwrap_or_default()
    }
}

impl<S: Send + Sync, T: QueryParams> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Query<T>, ApiError> {
        Query::parse(parts.uri.query())
    }
}

impl<T: QueryParams> Query<T> {
    /// Decodes, checks and parses a raw query string.
    pub fn parse(raw: Option<&str>) -> Result<Query<T>, ApiError> {
        let pairs = decode(raw)?;
        accept::<T>(&pairs)?;
        Ok(Query {
            params: T::from_pairs(&pairs)?,
            pairs,
        })
    }
}

impl<T: IntoParams> IntoParams for Query<T> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut out = T::into_params(parameter_in);
        for p in &mut out {
            p.schema = p.schema.take().map(not_null);
        }
        out
    }
}

/// A query value's schema without `nullable`: an absent parameter is how a
/// query says "none", and `Option` fields are optional, not nullable.
fn not_null(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::AllOf(mut all)) if all.items.len() == 1 => not_null(all.items.remove(0)),
        RefOr::T(Schema::Object(mut o)) => {
            o.nullable = false;
            RefOr::T(Schema::Object(o))
        }
        other => other,
    }
}

/// Decodes a raw query string.
pub fn decode(raw: Option<&str>) -> Result<Pairs, ApiError> {
    let pairs: Pairs = match raw {
        Some(r) if !r.is_empty() => serde_urlencoded::from_str(r)
            .map_err(|e| ApiError::bad("invalid_query", format!("malformed query string: {e}")))?,
        _ => Vec::new(),
    };
    // `_` is a browser cache-buster (`?_=1700000000`): accepted and ignored.
    Ok(pairs.into_iter().filter(|(k, _)| k != "_").collect())
}

/// Checks that every name is one `T` documents and that only the names `T`
/// lets repeat are given more than once.
fn accept<T: QueryParams>(pairs: &[(String, String)]) -> Result<(), ApiError> {
    let names = query_names::<T>();
    for (i, (k, _)) in pairs.iter().enumerate() {
        if !names.contains(&k.as_str()) {
            let (multi, single): (Vec<&str>, Vec<&str>) =
                names.iter().partition(|n| T::repeatable(n));
            let all: Vec<&str> = single.into_iter().chain(multi).collect();
            return Err(ApiError::bad(
                "unknown_parameter",
                format!("{k}: unknown parameter; accepted: {}", all.join(", ")),
            ));
        }
        if !T::repeatable(k) && pairs[..i].iter().any(|(k2, _)| k2 == k) {
            return Err(ApiError::invalid(k, "given more than once"));
        }
    }
    Ok(())
}

/// A parameter type [`Query`] hands a handler: a group whose fields derive
/// `IntoParams` and `Deserialize` ([`query_params!`]), or groups joined by
/// [`And`].
pub trait QueryParams: IntoParams + Sized + 'static {
    /// Parses the values of the parameters this type documents, in the
    /// order it documents them (so the first refusal is always the same).
    fn from_pairs(pairs: &[(String, String)]) -> Result<Self, ApiError>;

    /// Whether a parameter may be given more than once.
    fn repeatable(_name: &str) -> bool {
        false
    }
}

/// Makes parameter groups [`QueryParams`]: `query_params!(A, B)`, or
/// `query_params!(A repeating ["x", "y"])` for a group whose `Vec` fields
/// take a repeated parameter.
macro_rules! query_params {
    ($($t:ident $(repeating $r:expr)?),+ $(,)?) => {$(
        impl $crate::api::extract::QueryParams for $t {
            fn from_pairs(pairs: &[(String, String)]) -> Result<Self, $crate::api::error::ApiError> {
                $crate::api::extract::deserialize_group(pairs)
            }
            $(fn repeatable(name: &str) -> bool {
                $r.contains(&name)
            })?
        }
    )+};
}
pub(crate) use query_params;

/// The parameters of `A` and then those of `B`: an endpoint's parameters
/// composed from shared groups (documented, checked and parsed alike).
#[derive(Debug)]
pub struct And<A, B>(pub A, pub B);

impl<A: IntoParams, B: IntoParams> IntoParams for And<A, B> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut out = A::into_params(&parameter_in);
        out.extend(B::into_params(&parameter_in));
        out
    }
}

impl<A: QueryParams, B: QueryParams> QueryParams for And<A, B> {
    fn from_pairs(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        Ok(And(A::from_pairs(pairs)?, B::from_pairs(pairs)?))
    }

    fn repeatable(name: &str) -> bool {
        A::repeatable(name) || B::repeatable(name)
    }
}

/// No query parameters.
#[derive(IntoParams, serde::Deserialize)]
#[into_params(parameter_in = Query)]
pub struct NoParams {}

query_params!(NoParams);

/// The names of the query parameters `T` documents, worked out once per
/// type: building utoipa's parameter objects costs more than answering a
/// small request, and every request checks its parameters.
pub fn query_names<T: IntoParams + 'static>() -> &'static [&'static str] {
    type Names = HashMap<TypeId, &'static [&'static str]>;
    static NAMES: LazyLock<RwLock<Names>> = LazyLock::new(Default::default);
    let id = TypeId::of::<T>();
    if let Some(names) = NAMES
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
    {
        return names;
    }
    // Kept for the life of the process: one short list per parameter type.
    let names: Vec<&'static str> = T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .filter(|p| p.parameter_in == ParameterIn::Query)
        .map(|p| &*Box::leak(p.name.into_boxed_str()))
        .collect();
    let mut all = NAMES.write().unwrap_or_else(PoisonError::into_inner);
    let kept: &&'static [&'static str] = all
        .entry(id)
        .or_insert_with(|| Box::leak(names.into_boxed_slice()));
    kept
}

/// Deserialises the group `T` from the values of the names it documents, in
/// its order; a refused value is a 400 naming its parameter.
pub fn deserialize_group<T: DeserializeOwned + IntoParams + 'static>(
    pairs: &[(String, String)],
) -> Result<T, ApiError> {
    let entries = query_names::<T>()
        .iter()
        .filter_map(|&name| {
            let values: Vec<&str> = pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .collect();
            values
                .iter()
                .any(|v| !v.trim().is_empty())
                .then_some((name, values))
        })
        .collect();
    T::deserialize(Group {
        entries,
        next: None,
    })
    .map_err(|Refusal(e)| e)
}

/// Why a value was refused: the error of a parameter, or (while the name is
/// not yet known) a message.
#[derive(Debug)]
pub struct Refusal(ApiError);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Refusal {}

impl de::Error for Refusal {
    fn custom<M: fmt::Display>(msg: M) -> Refusal {
        Refusal(ApiError::bad("invalid_parameter", msg.to_string()))
    }
}

impl Refusal {
    /// The refusal of parameter `name`.
    fn named(self, name: &str) -> Refusal {
        match self.0 {
            ApiError::BadRequest {
                code: "invalid_parameter",
                message,
            } => Refusal(ApiError::invalid(name, message)),
            other => Refusal(other),
        }
    }
}

/// The parameters of one group as a serde map.
struct Group<'a> {
    entries: Vec<(&'static str, Vec<&'a str>)>,
    next: Option<(&'static str, Vec<&'a str>)>,
}

impl<'de> de::Deserializer<'de> for Group<'_> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Group<'_> {
    type Error = Refusal;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refusal> {
        if self.entries.is_empty() {
            return Ok(None);
        }
        let (name, values) = self.entries.remove(0);
        self.next = Some((name, values));
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refusal> {
        let (name, values) = self.next.take().expect("a value follows its key");
        seed.deserialize(Value(&values)).map_err(|e| e.named(name))
    }
}

/// The values of one parameter: a single one (trimmed) for a plain field,
/// all of them for a `Vec` field.
struct Value<'v, 'a>(&'v [&'a str]);

impl<'de> de::Deserializer<'de> for Value<'_, '_> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_str(self.0.first().map_or("", |v| v.trim()))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        let values: Vec<String> = self.0.iter().map(|v| v.to_string()).collect();
        visitor.visit_seq(SeqDeserializer::new(values.into_iter()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::values::Lat;

    /// A parameter group as the endpoints declare theirs.
    #[allow(dead_code)]
    #[derive(Debug, IntoParams, serde::Deserialize)]
    #[into_params(parameter_in = Query)]
    struct Near {
        /// Latitude
        #[param(inline)]
        lat: Option<Lat>,
        /// Required text
        q: String,
    }

    #[allow(dead_code)]
    #[derive(Debug, IntoParams, serde::Deserialize)]
    #[into_params(parameter_in = Query)]
    struct Paged {
        /// Page size
        limit: Option<String>,
        /// Repeatable
        #[serde(default)]
        #[param(value_type = Option<String>)]
        tag: Vec<String>,
    }

    query_params!(Near, Paged repeating ["tag"]);

    type Both = And<Near, Paged>;

    fn refusal<T: QueryParams + fmt::Debug>(raw: &str) -> (&'static str, String) {
        match Query::<T>::parse(Some(raw)) {
            Err(ApiError::BadRequest { code, message }) => (code, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_accepted_parameters_are_the_documented_ones() {
        assert_eq!(query_names::<Both>(), ["lat", "q", "limit", "tag"]);
        let ok = Query::<Both>::parse(Some("q=x&limit=2&lat=&_=123")).unwrap();
        let And(near, paged) = ok.params;
        assert_eq!((near.q.as_str(), near.lat), ("x", None));
        assert_eq!(paged.limit.as_deref(), Some("2"));
        assert_eq!(
            refusal::<Both>("q=x&page=2"),
            (
                "unknown_parameter",
                "page: unknown parameter; accepted: lat, q, limit, tag".into()
            )
        );
        assert_eq!(
            refusal::<Both>("q=x&q=y").1,
            "q: given more than once".to_string()
        );
        assert_eq!(refusal::<Near>("limit=1").0, "unknown_parameter");
        let tags = Query::<Both>::parse(Some("q=x&tag=a&tag=b")).unwrap();
        assert_eq!(tags.params.1.tag, ["a", "b"]);
        assert_eq!(
            refusal::<Both>("q=x&lat=91"),
            (
                "invalid_parameter",
                "lat: latitude 91 is outside -90..90".into()
            )
        );
        let p = Query::<Both>::parse(Some("q=%C5%9Bl%C4%85skie")).unwrap();
        assert_eq!(p.params.0.q, "śląskie");
    }

    #[test]
    fn query_parameters_are_optional_not_nullable() {
        let plain = serde_json::to_value(Near::into_params(|| None)).unwrap();
        assert_eq!(plain[0]["schema"]["allOf"][0]["maximum"], 90, "{plain}");
        let query = serde_json::to_value(Query::<Near>::into_params(|| None)).unwrap();
        assert_eq!(query[0]["name"], "lat");
        assert_eq!(query[0]["required"], false);
        assert_eq!(query[0]["schema"]["type"], "number");
        assert_eq!(query[0]["schema"]["maximum"], 90);
        assert!(query[0]["schema"].get("nullable").is_none(), "{query}");
        assert_eq!(query[1]["required"], true);
    }
}
