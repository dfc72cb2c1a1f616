// Secrets never show in logs: `print(user)`, string interpolation and `debugPrint` of the
// generated records would otherwise show passwords and tokens.

extension ConnectycubeUser: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "ConnectycubeUser(id: \(id), login: \(show(login)), email: \(show(email)), fullName: \(show(fullName)), "
            + "isGuest: \(isGuest), password: \(redact(password)), oldPassword: \(redact(oldPassword)))"
    }

    public var debugDescription: String { description }
}

extension ConnectycubeSession: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "ConnectycubeSession(id: \(id), userId: \(show(userId)), token: \(redact(token)), "
            + "tokenExpirationDate: \(show(tokenExpirationDate)), user: \(user.map { $0.description } ?? "nil"))"
    }

    public var debugDescription: String { description }
}

// An endpoint may carry `user:password@` (`doInit` refuses it, but a config may be logged
// first); PEM texts are long and say nothing in a log, so only their number shows.
extension ConnectycubeConfig: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "ConnectycubeConfig(apiEndpoint: \(withoutUserinfo(apiEndpoint)), chatEndpoint: \(withoutUserinfo(chatEndpoint)), "
            + "retainCredentials: \(retainCredentials), trustedRootCertificates: \(trustedRootCertificates.count), "
            + "certificatePins: \(certificatePins), maxResponseBytes: \(maxResponseBytes))"
    }

    public var debugDescription: String { description }
}

/// `scheme://user:password@host/…` → `scheme://<redacted>@host/…`, as the Rust core prints
/// it: whatever sits before the last `@` of the authority is userinfo.
func withoutUserinfo(_ endpoint: String) -> String {
    let separator = endpoint.range(of: "://")
    let scheme = separator.map { endpoint[..<$0.lowerBound] } ?? ""
    let rest = separator.map { endpoint[$0.upperBound...] } ?? endpoint[...]
    let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return endpoint }
    let prefix = scheme.isEmpty ? "" : scheme + "://"
    return prefix + "<redacted>@" + authority[authority.index(after: at)...] + rest[authorityEnd...]
}

private func show<T>(_ value: T?) -> String {
    value.map { "\($0)" } ?? "nil"
}

private func redact(_ value: String?) -> String {
    value == nil ? "nil" : "<redacted>"
}
