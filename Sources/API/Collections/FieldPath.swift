import JSON

/// A dotted path into an item's JSON (`name`, `config.limits.cpu`, `expanded_devices.root.path`),
/// as `filter`, `sort` and `fields` name values.
///
/// LXD's config keys contain dots themselves, so a path is not split once and followed: at each
/// object the longest run of the remaining components that is a key there wins, falling back to
/// shorter runs when the rest of the path cannot be found under it. `config.limits.cpu` thus finds
/// `{"config": {"limits.cpu": "2"}}` as well as `{"config": {"limits": {"cpu": "2"}}}`. This
/// generalises LXD's `filter.ValueOf`, which knows from Go types where a string map begins.
///
/// Arrays are looked through: `aliases.name` on `{"aliases": [{"name": "a"}, {"name": "b"}]}` is
/// `["a", "b"]`, so a filter can ask whether any alias is called `a`.
struct FieldPath: Sendable, Equatable, CustomStringConvertible {
    let components: [String]

    var description: String { components.joined(separator: ".") }

    /// A path from its dotted text; nil when it is empty, has an empty component (`a..b`, `.a`, `a.`)
    /// or contains whitespace, quotes or parentheses, none of which a key of ours contains.
    init?(_ text: Substring) {
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace || "\"()".contains($0) }) else { return nil }
        let components = text.split(separator: ".", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.components = components.map(String.init)
    }

    /// The value at this path in `value`, or nil where there is none. A path through an array yields
    /// the array of what each element has at the rest of the path (nil if none has anything).
    func resolve(in value: JSONValue) -> JSONValue? {
        resolve(from: 0, in: value)
    }

    private func resolve(from start: Int, in value: JSONValue) -> JSONValue? {
        if start == components.count { return value }
        switch value {
        case .object(let members):
            for end in stride(from: components.count, to: start, by: -1) {
                let key = key(start..<end)
                guard let member = members.first(where: { $0.0 == key })?.1 else { continue }
                if let found = resolve(from: end, in: member) { return found }
            }
            return nil
        case .array(let elements):
            let found = elements.compactMap { resolve(from: start, in: $0) }
            return found.isEmpty ? nil : .array(found)
        default:
            return nil
        }
    }

    func key(_ range: Range<Int>) -> String {
        range.count == 1 ? components[range.lowerBound] : components[range].joined(separator: ".")
    }
}
