import JSON

extension CollectionQuery {
    /// The elements the list shows, and how many matched before paging (`X-Total-Count`): filtered,
    /// then sorted (stably: equal keys keep the endpoint's order), then paged. `object` gives each
    /// element's JSON and is only called when a filter or sort needs it.
    ///
    /// Generic over the element so an endpoint can keep its own type through selection (operations
    /// need the status to group by afterwards).
    func select<Element>(_ elements: [Element], object: (Element) -> JSONValue?) -> (elements: [Element], total: Int) {
        var kept = Array(elements.indices)
        if filter != nil || !sort.isEmpty {
            let objects = elements.map { object($0) ?? .object([]) }
            if let filter { kept.removeAll { !filter.matches(objects[$0]) } }
            if !sort.isEmpty {
                var keys = [[JSONValue?]](repeating: [], count: elements.count)
                for index in kept { keys[index] = sort.map { $0.path.resolve(in: objects[index]) } }
                kept.sort { first, second in
                    let (firstKeys, secondKeys) = (keys[first], keys[second])
                    for (position, key) in sort.enumerated() {
                        let order = key.compare(firstKeys[position], secondKeys[position])
                        if order != 0 { return order < 0 }
                    }
                    return first < second
                }
            }
        }
        let total = kept.count
        let page = kept.dropFirst(min(offset, total)).prefix(limit ?? total)
        return (page.map { elements[$0] }, total)
    }

    /// What the list shows for one item: its URL at `recursion=0`, as LXD, else its object. With
    /// `fields` it is the projected object at any recursion: asking for fields means asking for
    /// objects, and a URL has no fields to keep (LXD has no `fields`, so no client is surprised).
    func output(_ item: CollectionItem) -> JSONValue {
        if let fields { return FieldPath.project(item.object ?? .object([]), onto: fields) }
        if recursion >= 1, let object = item.object { return object }
        return .string(item.url)
    }
}
