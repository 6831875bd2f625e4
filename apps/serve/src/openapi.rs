//! The OpenAPI 3.1 document, written by hand: utoipa's derive macros would
//! add a proc-macro build for nine routes whose shapes are simple.

use serde_json::{Value, json};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The document served at `/openapi.json`.
pub fn document() -> Value {
    let errors = json!({
        "400": error_response("Malformed JSON or an unsupported body shape"),
        "401": error_response("Missing or wrong bearer token (when MLW_SERVE_TOKEN is set)"),
        "413": error_response("Body larger than the limit"),
        "422": error_response("The input breaks the model's contract; `violations` lists every problem"),
        "429": error_response("All prediction slots are busy; retry later"),
        "503": error_response("No model loaded"),
        "504": error_response("The prediction timed out")
    });
    let with_errors = |ok: Value| {
        let mut r = errors.clone();
        if let Some(m) = r.as_object_mut() {
            m.insert("200".into(), ok);
        }
        r
    };
    let json_ok = |schema: Value| json!({"description": "OK", "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "mlw-serve", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Predictions from an mlw model bundle."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "violations": {"type": "array", "items": {"type": "object"}}}},
                "Record": {"type": "object", "additionalProperties": true},
                "Prediction": {"type": "object", "properties": {
                    "prediction": {}, "label": {"type": "string"},
                    "probabilities": {"type": "object", "additionalProperties": {"type": "number"}}}}
            }
        },
        "paths": {
            "/v1/predict": {"post": {
                "summary": "Predict one record, or {\"records\": [...]}",
                "security": [{"bearer": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"oneOf": [
                    {"$ref": "#/components/schemas/Record"},
                    {"type": "object", "required": ["records"], "properties": {"records": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}}}
                ]}}}},
                "responses": with_errors(json_ok(json!({"oneOf": [
                    {"$ref": "#/components/schemas/Prediction"},
                    {"type": "object", "properties": {"predictions": {"type": "array", "items": {"$ref": "#/components/schemas/Prediction"}}}}
                ]})))
            }},
            "/invocations": {"post": {
                "summary": "MLflow scoring protocol: dataframe_split, dataframe_records, instances or inputs",
                "security": [{"bearer": []}],
                "parameters": [{"name": "output", "in": "query", "required": false,
                    "schema": {"type": "string", "enum": ["label", "proba", "full"]},
                    "description": "label (default: the label at the trained threshold, or the value), proba (probabilities per class), full (both). Header X-MLW-Output works too."}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": with_errors(json_ok(json!({"type": "object", "properties": {"predictions": {"type": "array"}}})))
            }},
            "/v1/model": {"get": {"summary": "Model name, version, input schema and metrics",
                "security": [{"bearer": []}], "responses": with_errors(json_ok(json!({"type": "object"})))}},
            "/health": {"get": {"summary": "Liveness", "responses": {"200": json_ok(json!({"type": "object"}))}}},
            "/ready": {"get": {"summary": "Readiness (a model is loaded)", "responses": {
                "200": json_ok(json!({"type": "object"})), "503": {"description": "No model loaded"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "OK", "content": {"text/plain": {}}}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": json_ok(json!({"type": "object"}))}}}
        }
    })
}
