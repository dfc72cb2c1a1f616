//! Secrets never show in Kotlin logs: uniffi generates the records as `data class`es, whose
//! `toString()` prints every field, passwords and tokens too (`println(user)`, string
//! templates, a crash report). This gives the records that carry a secret a `toString()` of
//! the data-class form with those fields shown as `<redacted>` (or `null` when unset).
//!
//! Applied to the generated code wherever it goes: the JVM tests and the Android module
//! (`cargo xtask android`). Refuses generated code of another shape (a uniffi upgrade, a
//! renamed field): review this patch then.

use std::path::Path;

use anyhow::{Result, anyhow};

/// The records with secret fields, and those fields (Kotlin names). `ConnectycubeSession.user`
/// and `PagedUsersResult.items` print through `ConnectycubeUser.toString()`.
const SECRETS: &[(&str, &[&str])] = &[
    ("ConnectycubeUser", &["password", "oldPassword"]),
    ("ConnectycubeSession", &["token"]),
];

/// Patches the one generated `.kt` file under `dir` that declares the records.
pub fn apply(dir: &Path) -> Result<()> {
    let declaration = format!("data class {} (", SECRETS[0].0);
    super::patch_the_file_with(dir, &declaration, &format!("`{declaration}`"), redact)
}

/// `source` with every record of [`SECRETS`] given its redacting `toString()`.
pub fn redact(source: &str) -> Result<String> {
    let mut out = source.to_owned();
    for (record, secrets) in SECRETS {
        out = redact_record(&out, record, secrets)?;
    }
    Ok(out)
}

fn redact_record(source: &str, record: &str, secrets: &[&str]) -> Result<String> {
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
            let name = declaration
                .strip_prefix('`')
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| name)
                .ok_or_else(|| changed(&format!("has a field not written as `name`: {line}")))?;
            fields.push(name.to_owned());
        }
        offset = line_end + 1;
    };
    for secret in secrets {
        if !fields.iter().any(|f| f == secret) {
            return Err(changed(&format!(
                "has no field `{secret}` (fields: {})",
                fields.join(", ")
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
    for (i, field) in fields.iter().enumerate() {
        let value = if secrets.contains(&field.as_str()) {
            format!("(if (`{field}` == null) \"null\" else \"<redacted>\")")
        } else {
            format!("`{field}`")
        };
        let separator = if i + 1 == fields.len() { "" } else { " + \", \"" };
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
        format!("package com.connectycube\n{user}{session}public object Tail\n")
    }

    #[test]
    fn secrets_are_redacted_and_every_field_is_printed() {
        let patched = redact(&generated()).unwrap();
        assert!(patched.ends_with("public object Tail\n"));
        assert_eq!(patched.matches("override fun toString(): String =").count(), 2);
        assert!(patched.contains("\"ConnectycubeUser(\" +\n            \"id=\" + `id` + \", \" +"));
        assert!(patched.contains("\"password=\" + (if (`password` == null) \"null\" else \"<redacted>\") + \", \" +"));
        assert!(patched.contains("\"oldPassword=\" + (if (`oldPassword` == null) \"null\" else \"<redacted>\") +\n"));
        assert!(patched.contains("\"token=\" + (if (`token` == null) \"null\" else \"<redacted>\") + \", \" +"));
        assert!(patched.contains("\"user=\" + `user` +\n            \")\"\n"));
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
    }
}
