//! The OpenAPI description of the Photon and Nominatim paths, merged into
//! `/api/openapi.json`.

use serde_json::{Value, json};

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

fn answers(ok: &str) -> Value {
    json!({
        "200": {"description": ok, "content": {"application/json": {"schema": {}}}},
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
                "responses": answers("A GeoJSON FeatureCollection (empty when nothing is found)"),
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
                "responses": answers("A GeoJSON FeatureCollection with at most one feature"),
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
                "responses": answers("An array of places (json, jsonv2) or a FeatureCollection (geojson, geocodejson)"),
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
                "responses": answers("A place, or {\"error\": \"Unable to geocode\"}"),
            }}),
        ),
        (
            "/nominatim/status",
            json!({"get": {
                "summary": "Nominatim status: OK",
                "parameters": [q("format", "json for a JSON answer", json!({"type": "string", "enum": ["text", "json"]}))],
                "responses": {"200": {"description": "OK"}, "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            }}),
        ),
    ]
}
