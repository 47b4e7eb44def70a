//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from [`ENDPOINTS`], the one
//! list of routes, with JSON Schemas derived (schemars) from the very types each handler reads
//! and answers: requests and query strings as they are read (deserialized), answers as they
//! are written (serialized). A test calls every listed route to prove the list and the router
//! agree; schemathesis calls every operation against its schemas (`scripts/api-fuzz.sh`).

use std::collections::BTreeMap;

use axum::Json;
use schemars::{SchemaGenerator, generate::SchemaSettings};
use serde_json::{Map, Value, json};
use tousu_shared::api::ApiErrorBody;

use super::endpoints::{Body, ENDPOINTS, LINKS, SchemaOf};

/// `null` taken out of a query parameter's schema: a parameter is absent or has a value.
fn without_null(mut schema: Value) -> Value {
    if schema.get("default") == Some(&Value::Null)
        && let Some(o) = schema.as_object_mut()
    {
        o.remove("default");
    }
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            schema["type"] = types[0].clone();
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = schema.get_mut(key).and_then(Value::as_array_mut) {
            alternatives.retain(|a| a.get("type") != Some(&json!("null")));
            if alternatives.len() == 1 {
                let only = alternatives[0].clone();
                schema.as_object_mut().map(|o| o.remove(key));
                if let (Some(o), Some(extra)) = (schema.as_object_mut(), only.as_object()) {
                    o.extend(extra.clone());
                }
            }
        }
    }
    schema
}

/// The query parameters of a query type: one per property of its (object) schema.
fn query_parameters(generator: &mut SchemaGenerator, query: SchemaOf) -> Vec<Value> {
    let schema = query(generator).to_value();
    let object = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => generator
            .definitions()
            .get(r.rsplit('/').next().unwrap_or_default())
            .cloned()
            .unwrap_or_default(),
        None => schema,
    };
    let required: Vec<&str> = object["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    object["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .map(|(name, schema)| {
                    let mut schema = without_null(schema.clone());
                    let description = schema
                        .as_object_mut()
                        .and_then(|o| o.remove("description"))
                        .unwrap_or_else(|| json!(""));
                    json!({
                        "name": name, "in": "query", "required": required.contains(&name.as_str()),
                        "description": description, "schema": schema,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn content(generator: &mut SchemaGenerator, body: &Body) -> Value {
    match body {
        Body::Json(schema) => json!({"application/json": {"schema": schema(generator).to_value()}}),
        Body::Bytes(types) => Value::Object(
            types
                .iter()
                .map(|t| (t.to_string(), json!({"schema": {}})))
                .collect(),
        ),
    }
}

/// Points every `$ref` to a definition named in `renamed` at its new name.
fn rename_refs(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(r) if key == "$ref" => {
                        if let Some(new) = r.rsplit('/').next().and_then(|n| renamed.get(n)) {
                            *r = format!("{DEFINITIONS}/{new}");
                        }
                    }
                    _ => rename_refs(v, renamed),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

const DEFINITIONS: &str = "#/components/schemas";

fn generator(settings: SchemaSettings) -> SchemaGenerator {
    settings
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator()
}

/// The document.
pub fn document() -> Value {
    // What the server reads and what it writes can differ (defaults, fields left out when
    // empty), so each has its own generator; a type whose two schemas differ is listed twice,
    // its reading as `<Name>Input`.
    let mut reads = generator(SchemaSettings::draft2020_12().for_deserialize());
    let mut writes = generator(SchemaSettings::draft2020_12().for_serialize());
    let error = writes.subschema_for::<ApiErrorBody>().to_value();
    let mut paths = Map::new();
    let mut read_parts: Vec<(String, &'static str, &'static str)> = Vec::new();
    for e in ENDPOINTS {
        let param_schema = e.param.map(|p| p(&mut reads).to_value());
        let mut params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let schema = param_schema.clone().unwrap_or(json!({"type": "string"}));
                json!({"name": name, "in": "path", "required": true, "schema": schema})
            })
            .collect();
        if let Some(query) = e.query {
            params.extend(query_parameters(&mut reads, query));
        }
        let error = json!({"description": "ApiErrorBody", "content": {"application/json": {"schema": error}}});
        let mut op = json!({
            "summary": e.summary,
            "description": format!("Who: {}.", e.who),
            "responses": {
                "200": {"description": "Success", "content": content(&mut writes, &e.response)},
                "4XX": error,
                "503": error,
            }
        });
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if let Some(body) = &e.request {
            op["requestBody"] = json!({"required": true, "content": content(&mut reads, body)});
            read_parts.push((format!("/api/v1{}", e.path), e.method, "requestBody"));
        }
        if e.query.is_some() || e.param.is_some() {
            read_parts.push((format!("/api/v1{}", e.path), e.method, "parameters"));
        }
        if e.who != "anyone" {
            op["security"] = json!([{"bearer": []}]);
        }
        let path = paths
            .entry(format!("/api/v1{}", e.path))
            .or_insert_with(|| json!({}));
        path[e.method] = op;
    }
    for link in LINKS {
        let (method, path) = link.to;
        let pointer = format!("/api/v1{path}")
            .replace('~', "~0")
            .replace('/', "~1");
        let name = format!("{}{}", method, path.replace(['/', '{', '}', '-'], "_"));
        let (from_method, from_path) = link.from;
        paths[&format!("/api/v1{from_path}")][from_method]["responses"]["200"]["links"][name] = json!({
            "operationRef": format!("#/paths/{pointer}/{method}"),
            "parameters": {"path.id": link.id},
        });
    }
    let mut schemas = writes.take_definitions(true);
    let read_definitions = reads.take_definitions(true);
    let renamed: BTreeMap<String, String> = read_definitions
        .iter()
        .filter(|(name, schema)| schemas.get(*name).is_some_and(|w| w != *schema))
        .map(|(name, _)| (name.clone(), format!("{name}Input")))
        .collect();
    for (name, mut schema) in read_definitions {
        rename_refs(&mut schema, &renamed);
        let name = renamed.get(&name).cloned().unwrap_or(name);
        schemas.insert(name, schema);
    }
    for (path, method, part) in read_parts {
        rename_refs(&mut paths[&path][method][part], &renamed);
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tousu API", "version": tousu_shared::VERSION},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<Value> {
    Json(document())
}
