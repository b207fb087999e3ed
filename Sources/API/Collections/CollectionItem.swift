import JSON

/// One member of a collection as a list endpoint hands it to `CollectionResponse`: its URL (what LXD
/// lists at `recursion=0`) and its object (what it lists at `recursion=1`).
///
/// `object` may be nil when `CollectionQuery.needsObjects` is false, so an endpoint whose objects are
/// costly (an instance's status reads the runtime) builds none for a plain URL list. An item without
/// an object where one is needed is filtered and sorted as `{}` and listed by its URL.
struct CollectionItem: Sendable {
    let url: String
    let object: JSONValue?

    init(url: String, object: JSONValue?) {
        self.url = url
        self.object = object
    }
}
