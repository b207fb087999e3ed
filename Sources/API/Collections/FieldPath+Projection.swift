import JSON

extension FieldPath {
    /// `fields=`: `value` reduced to what `paths` name, keeping the nesting and the keys as they are in
    /// `value` (`config.limits.cpu` gives `{"config": {"limits.cpu": "2"}}`). Paths are applied in the
    /// order given and merged, so `config.a,config.b` share one `config`. A path that finds nothing
    /// adds nothing: a missing key is absent, not `null`, so nothing invents values the item lacks.
    static func project(_ value: JSONValue, onto paths: [FieldPath]) -> JSONValue {
        var result: JSONValue = .object([])
        for path in paths {
            if let part = path.part(from: 0, of: value) { result = merge(result, part) }
        }
        return result
    }

    /// The smallest piece of `value` that holds this path, or nil if the path finds nothing.
    private func part(from start: Int, of value: JSONValue) -> JSONValue? {
        if start == components.count { return value }
        switch value {
        case .object(let members):
            for end in stride(from: components.count, to: start, by: -1) {
                let key = key(start..<end)
                guard let member = members.first(where: { $0.0 == key })?.1 else { continue }
                if let found = part(from: end, of: member) { return .object([(key, found)]) }
            }
            return nil
        case .array(let elements):
            // Elements keep their positions (an element without the path becomes `{}`), so the parts
            // of two paths through the same array can be merged element by element.
            let parts = elements.map { part(from: start, of: $0) }
            guard parts.contains(where: { $0 != nil }) else { return nil }
            return .array(parts.map { $0 ?? .object([]) })
        default:
            return nil
        }
    }

    /// Both parts come from the same item, so where they overlap they agree: objects are merged
    /// member by member, arrays element by element, and anything else is the same value twice.
    private static func merge(_ first: JSONValue, _ second: JSONValue) -> JSONValue {
        switch (first, second) {
        case (.object(var members), .object(let others)):
            for (key, value) in others {
                if let index = members.firstIndex(where: { $0.0 == key }) {
                    members[index].1 = merge(members[index].1, value)
                } else {
                    members.append((key, value))
                }
            }
            return .object(members)
        case (.array(let elements), .array(let others)) where elements.count == others.count:
            return .array(zip(elements, others).map { merge($0, $1) })
        default:
            return first
        }
    }
}
