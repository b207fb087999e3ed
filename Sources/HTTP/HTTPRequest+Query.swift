extension HTTPRequest {
    /// The query's `name=value` pairs in order, decoded as `application/x-www-form-urlencoded`:
    /// split on `&`, then on the first `=`; `+` is a space and `%XX` escapes are decoded
    /// (see ``PercentDecoding/decode(_:plusAsSpace:)``). Empty pairs are skipped; a pair without
    /// `=` has an empty value. LXD clients send e.g. `?recursion=1&project=default`.
    public var queryItems: [(name: String, value: String)] {
        guard let query = rawQuery else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (
                    name: PercentDecoding.decode(pair[..<equals], plusAsSpace: true),
                    value: PercentDecoding.decode(pair[pair.index(after: equals)...], plusAsSpace: true)
                )
            }
            return (name: PercentDecoding.decode(pair, plusAsSpace: true), value: "")
        }
    }

    /// The decoded value of the first query item called `name`, or nil.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The path's segments, split on `/` before percent-decoding (so `%2F` stays inside a
    /// segment, RFC 3986 §2.2), with empty segments dropped: `/1.0/instances/c1` gives
    /// `["1.0", "instances", "c1"]`. `+` is kept as is: it means a space only in queries.
    public var pathComponents: [String] {
        rawPath.split(separator: "/", omittingEmptySubsequences: true).map {
            PercentDecoding.decode($0, plusAsSpace: false)
        }
    }
}
