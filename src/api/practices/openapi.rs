//! The OpenAPI 3.0 description of the `/api` paths (the geocoding protocols add
//! theirs in [`crate::api::openapi`]).

use serde_json::{Value, json};

use super::{DEFAULT_LIMIT, MAX_K, MAX_LIMIT, MAX_RADIUS_KM};
use crate::api::openapi::closed;
use crate::practice::{Area, UnitType};

fn param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// The query parameters shared by the practice endpoints.
fn filter_params() -> Vec<Value> {
    vec![
        param(
            "bbox",
            "minLon,minLat,maxLon,maxLat (WGS84 degrees)",
            json!({"type": "string", "example": "18.4,54.3,18.8,54.45"}),
        ),
        param(
            "lat",
            "Latitude of the centre of a distance query",
            json!({"type": "number", "minimum": -90, "maximum": 90}),
        ),
        param(
            "lon",
            "Longitude of the centre of a distance query",
            json!({"type": "number", "minimum": -180, "maximum": 180}),
        ),
        param(
            "near",
            "Free text or postal code geocoded server-side as the centre, instead of lat/lon",
            json!({"type": "string", "example": "41-300"}),
        ),
        param(
            "radius_km",
            "Great-circle radius around the centre, km",
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0, "maximum": MAX_RADIUS_KM}),
        ),
        param(
            "k",
            "Only the k nearest (after the other filters)",
            json!({"type": "integer", "minimum": 1, "maximum": MAX_K}),
        ),
        param(
            "q",
            "Words that must all occur in title, summary, town or unit (case- and diacritic-insensitive)",
            json!({"type": "string", "maxLength": 200}),
        ),
        param(
            "category",
            "Area slug; a parent area matches its subareas",
            json!({"type": "string", "enum": Area::ALL.map(|a| a.slug())}),
        ),
        param(
            "voivodeship",
            "TERYT code (2 digits) or Polish name",
            json!({"type": "string", "example": "24"}),
        ),
        param(
            "powiat",
            "TERYT code (4 digits) or Polish name",
            json!({"type": "string", "example": "1213"}),
        ),
        param(
            "gmina",
            "TERYT code (6 digits) or name",
            json!({"type": "string", "example": "121301"}),
        ),
        param(
            "unit_type",
            "Type of the unit that runs the practice (Polish label, any case)",
            json!({"type": "string", "enum": UnitType::ALL.map(|u| u.label())}),
        ),
        param(
            "year_from",
            "First year (project start, else year added)",
            json!({"type": "integer", "minimum": 1900, "maximum": 2100}),
        ),
        param(
            "year_to",
            "Last year",
            json!({"type": "integer", "minimum": 1900, "maximum": 2100}),
        ),
        param(
            "limit",
            "Page size",
            json!({"type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
        ),
        param(
            "offset",
            "Page start",
            json!({"type": "integer", "minimum": 0, "default": 0}),
        ),
    ]
}

fn responses(ok: &str, content_type: &str, schema: &str) -> Value {
    json!({
        "200": {"description": ok, "content": {content_type: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
        "400": {"description": "Bad input, naming the parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
        "404": {"description": "near= names no place the gazetteer knows", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    })
}

/// `responses` with one more JSON error answer.
fn with(mut responses: Value, status: &str, description: &str) -> Value {
    responses[status] = json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    responses
}

/// The OpenAPI document of the `/api` paths.
pub fn document() -> Value {
    let filters = filter_params();
    let mut csv_params = filters.clone();
    csv_params.push(param(
        "excel",
        "1: the CSV for Excel (UTF-8 with a byte-order mark, ';' between cells)",
        json!({"type": "string", "enum": ["1", "0", "true", "false"]}),
    ));
    let mut cluster_params: Vec<Value> = filters
        .iter()
        .filter(|p| !matches!(p["name"].as_str(), Some("limit" | "offset" | "bbox")))
        .cloned()
        .collect();
    cluster_params.push(json!({"name": "bbox", "in": "query", "required": true, "description": "The map's viewport minLon,minLat,maxLon,maxLat", "schema": {"type": "string", "example": "14,49,24.2,54.9"}}));
    let mut count_params: Vec<Value> = filters
        .iter()
        .filter(|p| !matches!(p["name"].as_str(), Some("limit" | "offset")))
        .cloned()
        .collect();
    count_params.push(json!({"name": "by", "in": "query", "required": true, "description": "The unit to count by", "schema": {"type": "string", "enum": ["voivodeship", "powiat", "gmina"]}}));
    cluster_params.push(json!({"name": "zoom", "in": "query", "required": true, "description": "The map's zoom, 0 to 22", "schema": {"type": "integer", "minimum": 0, "maximum": crate::cluster::MAX_ZOOM}}));
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "mapa-praktyk API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Good practices of Polish local government on a map: GeoJSON (RFC 7946) with filtering, distance and region queries, downloads, and a geocoder for Polish postal codes and place names. Gazetteer: GeoNames (geonames.org), CC BY 4.0; voivodeship outlines: Natural Earth (public domain).",
        },
        "paths": {
            "/api/practices": {"get": {
                "summary": "Practices as a GeoJSON FeatureCollection with numberMatched and numberReturned; with a centre, sorted by distance with distance_km",
                "parameters": filters,
                "responses": responses("Practices", "application/geo+json", "PracticeCollection"),
            }},
            "/api/practices.geojson": {"get": {
                "summary": "The same filters, as a GeoJSON download (every match unless limit is given)",
                "parameters": filters,
                "responses": with(responses("GeoJSON attachment", "application/geo+json", "PracticeCollection"), "503", "Too many full downloads at once; Retry-After says when to try again"),
            }},
            "/api/clusters": {"get": {
                "summary": "The map's view at any size: the matches inside bbox grouped into cells for zoom, with exact counts, or the practices themselves when 500 or fewer",
                "parameters": cluster_params,
                "responses": responses("Clusters and practices", "application/geo+json", "PracticeCollection"),
            }},
            "/api/counts": {"get": {
                "summary": "The matches of the filters counted per voivodeship, powiat or gmina (largest count first), with numberMatched",
                "parameters": count_params,
                "responses": responses("Counts per unit: {by, numberMatched, counts: [{teryt, name, count}]}", "application/json", "UnitCounts"),
            }},
            "/api/practices.csv": {"get": {
                "summary": "The same filters, as a CSV download in the dataset's format (public view); cells that a spreadsheet would run as formulas are neutralised",
                "parameters": csv_params,
                "responses": with(json!({"200": {"description": "CSV attachment", "content": {"text/csv": {"schema": {"type": "string"}}}}, "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "404": {"description": "near= names no place the gazetteer knows", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}), "503", "Too many full downloads at once; Retry-After says when to try again"),
            }},
            "/api/practices/within": {"post": {
                "summary": "Practices inside a GeoJSON Polygon, MultiPolygon or Feature (holes honoured), with the same filters as query parameters",
                "parameters": filters,
                "requestBody": {"required": true, "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/Polygon"}}, "application/json": {"schema": {"$ref": "#/components/schemas/Polygon"}}}},
                "responses": with(responses("Practices", "application/geo+json", "PracticeCollection"), "413", "Body over 2 MiB or polygon over 10,000 positions"),
            }},
            "/api/practices/{id}": {"get": {
                "summary": "One practice with its full public record",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "Feature", "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/Feature"}}}},
                    "404": {"description": "Unknown id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            }},
            "/api/geocode": {"get": {
                "summary": "Geocode free text or structured fields into ranked candidates with precision and the TERYT chain",
                "parameters": [
                    param("q", "Free text: \"32-600 Oświęcim\", \"MOPS w Zawierciu\", \"Dabrowa Gornicza, śląskie\"", json!({"type": "string", "maxLength": 500})),
                    param("postal_code", "NN-NNN", json!({"type": "string", "pattern": "^[0-9]{2}-[0-9]{3}$"})),
                    param("town", "Locality name", json!({"type": "string"})),
                    param("gmina", "Gmina name or TERYT", json!({"type": "string"})),
                    param("powiat", "Powiat name or TERYT", json!({"type": "string"})),
                    param("voivodeship", "Voivodeship name or TERYT", json!({"type": "string"})),
                    param("limit", "Most candidates", json!({"type": "integer", "minimum": 1, "maximum": 10, "default": 10})),
                ],
                "responses": {
                    "200": {"description": "Candidates", "content": {"application/geo+json": {"schema": {"type": "object"}}}},
                    "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "404": {"description": "Nothing found (or nothing in the named region)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            }},
            "/api/reverse": {"get": {
                "summary": "The nearest locality to a point, with distance_km, postal code, gmina, powiat and voivodeship",
                "parameters": [
                    {"name": "lat", "in": "query", "required": true, "schema": {"type": "number", "minimum": -90, "maximum": 90}},
                    {"name": "lon", "in": "query", "required": true, "schema": {"type": "number", "minimum": -180, "maximum": 180}},
                ],
                "responses": {
                    "200": {"description": "Feature", "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/Feature"}}}},
                    "400": {"description": "Bad coordinates", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "404": {"description": "Outside coverage (Poland)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                },
            }},
            "/api/regions/voivodeships": {"get": {
                "summary": "The 16 voivodeship outlines (Natural Earth) with practice counts",
                "responses": {"200": {"description": "FeatureCollection", "content": {"application/geo+json": {"schema": {"$ref": "#/components/schemas/Voivodeships"}}}}, "304": {"description": "Not modified (If-None-Match matched the ETag)"}},
            }},
            "/api/categories": {"get": {
                "summary": "The area vocabulary with slugs and practice counts",
                "responses": {"200": {"description": "Categories", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Categories"}}}}, "304": {"description": "Not modified (If-None-Match matched the ETag)"}},
            }},
            "/api/config": {"get": {
                "summary": "Map page configuration: tile URL and attribution, limits",
                "responses": {"200": {"description": "Configuration", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PageConfig"}}}}},
            }},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.0"}}}},
            "/healthz": {"get": {"summary": "Liveness and dataset counts", "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}},
        },
        "components": {"schemas": {
            "Voivodeships": closed(&["type", "features", "attribution"], json!({
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "attribution": {"type": "string"},
                "features": {"type": "array", "items": closed(&["type", "id", "geometry", "properties"], json!({
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string"},
                    "geometry": {"type": "object", "required": ["type", "coordinates"], "properties": {"type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}},
                    "properties": closed(&["teryt", "name", "name_en", "count"], json!({
                        "teryt": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"}, "count": {"type": "integer", "minimum": 0},
                    })),
                }))},
            })),
            "Categories": closed(&["categories"], json!({"categories": {"type": "array", "items": closed(
                &["slug", "name_pl", "name_en", "path_pl", "parent", "count"],
                json!({
                    "slug": {"type": "string"}, "name_pl": {"type": "string"}, "name_en": {"type": "string"},
                    "path_pl": {"type": "string"}, "parent": {"type": "string", "nullable": true},
                    "count": {"type": "integer", "minimum": 0},
                }),
            )}})),
            "PageConfig": closed(&["tile_url", "tile_attribution", "default_limit", "max_limit", "practices"], json!({
                "tile_url": {"type": "string"}, "tile_attribution": {"type": "string"},
                "default_limit": {"type": "integer"}, "max_limit": {"type": "integer"},
                "practices": {"type": "integer", "minimum": 0},
            })),
            "Health": closed(&["status", "practices", "placed", "localities"], json!({
                "status": {"type": "string", "enum": ["ok"]}, "practices": {"type": "integer"},
                "placed": {"type": "integer"}, "localities": {"type": "integer"},
            })),
            "Polygon": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "enum": ["Polygon", "MultiPolygon", "Feature"]},
                "coordinates": {"type": "array"},
                "geometry": {"type": "object"},
            }},
            "UnitCounts": {"type": "object", "required": ["by", "numberMatched", "counts"], "properties": {"by": {"type": "string"}, "numberMatched": {"type": "integer"}, "counts": {"type": "array", "items": {"type": "object", "required": ["teryt", "name", "count"], "properties": {"teryt": {"type": "string"}, "name": {"type": "string"}, "count": {"type": "integer"}}}}}},
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
            "Feature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "string"},
                "geometry": {"type": "object", "nullable": true},
                "properties": {"type": "object"},
            }},
            "PracticeCollection": {"type": "object", "required": ["type", "features", "numberMatched", "numberReturned"], "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Feature"}},
                "numberMatched": {"type": "integer"},
                "numberReturned": {"type": "integer"},
                "near": {"type": "object", "description": "The geocoded centre of a near= query"},
            }},
        }},
    })
}
