//! The OpenAPI description of the Photon and Nominatim paths, merged into
//! `/api/openapi.json`.

use serde_json::{Value, json};

use crate::api::openapi::closed;

fn q(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn flag(name: &str, description: &str) -> Value {
    q(
        name,
        description,
        json!({"type": "string", "enum": ["0", "1", "true", "false"]}),
    )
}

fn lat_lon() -> [Value; 2] {
    [
        json!({"name": "lat", "in": "query", "required": true, "schema": {"type": "number", "minimum": -90, "maximum": 90}}),
        json!({"name": "lon", "in": "query", "required": true, "schema": {"type": "number", "minimum": -180, "maximum": 180}}),
    ]
}

/// Nominatim's parameters that are taken for its clients' sake and change
/// nothing here (no OSM tags, names or other outline formats are held).
fn nominatim_ignored() -> Vec<Value> {
    let mut out: Vec<Value> = [
        "namedetails",
        "extratags",
        "polygon_kml",
        "polygon_svg",
        "polygon_text",
        "debug",
    ]
    .into_iter()
    .map(|name| flag(name, "Ignored (accepted for clients)"))
    .collect();
    for name in ["layer", "polygon_threshold", "email", "entrances"] {
        out.push(q(
            name,
            "Ignored (accepted for clients)",
            json!({"type": "string"}),
        ));
    }
    out
}

/// A reference to a schema of [`schemas`].
fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn answers(ok: &str, schema: Value) -> Value {
    json!({
        "200": {"description": ok, "content": {"application/json": {"schema": schema}}},
        "400": {"description": "Bad input, naming the parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    })
}

/// The path items of `/photon` and `/nominatim` (trailing-slash and `.php`
/// aliases answer the same and are not listed).
pub fn paths() -> Vec<(&'static str, Value)> {
    let format = q(
        "format",
        "Output format",
        json!({"type": "string", "enum": ["json", "jsonv2", "geojson", "geocodejson"]}),
    );
    let lang = q(
        "accept-language",
        "Language of the country name",
        json!({"type": "string"}),
    );
    let [lat, lon] = lat_lon();
    vec![
        (
            "/photon/api",
            json!({"get": {
                "summary": "Photon-compatible search: localities and administrative units as GeoJSON",
                "parameters": [
                    json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 500}}),
                    q("limit", "Most results (at most 10 are returned)", json!({"type": "integer", "minimum": 1, "maximum": 1000})),
                    q("lang", "Language of the country name", json!({"type": "string"})),
                    q("lat", "Location bias latitude (with lon)", json!({"type": "number", "minimum": -90, "maximum": 90})),
                    q("lon", "Location bias longitude (with lat)", json!({"type": "number", "minimum": -180, "maximum": 180})),
                    q("bbox", "minLon,minLat,maxLon,maxLat", json!({"type": "string"})),
                    q("zoom", "Ignored (accepted for clients)", json!({"type": "integer", "minimum": 0, "maximum": 30})),
                    q("location_bias_scale", "Ignored (accepted for clients)", json!({"type": "number", "minimum": 0, "maximum": 1})),
                    q("osm_tag", "Filter key[:value], ! to negate; repeatable", json!({"type": "string"})),
                    q("layer", "city, county or state; repeatable", json!({"type": "string"})),
                    q("debug", "Ignored", json!({"type": "string"})),
                    q("dedupe", "Ignored", json!({"type": "string"})),
                ],
                "responses": answers("A GeoJSON FeatureCollection (empty when nothing is found)", schema("PhotonCollection")),
            }}),
        ),
        (
            "/photon/reverse",
            json!({"get": {
                "summary": "Photon-compatible reverse geocoding: the nearest locality",
                "parameters": [
                    lat.clone(), lon.clone(),
                    q("limit", "Most results", json!({"type": "integer", "minimum": 1, "maximum": 1000})),
                    q("lang", "Language of the country name", json!({"type": "string"})),
                    q("radius", "Largest distance, km", json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})),
                    q("query_string_filter", "Ignored", json!({"type": "string"})),
                    q("distance_sort", "Ignored", json!({"type": "string"})),
                    q("osm_tag", "Filter key[:value]; repeatable", json!({"type": "string"})),
                    q("layer", "city, county or state; repeatable", json!({"type": "string"})),
                    q("debug", "Ignored", json!({"type": "string"})),
                    q("dedupe", "Ignored", json!({"type": "string"})),
                ],
                "responses": answers("A GeoJSON FeatureCollection with at most one feature", schema("PhotonCollection")),
            }}),
        ),
        (
            "/nominatim/search",
            json!({"get": {
                "summary": "Nominatim-compatible search, free text (q) or structured (city, county, state, postalcode)",
                "parameters": ([
                    q("q", "Free text", json!({"type": "string", "maxLength": 500})),
                    q("city", "Locality", json!({"type": "string"})),
                    q("county", "Powiat", json!({"type": "string"})),
                    q("state", "Voivodeship", json!({"type": "string"})),
                    q("postalcode", "NN-NNN", json!({"type": "string"})),
                    q("country", "Only Poland has answers", json!({"type": "string"})),
                    q("street", "Not in the gazetteer: ignored", json!({"type": "string"})),
                    q("amenity", "Not in the gazetteer: ignored", json!({"type": "string"})),
                    format.clone(),
                    q("limit", "Most results (at most 10)", json!({"type": "integer", "minimum": 1, "maximum": 1000})),
                    flag("addressdetails", "Include the address"),
                    flag("polygon_geojson", "Include a voivodeship's outline"),
                    lang.clone(),
                    q("countrycodes", "Comma-separated ISO codes", json!({"type": "string"})),
                    q("viewbox", "x1,y1,x2,y2", json!({"type": "string"})),
                    flag("bounded", "Only inside viewbox"),
                    q("exclude_place_ids", "Comma-separated place ids", json!({"type": "string"})),
                    q("featureType", "country, state, city or settlement", json!({"type": "string"})),
                    q("featuretype", "The same as featureType", json!({"type": "string"})),
                    flag("dedupe", "Ignored (accepted for clients)"),
                    q("json_callback", "Refused: JSONP is not served (400)", json!({"type": "string"})),
                ].into_iter().chain(nominatim_ignored()).collect::<Vec<_>>()),
                "responses": answers("An array of places (json, jsonv2) or a FeatureCollection (geojson, geocodejson)", json!({"anyOf": [{"type": "array", "items": schema("NominatimPlace")}, schema("NominatimGeoJson"), schema("GeocodeJson")]})),
            }}),
        ),
        (
            "/nominatim/reverse",
            json!({"get": {
                "summary": "Nominatim-compatible reverse geocoding",
                "parameters": ([
                    lat, lon, format,
                    flag("addressdetails", "Include the address (default 1)"),
                    flag("polygon_geojson", "Include a voivodeship's outline"),
                    lang,
                    q("zoom", "Below 10 a powiat, below 8 a voivodeship", json!({"type": "integer", "minimum": 0, "maximum": 18})),
                ].into_iter().chain(nominatim_ignored()).collect::<Vec<_>>()),
                "responses": answers("A place, or {\"error\": \"Unable to geocode\"}", json!({"anyOf": [schema("NominatimPlace"), schema("NominatimGeoJson"), schema("GeocodeJson"), schema("NominatimUnable")]})),
            }}),
        ),
        (
            "/nominatim/status",
            json!({"get": {
                "summary": "Nominatim status: OK",
                "parameters": [q("format", "json for a JSON answer", json!({"type": "string", "enum": ["text", "json"]}))],
                "responses": {"200": {"description": "OK", "content": {"text/plain": {"schema": {"type": "string", "enum": ["OK"]}}, "application/json": {"schema": schema("NominatimStatus")}}}, "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            }}),
        ),
    ]
}

/// The schemas of the Photon and Nominatim answers, each as its serde type
/// in `photon.rs` and `nominatim.rs` writes it (tests/openapi.rs validates
/// real answers against them).
pub fn schemas() -> Vec<(&'static str, Value)> {
    let string = json!({"type": "string"});
    let integer = json!({"type": "integer"});
    let number = json!({"type": "number"});
    let four = |item: &Value| json!({"type": "array", "items": item, "minItems": 4, "maxItems": 4});
    let description = |extra: &[(&str, Value)]| {
        let mut m = json!({
            "type": string, "place_rank": integer, "importance": number,
            "addresstype": string, "name": string, "display_name": string,
            "address": schema("NominatimAddress"),
        });
        for (k, v) in extra {
            m[*k] = v.clone();
        }
        m
    };
    let described = [
        "type",
        "place_rank",
        "importance",
        "addresstype",
        "name",
        "display_name",
    ];
    let with = |base: &[&'static str], more: &[&'static str]| -> Vec<&'static str> {
        base.iter().chain(more).copied().collect()
    };
    vec![
        (
            "Point",
            closed(
                &["type", "coordinates"],
                json!({
                    "type": {"type": "string", "enum": ["Point"]},
                    "coordinates": {"type": "array", "items": number, "minItems": 2, "maxItems": 2},
                }),
            ),
        ),
        (
            "Geometry",
            json!({"type": "object", "required": ["type", "coordinates"], "properties": {
                "type": {"type": "string", "enum": ["Point", "Polygon", "MultiPolygon"]},
                "coordinates": {"type": "array"},
            }}),
        ),
        (
            "PhotonCollection",
            closed(
                &["type", "features"],
                json!({
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": schema("PhotonFeature")},
                }),
            ),
        ),
        (
            "PhotonFeature",
            closed(
                &["type", "geometry", "properties"],
                json!({
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": schema("Point"),
                    "properties": closed(
                        &["osm_type", "osm_id", "osm_key", "osm_value", "type", "name", "country", "countrycode", "extent"],
                        json!({
                            "osm_type": {"type": "string", "enum": ["N", "R"]}, "osm_id": integer,
                            "osm_key": string, "osm_value": string, "type": string, "name": string,
                            "postcode": string, "city": string, "county": string, "state": string,
                            "country": string, "countrycode": string,
                            "extent": four(&number),
                        }),
                    ),
                }),
            ),
        ),
        (
            "NominatimAddress",
            closed(
                &["country", "country_code"],
                json!({
                    "city": string, "town": string, "village": string, "suburb": string,
                    "municipality": string, "county": string, "state": string,
                    "ISO3166-2-lvl4": string, "postcode": string, "country": string, "country_code": string,
                }),
            ),
        ),
        (
            "NominatimPlace",
            closed(
                &with(
                    &[
                        "place_id",
                        "licence",
                        "osm_type",
                        "osm_id",
                        "lat",
                        "lon",
                        "boundingbox",
                    ],
                    &described,
                ),
                description(&[
                    ("place_id", integer.clone()),
                    ("licence", string.clone()),
                    ("osm_type", string.clone()),
                    ("osm_id", integer.clone()),
                    ("lat", string.clone()),
                    ("lon", string.clone()),
                    ("category", string.clone()),
                    ("class", string.clone()),
                    ("boundingbox", four(&string)),
                    ("geojson", schema("Geometry")),
                ]),
            ),
        ),
        (
            "NominatimGeoJson",
            closed(
                &["type", "licence", "features"],
                json!({
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "licence": string,
                    "features": {"type": "array", "items": closed(&["type", "properties", "bbox", "geometry"], json!({
                        "type": {"type": "string", "enum": ["Feature"]},
                        "properties": closed(
                            &with(&["place_id", "osm_type", "osm_id", "category"], &described),
                            description(&[
                                ("place_id", integer.clone()), ("osm_type", string.clone()),
                                ("osm_id", integer.clone()), ("category", string.clone()),
                            ]),
                        ),
                        "bbox": four(&number),
                        "geometry": schema("Geometry"),
                    }))},
                }),
            ),
        ),
        (
            "GeocodeJson",
            closed(
                &["type", "geocoding", "features"],
                json!({
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "geocoding": closed(&["version", "attribution", "licence"], json!({
                        "version": string, "attribution": string, "licence": string,
                    })),
                    "features": {"type": "array", "items": closed(&["type", "properties", "geometry"], json!({
                        "type": {"type": "string", "enum": ["Feature"]},
                        "properties": closed(&["geocoding"], json!({"geocoding": closed(
                            &["place_id", "osm_type", "osm_id", "osm_key", "osm_value", "type", "label", "name", "country", "country_code"],
                            json!({
                                "place_id": integer, "osm_type": string, "osm_id": integer,
                                "osm_key": string, "osm_value": string, "type": string,
                                "label": string, "name": string, "postcode": string, "city": string,
                                "county": string, "state": string, "country": string, "country_code": string,
                            }),
                        )})),
                        "geometry": schema("Geometry"),
                    }))},
                }),
            ),
        ),
        (
            "NominatimUnable",
            closed(&["error"], json!({"error": string})),
        ),
        (
            "NominatimStatus",
            closed(
                &["status", "message"],
                json!({"status": integer, "message": string}),
            ),
        ),
    ]
}
