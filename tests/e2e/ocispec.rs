//! The OCI types the specs decode oras's output into (`ocispec.Descriptor`,
//! `Index`, `Manifest`), with Go's `encoding/json` rules where they decide
//! an outcome: keys match exactly or else ignoring case, unknown keys are
//! ignored, `null` leaves a field at its zero value, a wrong type is an
//! error, and trailing data after the value is an error. Comparisons are
//! Go's `reflect.DeepEqual`: an absent map differs from an empty one.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Map, Value};

/// `ocispec.Platform`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Platform {
    /// `architecture`.
    pub architecture: String,
    /// `os`.
    pub os: String,
    /// `os.version`.
    pub os_version: String,
    /// `os.features`.
    pub os_features: Option<Vec<String>>,
    /// `variant`.
    pub variant: String,
}

/// `ocispec.Descriptor`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// `mediaType`.
    pub media_type: String,
    /// `digest`.
    pub digest: String,
    /// `size`.
    pub size: i64,
    /// `urls`.
    pub urls: Option<Vec<String>>,
    /// `annotations`.
    pub annotations: Option<BTreeMap<String, String>>,
    /// `data` (base64 in JSON).
    pub data: Option<Vec<u8>>,
    /// `platform`.
    pub platform: Option<Platform>,
    /// `artifactType`.
    pub artifact_type: String,
}

/// `ocispec.Index` (the part the specs read).
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// `artifactType`.
    pub artifact_type: String,
    /// `manifests`.
    pub manifests: Vec<Descriptor>,
}

/// `ocispec.Manifest` (the part the specs read).
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// `artifactType`.
    pub artifact_type: String,
    /// `config`.
    pub config: Descriptor,
    /// `layers`.
    pub layers: Vec<Descriptor>,
    /// `annotations`.
    pub annotations: Option<BTreeMap<String, String>>,
}

/// `json.Unmarshal(data, &v)` for a struct: the top-level value must be an
/// object or `null`.
pub fn unmarshal_object(data: &[u8]) -> Result<Map<String, Value>, String> {
    let v: Value = serde_json::from_slice(data).map_err(|e| format!("invalid JSON: {e}"))?;
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(format!("cannot unmarshal {} into a struct", kind(&other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A field by Go's rules: the exact key, else one equal ignoring case.
fn field<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name)
        .or_else(|| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

fn string(m: &Map<String, Value>, name: &str) -> Result<String, String> {
    match field(m, name) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Err(format!("{name}: cannot unmarshal {} into string", kind(v))),
    }
}

fn strings(m: &Map<String, Value>, name: &str) -> Result<Option<Vec<String>>, String> {
    match field(m, name) {
        None => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{name}: not a string"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(format!(
            "{name}: cannot unmarshal {} into []string",
            kind(v)
        )),
    }
}

fn string_map(
    m: &Map<String, Value>,
    name: &str,
) -> Result<Option<BTreeMap<String, String>>, String> {
    match field(m, name) {
        None => Ok(None),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(format!(
                    "{name}.{k}: cannot unmarshal {} into string",
                    kind(other)
                )),
            })
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(Some),
        Some(v) => Err(format!("{name}: cannot unmarshal {} into map", kind(v))),
    }
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what}: cannot unmarshal {} into a struct", kind(v)))
}

impl Platform {
    fn from_json(m: &Map<String, Value>) -> Result<Platform, String> {
        Ok(Platform {
            architecture: string(m, "architecture")?,
            os: string(m, "os")?,
            os_version: string(m, "os.version")?,
            os_features: strings(m, "os.features")?,
            variant: string(m, "variant")?,
        })
    }
}

impl Descriptor {
    /// Decodes a descriptor object.
    pub fn from_json(m: &Map<String, Value>) -> Result<Descriptor, String> {
        let size = match field(m, "size") {
            None => 0,
            Some(v) => v
                .as_i64()
                .ok_or_else(|| format!("size: cannot unmarshal {v} into int64"))?,
        };
        let data = match field(m, "data") {
            None => None,
            Some(Value::String(s)) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|e| format!("data: {e}"))?,
            ),
            Some(v) => return Err(format!("data: cannot unmarshal {} into []byte", kind(v))),
        };
        let platform = match field(m, "platform") {
            None => None,
            Some(v) => Some(Platform::from_json(object(v, "platform")?)?),
        };
        Ok(Descriptor {
            media_type: string(m, "mediaType")?,
            digest: string(m, "digest")?,
            size,
            urls: strings(m, "urls")?,
            annotations: string_map(m, "annotations")?,
            data,
            platform,
            artifact_type: string(m, "artifactType")?,
        })
    }
}

fn descriptors(m: &Map<String, Value>, name: &str) -> Result<Vec<Descriptor>, String> {
    match field(m, name) {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| Descriptor::from_json(object(v, name)?))
            .collect(),
        Some(v) => Err(format!(
            "{name}: cannot unmarshal {} into []Descriptor",
            kind(v)
        )),
    }
}

/// `json.Unmarshal(data, &index)`.
pub fn unmarshal_index(data: &[u8]) -> Result<Index, String> {
    let m = unmarshal_object(data)?;
    Ok(Index {
        artifact_type: string(&m, "artifactType")?,
        manifests: descriptors(&m, "manifests")?,
    })
}

/// `json.Unmarshal(data, &manifest)`.
pub fn unmarshal_manifest(data: &[u8]) -> Result<Manifest, String> {
    let m = unmarshal_object(data)?;
    let config = match field(&m, "config") {
        None => Descriptor::default(),
        Some(v) => Descriptor::from_json(object(v, "config")?)?,
    };
    Ok(Manifest {
        artifact_type: string(&m, "artifactType")?,
        config,
        layers: descriptors(&m, "layers")?,
        annotations: string_map(&m, "annotations")?,
    })
}

/// `Expect(json.Unmarshal(out, &index)).ShouldNot(HaveOccurred())`.
#[track_caller]
pub fn must_index(data: &[u8]) -> Index {
    unmarshal_index(data)
        .unwrap_or_else(|e| panic!("not an OCI index ({e}):\n{}", String::from_utf8_lossy(data)))
}

/// `Expect(json.Unmarshal(out, &manifest)).ShouldNot(HaveOccurred())`.
#[track_caller]
pub fn must_manifest(data: &[u8]) -> Manifest {
    unmarshal_manifest(data).unwrap_or_else(|e| {
        panic!(
            "not an OCI manifest ({e}):\n{}",
            String::from_utf8_lossy(data)
        )
    })
}

/// `Expect(json.Unmarshal(out, &struct{}{})).ShouldNot(HaveOccurred())`.
#[track_caller]
pub fn must_object(data: &[u8]) {
    if let Err(e) = unmarshal_object(data) {
        panic!(
            "not a JSON object ({e}):\n{}",
            String::from_utf8_lossy(data)
        );
    }
}

/// `Expect(list).Should(ContainElement(want))`.
#[track_caller]
pub fn should_contain(list: &[Descriptor], want: &Descriptor) {
    assert!(
        list.contains(want),
        "expected {list:#?}\nto contain {want:#?}"
    );
}

/// `Expect(list).To(HaveLen(n))`.
#[track_caller]
pub fn should_have_len(list: &[Descriptor], n: usize) {
    assert_eq!(list.len(), n, "expected {n} elements in {list:#?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_go() {
        let d = Descriptor::from_json(
            serde_json::json!({"MEDIATYPE": "a", "digest": "d", "size": 3, "data": "e30=", "extra": 1, "annotations": null})
                .as_object()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(d.media_type, "a");
        assert_eq!(d.data.as_deref(), Some(&b"{}"[..]));
        assert_eq!(d.annotations, None);
        assert!(
            Descriptor::from_json(serde_json::json!({"size": "3"}).as_object().unwrap()).is_err()
        );
        assert!(unmarshal_object(b"[1]").is_err());
        assert!(unmarshal_object(b"{} x").is_err());
        assert!(unmarshal_object(b" null ").is_ok());
        let empty =
            Descriptor::from_json(serde_json::json!({"annotations": {}}).as_object().unwrap())
                .unwrap();
        assert_ne!(empty, Descriptor::default());
    }
}
