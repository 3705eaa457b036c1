//! The building blocks of the OpenAPI documents that handlers and parameter
//! types use: schema helpers for values whose range or vocabulary comes from
//! the code's constants, the answer sets an operation lists besides its 200,
//! and the schemas of answers written as bytes rather than by a serde type.
//! The documents themselves are assembled in `api/docs/`, which nothing
//! imports.

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response as Answer, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

use super::response::content_type;

/// A schema-only type for a parameter whose schema comes from the code's
/// constants (a range, a vocabulary): `value_type = Option<Name>, inline` on
/// an `IntoParams` field keeps the field's description and optionality.
macro_rules! param_schema {
    ($(#[$doc:meta])* $name:ident = $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        $crate::api::schema::schema_of!($name = $schema);
    };
}
pub(crate) use param_schema;

/// The `ToSchema` of an existing type, built by an expression (a parameter
/// value whose range or vocabulary the code's constants give).
macro_rules! schema_of {
    ($name:ident = $schema:expr) => {
        impl<'s> utoipa::ToSchema<'s> for $name {
            fn schema() -> (
                &'s str,
                utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
            ) {
                (stringify!($name), $schema.into())
            }
        }
    };
}
pub(crate) use schema_of;

/// A string schema with these values.
pub(crate) fn one_of<I: IntoIterator<Item = S>, S: Into<serde_json::Value>>(
    values: I,
) -> utoipa::openapi::ObjectBuilder {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::SchemaType::String)
        .enum_values(Some(values))
}

/// A number or integer schema within `min..=max`.
pub(crate) fn ranged(
    t: utoipa::openapi::SchemaType,
    min: f64,
    max: f64,
) -> utoipa::openapi::ObjectBuilder {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(t)
        .minimum(Some(min))
        .maximum(Some(max))
}

/// A JSON error answer (the `ErrorBody` schema).
fn error(description: &str) -> RefOr<Answer> {
    let body = ContentBuilder::new()
        .schema(Ref::from_schema_name("ErrorBody"))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(content_type::JSON, body)
            .build(),
    )
}

/// The answer to a conditional GET whose ETag matched.
fn not_modified() -> RefOr<Answer> {
    RefOr::T(
        ResponseBuilder::new()
            .description("Not modified (If-None-Match matched the ETag)")
            .build(),
    )
}

/// A set of answers an operation may give besides its 200, named once and
/// listed in `#[utoipa::path(responses(...))]`.
macro_rules! answers {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $answer:expr),* $(,)? }) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Answer>> {
                [$(($status.to_string(), $answer)),*].into_iter().collect()
            }
        }
    };
}

answers!(
    /// A practice query's: cached, bad input, an unknown `near`.
    QueryAnswers {
        "304" => not_modified(),
        "400" => error("Bad input, naming the parameter"),
        "404" => error("near= names no place the gazetteer knows"),
    }
);
answers!(
    /// A signed-in operation's refusals: a malformed request, no credentials.
    SignedIn {
        "400" => error("A malformed request, named"),
        "401" => error("Not signed in"),
    }
);
answers!(
    /// [`SignedIn`]'s, and an account not allowed (or a CSV served read-only).
    SignedInAllowed {
        "400" => error("A malformed request, named"),
        "401" => error("Not signed in"),
        "403" => error("Not allowed, or the service serves a CSV read-only (`serve --data`)"),
    }
);
answers!(
    /// A full download's: too many at once.
    Busy {
        "503" => error("Too many full downloads at once; Retry-After says when to try again"),
    }
);
answers!(
    /// A parameterless resource cached with the dataset.
    NotModified {
        "304" => not_modified(),
    }
);
answers!(
    /// A geocoding protocol's refusal.
    BadQuery {
        "400" => error("Bad input, naming the parameter"),
    }
);

param_schema!(
    /// A 0/1 flag (true/false also taken).
    Flag = one_of(["0", "1", "true", "false"])
);

/// The geometry of a GeoJSON Feature (RFC 7946).
#[derive(ToSchema)]
pub struct Geometry {
    /// Point, Polygon or MultiPolygon.
    pub r#type: String,
    /// Positions, `[lon, lat]`, nested as the type says.
    pub coordinates: Vec<Value>,
}

/// A practice (or a cluster of them) as a GeoJSON Feature: the summary view
/// in pages, the detail view from one practice's URL (both written by
/// `crate::geojson`, not by a serde type).
#[derive(ToSchema)]
pub struct Feature {
    /// `Feature`.
    pub r#type: String,
    /// The practice's id.
    pub id: Option<String>,
    /// A point, or null for a practice that is not placed.
    #[schema(required = true)]
    pub geometry: Option<Geometry>,
    /// The practice's properties.
    pub properties: Value,
}
