//! What the parsers enforce beyond the Rust types, added to every generated schema.

use schemars::gen::SchemaSettings;
use schemars::schema::{InstanceType, SchemaObject};
use schemars::visit::{self, Visitor};

/// Free text may hold any character but U+0000, which every body, query and file refuses
/// (`crate::http::extract::refuse_nul`): PostgreSQL cannot store it.
const NO_NUL_PATTERN: &str = "^[^\\u0000]*$";

/// States what the parsers enforce beyond the Rust types: the range of every fixed-width
/// integer (`"format": "uint32"` and so on) as `minimum` and `maximum`, and the refusal of
/// U+0000 in every string that has no pattern, format or enumeration of its own.
#[derive(Debug, Clone)]
pub(super) struct ParserRules;

impl Visitor for ParserRules {
    fn visit_schema_object(&mut self, schema: &mut SchemaObject) {
        let bounds = match schema.format.as_deref() {
            Some("uint8") => Some((0.0, f64::from(u8::MAX))),
            Some("uint16") => Some((0.0, f64::from(u16::MAX))),
            Some("uint32") => Some((0.0, f64::from(u32::MAX))),
            Some("int32") => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
            _ => None,
        };
        let is_string = schema.instance_type == Some(InstanceType::String.into());
        let unconstrained = schema.format.is_none()
            && schema.enum_values.is_none()
            && schema.string.as_ref().is_none_or(|s| s.pattern.is_none());
        if is_string && unconstrained {
            schema.string().pattern = Some(NO_NUL_PATTERN.to_owned());
        }
        if let Some((min, max)) = bounds {
            let number = schema.number();
            number.minimum = Some(number.minimum.map_or(min, |m| m.max(min)));
            number.maximum = Some(number.maximum.map_or(max, |m| m.min(max)));
        }
        visit::visit_schema_object(self, schema);
    }
}

/// The schema settings of every generated document, with [`ParserRules`].
pub(super) fn settings(base: SchemaSettings) -> SchemaSettings {
    base.with_visitor(ParserRules)
}
