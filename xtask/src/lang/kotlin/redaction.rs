//! Secrets never show in Kotlin logs: uniffi generates the records as `data class`es, whose
//! `toString()` prints every field, passwords and tokens too (`println(user)`, string
//! templates, a crash report). This gives the records that carry a secret a `toString()` of
//! the data-class form with those fields shown as `<redacted>` (or `null` when unset), an
//! endpoint without its `user:password@`, and a list of PEM texts as its size.
//!
//! Applied to the generated code wherever it goes: the JVM tests and the Android module
//! (`cargo xtask android`). Refuses generated code of another shape (a uniffi upgrade, a
//! renamed field or a changed type): review this patch then.

use std::path::Path;

use anyhow::{Result, anyhow};

/// How a field of a patched record prints.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Shown {
    /// `<redacted>` when set, `null` when not.
    Redacted,
    /// A `kotlin.String` URL with `user:password@` replaced by `<redacted>@`, as the Rust
    /// core's `Debug` prints it: whatever sits before the last `@` of the authority
    /// ([`WITHOUT_USERINFO`]).
    WithoutUserinfo,
    /// A `List<…>`'s size: PEM texts are long and say nothing in a log.
    Count,
}

/// The records patched, and their fields that do not print as they are (Kotlin names).
/// `ConnectycubeSession.user` and `PagedUsersResult.items` print through
/// `ConnectycubeUser.toString()`.
const PATCHED: &[(&str, &[(&str, Shown)])] = &[
    (
        "ConnectycubeUser",
        &[("password", Shown::Redacted), ("oldPassword", Shown::Redacted)],
    ),
    ("ConnectycubeSession", &[("token", Shown::Redacted)]),
    (
        "ConnectycubeConfig",
        &[
            ("apiEndpoint", Shown::WithoutUserinfo),
            ("chatEndpoint", Shown::WithoutUserinfo),
            ("trustedRootCertificates", Shown::Count),
        ],
    ),
];

/// Patches the one generated `.kt` file under `dir` that declares the records.
pub fn apply(dir: &Path) -> Result<()> {
    let declaration = format!("data class {} (", PATCHED[0].0);
    super::patch_the_file_with(dir, &declaration, &format!("`{declaration}`"), redact)
}

/// The helper the `WithoutUserinfo` fields print through, appended to the patched file
/// (file-private, so it adds nothing to the package's API).
const WITHOUT_USERINFO: &str = r#"
// Added by cargo xtask (xtask/src/lang/kotlin/redaction.rs): `scheme://user:password@host/…`
// prints as `scheme://<redacted>@host/…`, as the Rust core's Debug does.
private fun withoutUserinfo(endpoint: String): String {
    val separator = endpoint.indexOf("://")
    val authorityStart = if (separator < 0) 0 else separator + 3
    val authorityEnd = endpoint.indexOfAny(charArrayOf('/', '?', '#'), authorityStart).let { if (it < 0) endpoint.length else it }
    val at = endpoint.lastIndexOf('@', authorityEnd - 1)
    if (at < authorityStart) return endpoint
    val prefix = if (separator <= 0) "" else endpoint.substring(0, authorityStart)
    return prefix + "<redacted>@" + endpoint.substring(at + 1)
}
"#;

/// `source` with every record of [`PATCHED`] given its redacting `toString()`.
pub fn redact(source: &str) -> Result<String> {
    if source.contains("fun withoutUserinfo(") {
        return Err(anyhow!(
            "the generated Kotlin already declares withoutUserinfo(): review xtask/src/lang/kotlin/redaction.rs"
        ));
    }
    let mut out = source.to_owned();
    for (record, shown) in PATCHED {
        out = redact_record(&out, record, shown)?;
    }
    out.push_str(WITHOUT_USERINFO);
    Ok(out)
}

/// The Kotlin expression printing `field` of type `ty` as `shown` asks, or `None` when the
/// type is not one it can print that way.
fn expression(field: &str, ty: &str, shown: Shown) -> Option<String> {
    match shown {
        Shown::Redacted => Some(format!("(if (`{field}` == null) \"null\" else \"<redacted>\")")),
        Shown::WithoutUserinfo => (ty == "kotlin.String").then(|| format!("withoutUserinfo(`{field}`)")),
        Shown::Count => ty.starts_with("List<").then(|| format!("`{field}`.size")),
    }
}

fn redact_record(source: &str, record: &str, shown: &[(&str, Shown)]) -> Result<String> {
    let changed = |what: &str| {
        anyhow!(
            "the generated Kotlin `data class {record}` {what}: not the shape xtask/src/lang/kotlin/redaction.rs \
             patches (uniffi upgraded?); review the patch"
        )
    };
    let header = format!("\ndata class {record} (\n");
    let start = source.find(&header).ok_or_else(|| changed("is missing"))?;
    let fields_start = start + header.len();
    if source[fields_start..].contains(&header) {
        return Err(changed("is declared twice"));
    }
    // The constructor ends at the first line starting with `)`; the class body opens after it.
    let mut fields = Vec::new();
    let mut offset = fields_start;
    let constructor_end = loop {
        let line_end = source[offset..]
            .find('\n')
            .map(|i| offset + i)
            .ok_or_else(|| changed("has no end of constructor"))?;
        let line = source[offset..line_end].trim_start_matches([' ', ',']).trim_end();
        if line.starts_with(')') {
            break offset;
        }
        if let Some(declaration) = line.strip_prefix("var ").or_else(|| line.strip_prefix("val ")) {
            let (name, ty) = declaration
                .strip_prefix('`')
                .and_then(|rest| rest.split_once('`'))
                .and_then(|(name, rest)| {
                    let ty = rest.strip_prefix(": ")?;
                    Some((name, ty.split_once(" = ").map_or(ty, |(ty, _)| ty).trim()))
                })
                .ok_or_else(|| changed(&format!("has a field not written as `name`: Type: {line}")))?;
            fields.push((name.to_owned(), ty.to_owned()));
        }
        offset = line_end + 1;
    };
    let mut expressions = Vec::new();
    for (field, ty) in &fields {
        let value = match shown.iter().find(|(name, _)| name == field) {
            Some(&(_, how)) => expression(field, ty, how)
                .ok_or_else(|| changed(&format!("has `{field}` of type {ty}, which cannot print as {how:?}")))?,
            None => format!("`{field}`"),
        };
        expressions.push((field, value));
    }
    for (name, _) in shown {
        if !fields.iter().any(|(f, _)| f == name) {
            let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
            return Err(changed(&format!(
                "has no field `{name}` (fields: {})",
                names.join(", ")
            )));
        }
    }
    let body_open = constructor_end
        + source[constructor_end..]
            .find('{')
            .ok_or_else(|| changed("has no class body"))?
        + 1;
    let body_end = body_open
        + source[body_open..]
            .find("\n}\n")
            .ok_or_else(|| changed("has no end of class body"))?;
    if source[constructor_end..body_end].contains("fun toString(") {
        return Err(changed("already overrides toString()"));
    }

    let mut method = format!(
        "\n    // Added by cargo xtask (xtask/src/lang/kotlin/redaction.rs): secrets never show in logs.\
         \n    override fun toString(): String =\n        \"{record}(\" +"
    );
    for (i, (field, value)) in expressions.iter().enumerate() {
        let separator = if i + 1 == expressions.len() { "" } else { " + \", \"" };
        method.push_str(&format!("\n            \"{field}=\" + {value}{separator} +"));
    }
    method.push_str("\n            \")\"\n");
    Ok(format!("{}{}{}", &source[..body_open], method, &source[body_open..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape uniffi 0.32's `RecordTemplate.kt` renders (doc comments, defaults, the
    /// separating commas on their own lines).
    fn record(name: &str, fields: &[(&str, &str)]) -> String {
        let mut out = format!("\n/**\n * A record.\n */\ndata class {name} (\n");
        for (i, (field, ty)) in fields.iter().enumerate() {
            out.push_str(&format!(
                "    /**\n     * The {field}.\n     */\n    var `{field}`: {ty} = null \n    "
            ));
            if i + 1 < fields.len() {
                out.push_str(", ");
            }
            out.push('\n');
        }
        out.push_str("){\n    \n\n    \n    companion object\n}\n\n/**\n * @suppress\n */\n");
        out
    }

    fn generated() -> String {
        let user = record(
            "ConnectycubeUser",
            &[
                ("id", "kotlin.Int"),
                ("login", "kotlin.String?"),
                ("password", "kotlin.String?"),
                ("oldPassword", "kotlin.String?"),
            ],
        );
        let session = record(
            "ConnectycubeSession",
            &[("token", "kotlin.String?"), ("user", "ConnectycubeUser?")],
        );
        let config = record(
            "ConnectycubeConfig",
            &[
                ("apiEndpoint", "kotlin.String"),
                ("chatEndpoint", "kotlin.String"),
                ("trustedRootCertificates", "List<kotlin.String>"),
                ("certificatePins", "List<kotlin.String>"),
            ],
        );
        format!("package com.connectycube\n{user}{session}{config}public object Tail\n")
    }

    #[test]
    fn secrets_are_redacted_and_every_field_is_printed() {
        let patched = redact(&generated()).unwrap();
        assert!(patched.contains("public object Tail\n"));
        assert!(patched.ends_with(WITHOUT_USERINFO));
        assert_eq!(patched.matches("override fun toString(): String =").count(), 3);
        assert!(patched.contains("\"ConnectycubeUser(\" +\n            \"id=\" + `id` + \", \" +"));
        assert!(patched.contains("\"password=\" + (if (`password` == null) \"null\" else \"<redacted>\") + \", \" +"));
        assert!(patched.contains("\"oldPassword=\" + (if (`oldPassword` == null) \"null\" else \"<redacted>\") +\n"));
        assert!(patched.contains("\"token=\" + (if (`token` == null) \"null\" else \"<redacted>\") + \", \" +"));
        assert!(patched.contains("\"user=\" + `user` +\n            \")\"\n"));
        assert!(patched.contains("\"apiEndpoint=\" + withoutUserinfo(`apiEndpoint`) + \", \" +"));
        assert!(patched.contains("\"chatEndpoint=\" + withoutUserinfo(`chatEndpoint`) + \", \" +"));
        assert!(patched.contains("\"trustedRootCertificates=\" + `trustedRootCertificates`.size + \", \" +"));
        assert!(patched.contains("\"certificatePins=\" + `certificatePins` +\n"));
        // Inside the class body, before `companion object`.
        let user_body = patched.find("data class ConnectycubeUser").unwrap();
        let method = user_body + patched[user_body..].find("override fun toString").unwrap();
        let companion = user_body + patched[user_body..].find("companion object").unwrap();
        assert!(method < companion);
    }

    #[test]
    fn another_shape_is_refused() {
        let source = generated();
        // A renamed secret field.
        assert!(redact(&source.replace("`oldPassword`", "`previousPassword`")).is_err());
        // A record missing.
        assert!(redact(&source.replace("data class ConnectycubeSession (", "class ConnectycubeSession (")).is_err());
        // uniffi already printing through Rust (`#[uniffi::export(Debug)]`).
        let with_to_string = source.replacen(
            "companion object",
            "override fun toString(): String = \"\"\n    companion object",
            1,
        );
        assert!(redact(&with_to_string).is_err());
        // Fields no longer in backticks.
        assert!(redact(&source.replace("var `id`", "var id")).is_err());
        // An endpoint that may be null, a list of roots turned into one text.
        assert!(redact(&source.replace("`apiEndpoint`: kotlin.String", "`apiEndpoint`: kotlin.String?")).is_err());
        assert!(
            redact(&source.replace(
                "`trustedRootCertificates`: List<kotlin.String>",
                "`trustedRootCertificates`: kotlin.String"
            ))
            .is_err()
        );
        // The helper's name taken by uniffi.
        assert!(redact(&format!("{source}\nfun withoutUserinfo(x: String) = x\n")).is_err());
    }
}
