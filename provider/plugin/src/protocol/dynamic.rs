//! `DynamicValue`: a Terraform value as msgpack (plans, applies, reads) or JSON (stored state
//! handed to `UpgradeResourceState`), decoded into and encoded from the plugin's typed structs.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::diagnostics::Diagnostics;
use super::tfplugin6 as tf;

const MSGPACK_NIL: u8 = 0xc0;

/// Whether the value is null: an object that does not exist (nothing planned, nothing prior).
pub fn is_null(v: &tf::DynamicValue) -> bool {
    if !v.msgpack.is_empty() {
        return v.msgpack == [MSGPACK_NIL];
    }
    let json = String::from_utf8_lossy(&v.json);
    json.trim().is_empty() || json.trim() == "null"
}

/// Decodes a value Terraform sent; an undecodable value is an error diagnostic, worded for
/// the user (it can only come from a state written by another provider version).
pub fn decode<T: DeserializeOwned>(diags: &mut Diagnostics, v: &tf::DynamicValue) -> Option<T> {
    let result = if !v.msgpack.is_empty() {
        rmp_serde::from_slice(&v.msgpack).map_err(|e| e.to_string())
    } else if !v.json.is_empty() {
        serde_json::from_slice(&v.json).map_err(|e| e.to_string())
    } else {
        rmp_serde::from_slice(&[MSGPACK_NIL]).map_err(|e| e.to_string())
    };
    match result {
        Ok(t) => Some(t),
        Err(e) => {
            diags.root_error(
                "Unreadable value from Terraform",
                format!("The provider could not read a value Terraform sent: {e}."),
            );
            None
        }
    }
}

/// Encodes a value for Terraform as msgpack, with object attributes by name.
pub fn encode<T: Serialize>(diags: &mut Diagnostics, value: &T) -> Option<tf::DynamicValue> {
    match rmp_serde::to_vec_named(value) {
        Ok(msgpack) => Some(tf::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.root_error(
                "Value not encodable",
                format!("The provider could not encode a value for Terraform: {e}."),
            );
            None
        }
    }
}

/// Private state: bytes Terraform keeps beside the state and hands back unread. Empty is null.
pub fn decode_private<T: DeserializeOwned>(diags: &mut Diagnostics, bytes: &[u8]) -> Option<T> {
    decode(
        diags,
        &tf::DynamicValue {
            msgpack: if bytes.is_empty() {
                vec![MSGPACK_NIL]
            } else {
                bytes.to_vec()
            },
            json: Vec::new(),
        },
    )
}

pub fn encode_private<T: Serialize>(diags: &mut Diagnostics, value: &T) -> Option<Vec<u8>> {
    encode(diags, value).map(|v| v.msgpack)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::super::value::Value;
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Thing {
        #[serde(default)]
        name: Value<String>,
        #[serde(default)]
        size: Value<i64>,
    }

    #[test]
    fn msgpack_from_terraform_decodes_into_a_typed_struct() {
        // {"name": "dev", "size": <unknown>} as Terraform writes it.
        let mut bytes = vec![0x82, 0xa4];
        bytes.extend(b"name");
        bytes.push(0xa3);
        bytes.extend(b"dev");
        bytes.push(0xa4);
        bytes.extend(b"size");
        bytes.extend([0xd4, 0x00, 0x00]);
        let v = tf::DynamicValue {
            msgpack: bytes,
            json: vec![],
        };
        let t: Thing = decode(&mut Diagnostics::default(), &v).unwrap();
        assert_eq!(t.name, Value::Value("dev".into()));
        assert_eq!(t.size, Value::Unknown);
    }

    #[test]
    fn a_json_state_decodes_the_same_way() {
        let v = tf::DynamicValue {
            msgpack: vec![],
            json: br#"{"name":"dev","size":2}"#.to_vec(),
        };
        let t: Thing = decode(&mut Diagnostics::default(), &v).unwrap();
        assert_eq!(t.size, Value::Value(2));
    }

    #[test]
    fn null_is_recognised_in_both_encodings() {
        assert!(is_null(&tf::DynamicValue {
            msgpack: vec![0xc0],
            json: vec![]
        }));
        assert!(is_null(&tf::DynamicValue {
            msgpack: vec![],
            json: b"null".to_vec()
        }));
        assert!(!is_null(&tf::DynamicValue {
            msgpack: vec![0x80],
            json: vec![]
        }));
    }

    #[test]
    fn an_undecodable_value_is_an_error_diagnostic_not_a_panic() {
        let mut diags = Diagnostics::default();
        let v = tf::DynamicValue {
            msgpack: vec![0xa3, b'x'],
            json: vec![],
        };
        assert!(decode::<Thing>(&mut diags, &v).is_none());
        assert_eq!(diags.errors[0].summary, "Unreadable value from Terraform");
    }

    #[test]
    fn empty_private_state_reads_as_null() {
        let v: Value<Thing> = decode_private(&mut Diagnostics::default(), &[]).unwrap();
        assert_eq!(v, Value::Null);
    }
}
