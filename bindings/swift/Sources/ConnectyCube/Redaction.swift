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

private func show<T>(_ value: T?) -> String {
    value.map { "\($0)" } ?? "nil"
}

private func redact(_ value: String?) -> String {
    value == nil ? "nil" : "<redacted>"
}
