import JSON

/// Who asked for an operation (LXD's `requestor`: `{username, protocol, address}`).
public struct Requestor: Sendable, Equatable {
    public var username: String
    public var `protocol`: String
    public var address: String

    public init(username: String, protocol: String, address: String) {
        self.username = username
        self.protocol = `protocol`
        self.address = address
    }

    public var json: JSONValue {
        .object([("username", .string(username)), ("protocol", .string(`protocol`)), ("address", .string(address))])
    }

    public init?(json: JSONValue) {
        guard let username = json["username"]?.stringValue, let proto = json["protocol"]?.stringValue,
            let address = json["address"]?.stringValue
        else { return nil }
        self.init(username: username, protocol: proto, address: address)
    }
}
